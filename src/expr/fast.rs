//! Expressions for the compiled tier: the checked tree re-made over copyable values, where any
//! failure is `None` (the interpreter then decides the case and words the error).

use super::ast::{ArithOp, CmpOp};
use super::builtins::Func;
use super::eval::{Node, NodeKind};
use super::Expr;
use crate::fast::{cmp_num, same, Regs, Syms, V};
use crate::Date;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// A compiled expression: evaluates to the interpreter's value whenever the interpreter
/// succeeds, and gives `None` whenever it fails (and, rarely, when only the interpreter can tell).
#[derive(Debug, Clone)]
pub(crate) struct FastExpr(F);

#[derive(Debug, Clone)]
enum F {
    Const(V),
    Slot(u32),
    On,
    Neg(Box<F>),
    Not(Box<F>),
    Arith(Box<F>, Box<[(ArithOp, F)]>),
    And(Box<[F]>),
    Or(Box<[F]>),
    Eq(bool, Box<F>, Box<F>),
    /// `slot == constant` (or `!=`), the commonest condition.
    EqConst(bool, u32, V),
    Ord(CmpOp, Box<F>, Box<F>),
    /// `x < number` and the like.
    OrdConst(CmpOp, Box<F>, Decimal),
    /// `in` a list whose items are evaluated (all of them, as the interpreter does).
    InList(bool, Box<F>, Box<[F]>),
    InRange(bool, Box<F>, Box<F>, Box<F>),
    If(Box<F>, Box<F>, Box<F>),
    Given(u32),
    Call(Func, Box<[F]>),
}

impl Expr {
    /// The compiled form, or `None` when the expression uses what the compiled tier lacks
    /// (list values other than `in [...]`, `len`, `sum`).
    pub(crate) fn fast(&self, syms: &mut Syms) -> Option<FastExpr> {
        compile(&self.inner.node, syms).map(FastExpr)
    }

    /// The compiled form of a condition that may be left out (a plain name cannot fail).
    pub(crate) fn fast_check(&self, syms: &mut Syms) -> Option<Option<FastExpr>> {
        match self.inner.node.kind {
            NodeKind::Name(..) | NodeKind::Const(_) => Some(None),
            _ => self.fast(syms).map(Some),
        }
    }
}

fn boxed(n: &Node, syms: &mut Syms) -> Option<Box<F>> {
    compile(n, syms).map(Box::new)
}

fn all(ns: &[Node], syms: &mut Syms) -> Option<Box<[F]>> {
    ns.iter().map(|n| compile(n, syms)).collect()
}

fn compile(n: &Node, syms: &mut Syms) -> Option<F> {
    Some(match &n.kind {
        NodeKind::Const(v) => F::Const(syms.constant(v)?),
        NodeKind::Name(slot, _) => F::Slot(*slot),
        NodeKind::On => F::On,
        NodeKind::List(_) => return None,
        NodeKind::Neg(a) => F::Neg(boxed(a, syms)?),
        NodeKind::Not(a) => F::Not(boxed(a, syms)?),
        NodeKind::Arith(a, rest) => F::Arith(
            boxed(a, syms)?,
            rest.iter()
                .map(|(op, n)| Some((*op, compile(n, syms)?)))
                .collect::<Option<_>>()?,
        ),
        NodeKind::And(xs) => F::And(all(xs, syms)?),
        NodeKind::Or(xs) => F::Or(all(xs, syms)?),
        NodeKind::Eq(neg, a, b) => match (&a.kind, &b.kind) {
            (NodeKind::Name(slot, _), NodeKind::Const(c)) => {
                F::EqConst(*neg, *slot, syms.constant(c)?)
            }
            _ => F::Eq(*neg, boxed(a, syms)?, boxed(b, syms)?),
        },
        NodeKind::Ord(op, a, b) => match &b.kind {
            NodeKind::Const(crate::expr::Value::Number(r)) => F::OrdConst(*op, boxed(a, syms)?, *r),
            _ => F::Ord(*op, boxed(a, syms)?, boxed(b, syms)?),
        },
        NodeKind::InList(neg, x, list) => {
            let items = match &list.kind {
                NodeKind::Const(crate::expr::Value::List(items)) => items
                    .iter()
                    .map(|v| syms.constant(v).map(F::Const))
                    .collect::<Option<_>>()?,
                NodeKind::List(items) => all(items, syms)?,
                _ => return None,
            };
            F::InList(*neg, boxed(x, syms)?, items)
        }
        NodeKind::InRange(neg, x, lo, hi) => {
            F::InRange(*neg, boxed(x, syms)?, boxed(lo, syms)?, boxed(hi, syms)?)
        }
        NodeKind::If(c, a, b) => F::If(boxed(c, syms)?, boxed(a, syms)?, boxed(b, syms)?),
        NodeKind::Given(slot) => F::Given(*slot),
        NodeKind::Call(f, args) => match f {
            Func::Len | Func::Sum => return None,
            _ if args.is_empty() => return None,
            _ => F::Call(*f, all(args, syms)?),
        },
    })
}

impl FastExpr {
    /// The value for one case.
    pub fn eval(&self, r: &Regs) -> Option<V> {
        self.0.eval(r)
    }

    /// A condition's truth; no value, or a value that is not true or false, fails.
    pub fn truth(&self, r: &Regs) -> Option<bool> {
        self.0.boolean(r)
    }

    /// A number; no value, or a value that is not a number, fails.
    pub fn num(&self, r: &Regs) -> Option<Decimal> {
        self.0.num(r)
    }
}

/// The order of two values of one orderable kind; anything else fails, as in the interpreter.
fn order(x: V, y: V, r: &Regs) -> Option<Ordering> {
    match (x, y) {
        (V::Num(p), V::Num(q)) => Some(cmp_num(p, q)),
        (V::Text(p), V::Text(q)) => Some(r.syms.text(p)?.cmp(r.syms.text(q)?)),
        (V::Date(p), V::Date(q)) => Some(p.cmp(&q)),
        _ => None,
    }
}

fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }
}

impl F {
    fn num(&self, r: &Regs) -> Option<Decimal> {
        match self.eval(r)? {
            V::Num(n) => Some(n),
            _ => None,
        }
    }

    fn boolean(&self, r: &Regs) -> Option<bool> {
        match self.eval(r)? {
            V::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn date(&self, r: &Regs) -> Option<Date> {
        match self.eval(r)? {
            V::Date(d) => Some(d),
            _ => None,
        }
    }

    fn present(&self, r: &Regs) -> Option<V> {
        Some(self.eval(r)?).filter(|v| !v.is_null())
    }

    fn eval(&self, r: &Regs) -> Option<V> {
        Some(match self {
            F::Const(v) => *v,
            F::Slot(s) => *r.v.get(*s as usize)?,
            F::On => V::Date(r.on),
            F::Neg(a) => V::Num(-a.num(r)?),
            F::Not(a) => V::Bool(!a.boolean(r)?),
            F::Arith(first, rest) => {
                let mut acc = first.num(r)?;
                for (op, n) in rest.iter() {
                    let x = n.num(r)?;
                    acc = match op {
                        ArithOp::Add => acc.checked_add(x)?,
                        ArithOp::Sub => acc.checked_sub(x)?,
                        ArithOp::Mul => acc.checked_mul(x)?,
                        ArithOp::Div if x.is_zero() => return None,
                        ArithOp::Div => acc.checked_div(x)?,
                    };
                }
                V::Num(acc)
            }
            F::And(items) => {
                for n in items.iter() {
                    if !n.boolean(r)? {
                        return Some(V::Bool(false));
                    }
                }
                V::Bool(true)
            }
            F::Or(items) => {
                for n in items.iter() {
                    if n.boolean(r)? {
                        return Some(V::Bool(true));
                    }
                }
                V::Bool(false)
            }
            F::Eq(neg, a, b) => V::Bool(same(a.eval(r)?, b.eval(r)?)? != *neg),
            F::EqConst(neg, slot, c) => V::Bool(same(*r.v.get(*slot as usize)?, *c)? != *neg),
            F::Ord(op, a, b) => {
                let (x, y) = (a.present(r)?, b.present(r)?);
                V::Bool(holds(*op, order(x, y, r)?))
            }
            F::OrdConst(op, a, n) => V::Bool(holds(*op, cmp_num(a.num(r)?, *n))),
            F::InList(neg, x, items) => {
                let v = x.present(r)?;
                let mut found = false;
                for item in items.iter() {
                    // Every item is evaluated, as the interpreter builds the whole list.
                    let w = item.eval(r)?;
                    found |= same(v, w)?;
                }
                V::Bool(found != *neg)
            }
            F::InRange(neg, x, lo, hi) => {
                let v = x.present(r)?;
                let low = order(lo.present(r)?, v, r)? != Ordering::Greater;
                let inside = low && order(v, hi.present(r)?, r)? != Ordering::Greater;
                V::Bool(inside != *neg)
            }
            F::If(c, a, b) => {
                if c.boolean(r)? {
                    a.eval(r)?
                } else {
                    b.eval(r)?
                }
            }
            F::Given(slot) => V::Bool(!r.v.get(*slot as usize)?.is_null()),
            F::Call(f, args) => call(*f, args, r)?,
        })
    }
}

fn call(f: Func, args: &[F], r: &Regs) -> Option<V> {
    let first = args.first()?;
    Some(match f {
        Func::Min | Func::Max => {
            let want = if matches!(f, Func::Min) {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            let mut best = first.present(r)?;
            for a in &args[1..] {
                let v = a.present(r)?;
                if order(v, best, r)? == want {
                    best = v;
                }
            }
            best
        }
        Func::Abs => V::Num(first.num(r)?.abs()),
        Func::Round(dp, mode) => V::Num(mode.round(first.num(r)?, dp)),
        Func::Floor => V::Num(first.num(r)?.floor()),
        Func::Ceil => V::Num(first.num(r)?.ceil()),
        Func::CountAtLeast => {
            let n = first.num(r)?;
            let mut c = 0u32;
            for a in &args[1..] {
                if let V::Num(x) = a.eval(r)? {
                    c += u32::from(x >= n);
                }
            }
            V::Num(Decimal::from(c))
        }
        Func::CountTrue => {
            let mut c = 0u32;
            for a in args {
                c += u32::from(matches!(a.eval(r)?, V::Bool(true)));
            }
            V::Num(Decimal::from(c))
        }
        Func::AgeMonths => {
            let on = match args.get(1) {
                Some(a) => a.date(r)?,
                None => r.on,
            };
            V::Num(Decimal::from(first.date(r)?.whole_months_until(on)))
        }
        Func::DaysBetween => {
            let later = match args.get(1) {
                Some(a) => a.date(r)?,
                None => r.on,
            };
            V::Num(Decimal::from(first.date(r)?.days_until(later)))
        }
        Func::Coalesce => {
            for a in args {
                let v = a.eval(r)?;
                if !v.is_null() {
                    return Some(v);
                }
            }
            V::Null
        }
        Func::Len | Func::Sum => return None,
    })
}
