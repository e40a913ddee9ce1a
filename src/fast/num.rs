//! The compiled tier's numbers: a decimal as a 64-bit mantissa and its scale, small enough that a
//! value travels in two machine registers, and exactly the decimal a decision shows (scale kept).
//!
//! A decimal this form cannot hold (a mantissa past 64 bits, a negative zero) is kept among the
//! case's wide numbers instead, and arithmetic the mantissas cannot do exactly is done as decimals.

use super::{Ref, Regs, V};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// `m × 10^-scale`, the decimal with the same scale (`2.50` has scale 2).
///
/// Never a negative zero, and `scale` is at most 28, as in every decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct N {
    pub m: i64,
    pub scale: u8,
}

impl N {
    /// A whole number.
    #[inline]
    pub fn int(m: i64) -> N {
        N { m, scale: 0 }
    }

    /// The compiled form of a decimal, when it has one.
    #[inline]
    pub fn of(d: Decimal) -> Option<N> {
        let m = i64::try_from(d.mantissa()).ok()?;
        if m == 0 && d.is_sign_negative() {
            return None;
        }
        Some(N {
            m,
            scale: u8::try_from(d.scale()).ok()?,
        })
    }

    /// The decimal, as a decision shows it.
    #[inline]
    pub fn dec(self) -> Decimal {
        // The scale is at most 28 by construction, so this never falls back.
        Decimal::try_new(self.m, u32::from(self.scale)).unwrap_or_default()
    }

    /// The order of two numbers at one scale (levels, counts and scores are all whole);
    /// `None` when the scales differ.
    #[inline(always)]
    fn cmp_fast(self, other: N) -> Option<Ordering> {
        (self.scale == other.scale).then(|| self.m.cmp(&other.m))
    }

    /// `self op other` where mantissas alone give the decimal answer: a sum or difference at
    /// one scale, a product of whole numbers, never a zero (the decimal decides its sign).
    #[inline]
    fn fast(self, op: Op, other: N) -> Option<N> {
        let m = match op {
            Op::Add if self.scale == other.scale => self.m.checked_add(other.m)?,
            Op::Sub if self.scale == other.scale => self.m.checked_sub(other.m)?,
            Op::Mul if self.scale == 0 && other.scale == 0 => self.m.checked_mul(other.m)?,
            _ => return None,
        };
        (m != 0).then_some(N { m, ..self })
    }
}

/// The arithmetic of numbers in the compiled tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Regs<'_> {
    /// The decimal of a number (held in place, or among the case's wide numbers).
    #[inline]
    pub fn decimal(&self, v: V) -> Option<Decimal> {
        match v.view() {
            Ref::Num(n) => Some(n.dec()),
            Ref::Wide(i) => self.wide.try_borrow().ok()?.get(i as usize).copied(),
            _ => None,
        }
    }

    /// A decimal as a value: in place when it fits, else kept among the case's wide numbers.
    pub fn number(&self, d: Decimal) -> V {
        if let Some(n) = N::of(d) {
            return n.into();
        }
        match self.wide.try_borrow_mut() {
            Ok(mut wide) => {
                wide.push(d);
                V::wide(u32::try_from(wide.len() - 1).unwrap_or(u32::MAX))
            }
            // Nothing holds the wide numbers across a call, so this is never reached.
            Err(_) => V::NULL,
        }
    }

    /// `x op y` over two numbers; anything else fails, as does dividing by zero.
    #[inline(always)]
    pub fn arith(&self, op: Op, x: V, y: V) -> Option<V> {
        if let (Some(a), Some(b)) = (x.n(), y.n()) {
            if let Some(n) = a.fast(op, b) {
                return Some(n.into());
            }
        }
        self.arith_decimal(op, x, y)
    }

    #[inline(never)]
    fn arith_decimal(&self, op: Op, x: V, y: V) -> Option<V> {
        let (a, b) = (self.decimal(x)?, self.decimal(y)?);
        Some(self.number(match op {
            Op::Add => a.checked_add(b)?,
            Op::Sub => a.checked_sub(b)?,
            Op::Mul => a.checked_mul(b)?,
            Op::Div if b.is_zero() => return None,
            Op::Div => a.checked_div(b)?,
        }))
    }

    /// `-x` (the negative zero of `-0` is a decimal like any other).
    pub fn neg(&self, x: V) -> Option<V> {
        if let Some(n) = x.n().filter(|n| n.m != 0) {
            if let Some(m) = n.m.checked_neg() {
                return Some(N { m, ..n }.into());
            }
        }
        Some(self.number(-self.decimal(x)?))
    }

    /// The order of two numbers; `None` when either is not one.
    #[inline(always)]
    pub fn cmp_num(&self, x: V, y: V) -> Option<Ordering> {
        if let (Some(a), Some(b)) = (x.n(), y.n()) {
            if let Some(o) = a.cmp_fast(b) {
                return Some(o);
            }
        }
        self.cmp_decimal(x, y)
    }

    #[inline(never)]
    fn cmp_decimal(&self, x: V, y: V) -> Option<Ordering> {
        Some(self.decimal(x)?.cmp(&self.decimal(y)?))
    }
}

#[cfg(test)]
mod tests {
    use super::{Op, N};
    use crate::fast::{Ref, Regs, Syms, V};
    use rust_decimal::Decimal;
    use std::cell::RefCell;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn arithmetic_is_the_decimal_arithmetic_scale_and_all() {
        let syms = Syms::default();
        let wide = RefCell::new(Vec::new());
        let heap = RefCell::new(Vec::new());
        let r = Regs {
            v: &mut [],
            on: "2025-01-15".parse().expect("date"),
            syms: &syms,
            wide: &wide,
            given: crate::fast::Given {
                inputs: &[],
                constants: &[],
            },
            heap: &heap,
        };
        let text = |v: Option<V>| v.and_then(|v| r.decimal(v)).map(|d| d.to_string());
        let pairs = [
            ("2", "3"),
            ("2.50", "0.25"),
            ("6000.00", "-6000.00"),
            ("-0.5", "0.5"),
            ("7", "0"),
            ("0", "-4"),
            ("1.1", "2"),
            ("100", "3"),
            ("9223372036854775807", "1"),
            ("-9223372036854775808", "-1"),
        ];
        for (a, b) in pairs {
            let (x, y) = (d(a), d(b));
            let (p, q) = (r.number(x), r.number(y));
            let ops = [
                (Op::Add, x.checked_add(y)),
                (Op::Sub, x.checked_sub(y)),
                (Op::Mul, x.checked_mul(y)),
                (Op::Div, if y.is_zero() { None } else { x.checked_div(y) }),
            ];
            for (op, want) in ops {
                let got = text(r.arith(op, p, q));
                assert_eq!(got, want.map(|w| w.to_string()), "{a} {op:?} {b}");
            }
            assert_eq!(r.cmp_num(p, q), Some(x.cmp(&y)), "{a} <=> {b}");
            assert_eq!(r.same(p, q), x == y, "{a} == {b}");
            assert_eq!(text(r.neg(p)), Some((-x).to_string()), "-{a}");
        }
        // Whole numbers and pence stay in place; a third, and -0, are kept aside.
        let view = |x: Decimal| Some(r.number(x).view());
        let pence = N {
            m: 600000,
            scale: 2,
        };
        assert_eq!(view(d("6000.00")), Some(Ref::Num(pence)));
        assert!(matches!(view(d("100") / d("3")), Some(Ref::Wide(_))));
        assert!(matches!(view(-Decimal::ZERO), Some(Ref::Wide(_))));
        assert_eq!(N::of(-Decimal::ZERO), None);
        assert_eq!(N::of(Decimal::MAX), None);
        assert_eq!(
            text(Some(r.number(Decimal::MAX))),
            Some(Decimal::MAX.to_string())
        );
    }
}
