//! Function calls in the compiled tier (`coalesce`, `count_at_least`, `min`, `age_months`...):
//! one evaluator per function, specialised like the other nodes in `fast_nodes`.

use super::builtins::Func;
use super::eval::Node;
use super::fast_nodes::{as_date, order, present, Build, Code, Operand};
use crate::fast::{Regs, N, V};
use std::cmp::Ordering;

impl Build<'_> {
    /// A call of a built-in function; `None` for those over lists (`len`, `sum`), which the
    /// interpreter runs.
    pub(super) fn call(&mut self, f: Func, args: &[Node]) -> Option<Code> {
        if args.is_empty() {
            return None;
        }
        Some(match f {
            Func::Len | Func::Sum => return None,
            Func::Coalesce => {
                let mut fs = self.values(args)?;
                let last = fs.pop()?;
                Code::Value(Box::new(move |r| {
                    for f in &fs {
                        let v = f.get(r)?;
                        if !v.is_null() {
                            return Some(v);
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
                    Some(N::int(i64::from(c)).into())
                }))
            }
            Func::Min | Func::Max => {
                let want = if matches!(f, Func::Min) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                let fs = self.values(args)?;
                Code::Value(Box::new(move |r| {
                    let (first, rest) = fs.split_first()?;
                    let mut best = present(first.get(r)?)?;
                    for f in rest {
                        let v = present(f.get(r)?)?;
                        if order(v, best, r)? == want {
                            best = v;
                        }
                    }
                    Some(best)
                }))
            }
            Func::Abs | Func::Floor | Func::Ceil | Func::Round(..) => {
                let mut fs = self.values(args)?;
                let first = fs.remove(0);
                Code::Value(Box::new(move |r| {
                    let n = r.decimal(first.get(r)?)?;
                    for f in &fs {
                        f.get(r)?;
                    }
                    r.number(match f {
                        Func::Abs => n.abs(),
                        Func::Floor => n.floor(),
                        Func::Ceil => n.ceil(),
                        Func::Round(dp, mode) => mode.round(n, dp),
                        _ => n,
                    })
                }))
            }
            Func::AgeMonths | Func::DaysBetween => {
                let fs = self.values(args)?;
                let months = matches!(f, Func::AgeMonths);
                Code::Value(Box::new(move |r| {
                    let (first, rest) = fs.split_first()?;
                    let from = as_date(first.get(r)?)?;
                    let mut later = r.on;
                    for (i, f) in rest.iter().enumerate() {
                        let v = f.get(r)?;
                        if i == 0 {
                            later = as_date(v)?;
                        }
                    }
                    Some(
                        N::int(if months {
                            from.whole_months_until(later)
                        } else {
                            from.days_until(later)
                        })
                        .into(),
                    )
                }))
            }
        })
    }

    /// `count_at_least(n, ...)`: values that are not numbers (a level not given) do not count.
    fn count_at_least(&mut self, args: &[Node]) -> Option<Code> {
        let (first, rest) = args.split_first()?;
        let first = self.code(first)?;
        // A constant threshold held in place (a whole number, most often).
        let threshold = match &first {
            Code::Const(v) if v.n().is_some() => Some(*v),
            _ => None,
        };
        let n = first.num();
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
                        let (k, o) = r.at(s)?.at_least(n);
                        c += k;
                        other |= o;
                    }
                    if other {
                        c = counted_slots(r, &slots, n)?;
                    }
                    Some(N::int(i64::from(c)).into())
                })));
            }
            return Some(Code::Value(Box::new(move |r| {
                let c = counted_slots(r, &slots, n(r)?)?;
                Some(N::int(i64::from(c)).into())
            })));
        }
        let xs: Vec<Operand> = codes.into_iter().map(Code::operand).collect();
        Some(Code::Value(Box::new(move |r| {
            let n = n(r)?;
            let mut c = 0u32;
            for x in &xs {
                c += counts(r, x.get(r)?, n)?;
            }
            Some(N::int(i64::from(c)).into())
        })))
    }
}

/// 1 when `x` is a number at least `n`, 0 when it is less or not a number (a level not given).
#[inline]
fn counts(r: &Regs, x: V, n: V) -> Option<u32> {
    if x.is_number() {
        Some(u32::from(r.cmp_num(x, n)? != Ordering::Less))
    } else {
        Some(0)
    }
}

/// How many of the values in `slots` are numbers at least `n`.
fn counted_slots(r: &Regs, slots: &[u32], n: V) -> Option<u32> {
    let mut c = 0u32;
    for &s in slots {
        c += counts(r, r.at(s)?, n)?;
    }
    Some(c)
}
