//! The compiled tier's instructions and their execution: a flat list of register operations per
//! expression, so a case's values are read and written in place rather than returned node by node.

use super::ast::{ArithOp, CmpOp};
use super::builtins::Func;
use crate::fast::{cmp_num, same, Regs, V};
use crate::Date;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// One instruction. Registers are the case's slots (inputs, constants, step values) followed
/// by temporaries; `args` ranges index the expression's list of argument registers, `pool`
/// ranges its constants. Any failure stops the expression with `None`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Op {
    Const {
        dst: u32,
        v: V,
    },
    Move {
        dst: u32,
        src: u32,
    },
    On {
        dst: u32,
    },
    Neg {
        dst: u32,
        a: u32,
    },
    Not {
        dst: u32,
        a: u32,
    },
    Arith {
        dst: u32,
        op: ArithOp,
        a: u32,
        b: u32,
    },
    Eq {
        dst: u32,
        neg: bool,
        a: u32,
        b: u32,
    },
    /// `a == constant` (or `!=`), the commonest condition.
    EqConst {
        dst: u32,
        neg: bool,
        a: u32,
        c: V,
    },
    Ord {
        dst: u32,
        op: CmpOp,
        a: u32,
        b: u32,
    },
    /// `a < number` and the like.
    OrdConst {
        dst: u32,
        op: CmpOp,
        a: u32,
        n: Decimal,
    },
    /// `x in [...]` over registers `args[from..from + n]` (all evaluated, as the interpreter does).
    In {
        dst: u32,
        neg: bool,
        x: u32,
        from: u32,
        n: u32,
    },
    /// `x in [...]` over constants `pool[from..from + n]`.
    InPool {
        dst: u32,
        neg: bool,
        x: u32,
        from: u32,
        n: u32,
    },
    InRange {
        dst: u32,
        neg: bool,
        x: u32,
        lo: u32,
        hi: u32,
    },
    Given {
        dst: u32,
        a: u32,
    },
    /// A function over registers `args[from..from + n]`.
    Call {
        dst: u32,
        f: Func,
        from: u32,
        n: u32,
    },
    Jump {
        to: u32,
    },
    /// Jump when `cond` is false; a value that is not true or false fails.
    JumpIfFalse {
        cond: u32,
        to: u32,
    },
    /// Jump when `cond` is true; a value that is not true or false fails.
    JumpIfTrue {
        cond: u32,
        to: u32,
    },
    /// Jump when `a` holds a value (the lazy arguments of `coalesce`).
    JumpIfPresent {
        a: u32,
        to: u32,
    },
}

impl Regs<'_> {
    #[inline]
    fn at(&self, i: u32) -> Option<V> {
        self.v.get(i as usize).copied()
    }

    #[inline]
    fn put(&mut self, i: u32, v: V) -> Option<()> {
        *self.v.get_mut(i as usize)? = v;
        Some(())
    }

    #[inline]
    pub(crate) fn num(&self, i: u32) -> Option<Decimal> {
        match self.at(i)? {
            V::Num(n) => Some(n),
            _ => None,
        }
    }

    #[inline]
    pub(crate) fn boolean(&self, i: u32) -> Option<bool> {
        match self.at(i)? {
            V::Bool(b) => Some(b),
            _ => None,
        }
    }

    #[inline]
    fn present(&self, i: u32) -> Option<V> {
        self.at(i).filter(|v| !v.is_null())
    }

    #[inline]
    fn date(&self, i: u32) -> Option<Date> {
        match self.at(i)? {
            V::Date(d) => Some(d),
            _ => None,
        }
    }
}

/// The order of two values of one orderable kind; anything else fails, as in the interpreter.
#[inline(never)]
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

/// `v in [items]`: every item is read (as the interpreter builds the whole list); any that
/// cannot be read, or compared, fails.
fn any_same(v: V, items: impl Iterator<Item = Option<V>>) -> Option<bool> {
    let mut found = false;
    for item in items {
        found |= same(v, item?)?;
    }
    Some(found)
}

fn slice<T>(all: &[T], from: u32, n: u32) -> Option<&[T]> {
    let from = from as usize;
    all.get(from..from.checked_add(n as usize)?)
}

/// Run one expression's instructions on a case.
pub(super) fn run(ops: &[Op], args: &[u32], pool: &[V], r: &mut Regs) -> Option<()> {
    let mut pc = 0usize;
    while let Some(op) = ops.get(pc) {
        pc += 1;
        match *op {
            Op::Const { dst, v } => r.put(dst, v)?,
            Op::Move { dst, src } => r.put(dst, r.at(src)?)?,
            Op::On { dst } => r.put(dst, V::Date(r.on))?,
            Op::Neg { dst, a } => r.put(dst, V::Num(-r.num(a)?))?,
            Op::Not { dst, a } => r.put(dst, V::Bool(!r.boolean(a)?))?,
            Op::Arith { dst, op, a, b } => {
                let (x, y) = (r.num(a)?, r.num(b)?);
                let v = match op {
                    ArithOp::Add => x.checked_add(y)?,
                    ArithOp::Sub => x.checked_sub(y)?,
                    ArithOp::Mul => x.checked_mul(y)?,
                    ArithOp::Div if y.is_zero() => return None,
                    ArithOp::Div => x.checked_div(y)?,
                };
                r.put(dst, V::Num(v))?
            }
            Op::Eq { dst, neg, a, b } => r.put(dst, V::Bool(same(r.at(a)?, r.at(b)?)? != neg))?,
            Op::EqConst { dst, neg, a, c } => r.put(dst, V::Bool(same(r.at(a)?, c)? != neg))?,
            Op::Ord { dst, op, a, b } => {
                let ord = order(r.present(a)?, r.present(b)?, r)?;
                r.put(dst, V::Bool(holds(op, ord)))?
            }
            Op::OrdConst { dst, op, a, n } => {
                r.put(dst, V::Bool(holds(op, cmp_num(r.num(a)?, n))))?
            }
            Op::In {
                dst,
                neg,
                x,
                from,
                n,
            } => {
                let items = slice(args, from, n)?.iter().map(|&i| r.at(i));
                let found = any_same(r.present(x)?, items)?;
                r.put(dst, V::Bool(found != neg))?
            }
            Op::InPool {
                dst,
                neg,
                x,
                from,
                n,
            } => {
                let found = any_same(
                    r.present(x)?,
                    slice(pool, from, n)?.iter().map(|&c| Some(c)),
                )?;
                r.put(dst, V::Bool(found != neg))?
            }
            Op::InRange {
                dst,
                neg,
                x,
                lo,
                hi,
            } => {
                let v = r.present(x)?;
                let low = order(r.present(lo)?, v, r)? != Ordering::Greater;
                let inside = low && order(v, r.present(hi)?, r)? != Ordering::Greater;
                r.put(dst, V::Bool(inside != neg))?
            }
            Op::Given { dst, a } => r.put(dst, V::Bool(!r.at(a)?.is_null()))?,
            Op::Call { dst, f, from, n } => {
                let v = call(f, slice(args, from, n)?, r)?;
                r.put(dst, v)?
            }
            Op::Jump { to } => pc = to as usize,
            Op::JumpIfFalse { cond, to } => {
                if !r.boolean(cond)? {
                    pc = to as usize;
                }
            }
            Op::JumpIfTrue { cond, to } => {
                if r.boolean(cond)? {
                    pc = to as usize;
                }
            }
            Op::JumpIfPresent { a, to } => {
                if !r.at(a)?.is_null() {
                    pc = to as usize;
                }
            }
        }
    }
    Some(())
}

/// A function call over its argument registers (`coalesce`, being lazy, is compiled to jumps).
/// Kept out of line, so the instruction loop stays small.
#[inline(never)]
fn call(f: Func, args: &[u32], r: &Regs) -> Option<V> {
    let (&first, rest) = args.split_first()?;
    Some(match f {
        Func::Min | Func::Max => {
            let want = if matches!(f, Func::Min) {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            let mut best = r.present(first)?;
            for &a in rest {
                let v = r.present(a)?;
                if order(v, best, r)? == want {
                    best = v;
                }
            }
            best
        }
        Func::Abs => V::Num(r.num(first)?.abs()),
        Func::Round(dp, mode) => V::Num(mode.round(r.num(first)?, dp)),
        Func::Floor => V::Num(r.num(first)?.floor()),
        Func::Ceil => V::Num(r.num(first)?.ceil()),
        Func::CountAtLeast => {
            let n = r.num(first)?;
            let mut c = 0u32;
            for &a in rest {
                if let V::Num(x) = r.at(a)? {
                    c += u32::from(cmp_num(x, n) != Ordering::Less);
                }
            }
            V::Num(Decimal::from(c))
        }
        Func::CountTrue => {
            let mut c = 0u32;
            for &a in args {
                c += u32::from(matches!(r.at(a)?, V::Bool(true)));
            }
            V::Num(Decimal::from(c))
        }
        Func::AgeMonths => {
            let on = match rest.first() {
                Some(&a) => r.date(a)?,
                None => r.on,
            };
            V::Num(Decimal::from(r.date(first)?.whole_months_until(on)))
        }
        Func::DaysBetween => {
            let later = match rest.first() {
                Some(&a) => r.date(a)?,
                None => r.on,
            };
            V::Num(Decimal::from(r.date(first)?.days_until(later)))
        }
        Func::Coalesce | Func::Len | Func::Sum => return None,
    })
}
