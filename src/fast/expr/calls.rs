//! Function calls in the compiled tier (`coalesce`, `count_at_least`, `min`, `age_months`...):
//! one evaluator per function, specialised like the other nodes in `nodes`.

use super::nodes::{Build, Code, Operand};
use crate::expr::node::Func;
use crate::expr::node::Node;
use crate::expr::Value;
use crate::fast::{bad, overflow, Regs, N, R, V};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::sync::Arc;

/// A whole number as a value.
#[inline]
fn count(c: u32) -> V {
    N::int(i64::from(c)).into()
}

/// A date operand: anything else fails, named by its label.
struct DateOperand {
    of: Operand,
    label: Arc<str>,
}

impl DateOperand {
    fn get(&self, r: &Regs) -> R<crate::Date> {
        let v = self.of.get(r)?;
        match v.view() {
            crate::fast::Ref::Date(d) => d.date().ok_or_else(|| bad(r, &self.label, v, "a date")),
            _ => Err(bad(r, &self.label, v, "a date")),
        }
    }
}

impl Build<'_> {
    fn date(&mut self, n: &Node) -> Option<DateOperand> {
        Some(DateOperand {
            label: self.label(n),
            of: self.code(n)?.operand(),
        })
    }

    /// A call of a built-in function.
    pub(super) fn call(&mut self, f: Func, args: &[Node]) -> Option<Code> {
        let (first, rest) = args.split_first()?;
        Some(match f {
            Func::Coalesce => {
                let mut fs = self.values(args)?;
                let last = fs.pop()?;
                Code::Value(Box::new(move |r| {
                    for f in &fs {
                        let v = f.get(r)?;
                        if !v.is_null() {
                            return Ok(v);
                        }
                    }
                    last.get(r)
                }))
            }
            Func::CountAtLeast => self.count_at_least(args)?,
            Func::CountTrue => {
                let fs = self.values(args)?;
                Code::Value(Box::new(move |r| {
                    let mut c = 0u32;
                    for f in &fs {
                        c += u32::from(f.get(r)?.truth() == Some(true));
                    }
                    Ok(count(c))
                }))
            }
            Func::Min | Func::Max => {
                let want = if matches!(f, Func::Min) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                let first = self.present(first)?;
                let rest = rest
                    .iter()
                    .map(|a| self.present(a))
                    .collect::<Option<Vec<_>>>()?;
                Code::Value(Box::new(move |r| {
                    let mut best = first.get(r)?;
                    for a in &rest {
                        let v = a.get(r)?;
                        let ord = r
                            .order(v, best)
                            .ok_or_else(|| bad(r, a.label(), v, r.kind_name(best)))?;
                        if ord == want {
                            best = v;
                        }
                    }
                    Ok(best)
                }))
            }
            Func::Abs | Func::Floor | Func::Ceil | Func::Round(..) => {
                let x = self.num(first)?;
                Code::Value(Box::new(move |r| {
                    let n = x.decimal(r)?;
                    Ok(r.number(match f {
                        Func::Abs => n.abs(),
                        Func::Floor => n.floor(),
                        Func::Ceil => n.ceil(),
                        Func::Round(dp, mode) => mode.round(n, dp),
                        _ => n,
                    }))
                }))
            }
            Func::AgeMonths | Func::DaysBetween => {
                let months = matches!(f, Func::AgeMonths);
                let from = self.date(first)?;
                let later = match rest.first() {
                    Some(a) => Some(self.date(a)?),
                    None => None,
                };
                Code::Value(Box::new(move |r| {
                    // The later date is read first, as the language defines.
                    let later = match &later {
                        Some(l) => l.get(r)?,
                        None => r.on,
                    };
                    let from = from.get(r)?;
                    Ok(N::int(if months {
                        from.whole_months_until(later)
                    } else {
                        from.days_until(later)
                    })
                    .into())
                }))
            }
            Func::Len => {
                let x = self.present(first)?;
                Code::Value(Box::new(move |r| {
                    let v = x.get(r)?;
                    let n = match r.value(v) {
                        Value::List(items) => items.len(),
                        Value::Text(t) => t.chars().count(),
                        _ => return Err(bad(r, x.label(), v, "a list or a text")),
                    };
                    Ok(r.number(Decimal::from(n)))
                }))
            }
            Func::Sum => {
                let x = self.present(first)?;
                let src = self.src.clone();
                Code::Value(Box::new(move |r| {
                    let v = x.get(r)?;
                    let Value::List(items) = r.value(v) else {
                        return Err(bad(r, x.label(), v, "a list of numbers"));
                    };
                    let mut total = Decimal::ZERO;
                    for item in items.iter() {
                        let Value::Number(n) = item else {
                            return Err(item_error(x.label(), item));
                        };
                        total = total.checked_add(*n).ok_or_else(|| overflow(&src))?;
                    }
                    Ok(r.number(total))
                }))
            }
        })
    }

    /// `count_at_least(n, ...)`: values that are not numbers (a level not given) do not count.
    fn count_at_least(&mut self, args: &[Node]) -> Option<Code> {
        let (first, rest) = args.split_first()?;
        let n = self.num(first)?;
        // A constant threshold held in place (a whole number, most often).
        let threshold = match &n.of {
            Operand::Const(v) if v.n().is_some() => Some(*v),
            _ => None,
        };
        let codes = rest
            .iter()
            .map(|a| self.code(a))
            .collect::<Option<Vec<_>>>()?;
        if let Some(slots) = codes
            .iter()
            .map(|c| match c {
                Code::Slot(s) => Some(*s),
                _ => None,
            })
            .collect::<Option<Vec<u32>>>()
        {
            if let Some(n) = threshold {
                // `count_at_least(3, needs.a, needs.b, ...)`: a constant over slots. Levels
                // are whole numbers or not given, which count with no branch to mispredict.
                return Some(Code::Value(Box::new(move |r| {
                    let (mut c, mut other) = (0u32, false);
                    for &s in &slots {
                        let (k, o) = r.at(s).unwrap_or(V::NULL).at_least(n);
                        c += k;
                        other |= o;
                    }
                    if other {
                        c = counted_slots(r, &slots, n);
                    }
                    Ok(count(c))
                })));
            }
            return Some(Code::Value(Box::new(move |r| {
                let n = n.get(r)?;
                Ok(count(counted_slots(r, &slots, n)))
            })));
        }
        let xs: Vec<Operand> = codes.into_iter().map(Code::operand).collect();
        Some(Code::Value(Box::new(move |r| {
            let n = n.get(r)?;
            let mut c = 0u32;
            for x in &xs {
                c += counts(r, x.get(r)?, n);
            }
            Ok(count(c))
        })))
    }
}

/// The error for an item of a list that is not a number.
#[cold]
fn item_error(label: &str, item: &Value) -> crate::fast::Fail {
    if item.is_null() {
        return crate::fast::no_value(label);
    }
    crate::fast::other(format!(
        "{label} is {}, but a list of numbers was needed",
        item.kind_name()
    ))
}

/// 1 when `x` is a number at least `n`, 0 when it is less or not a number (a level not given).
#[inline]
fn counts(r: &Regs, x: V, n: V) -> u32 {
    u32::from(x.is_number() && r.cmp_num(x, n).is_some_and(|o| o != Ordering::Less))
}

/// How many of the values in `slots` are numbers at least `n`.
fn counted_slots(r: &Regs, slots: &[u32], n: V) -> u32 {
    slots
        .iter()
        .map(|&s| counts(r, r.at(s).unwrap_or(V::NULL), n))
        .sum()
}
