//! Evaluation of built-in function calls over their compiled argument nodes.
//! Nulls are errors except where a function is defined to skip them (counts, coalesce).

use super::eval::{compare_values, Cx, Node};
use super::{EvalError, Value};
use crate::money::RoundingMode;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// A function call that survives to evaluation.
#[derive(Debug, Clone, Copy)]
pub(super) enum Func {
    Min,
    Max,
    Abs,
    Round(u32, RoundingMode),
    Floor,
    Ceil,
    CountAtLeast,
    CountTrue,
    AgeMonths,
    DaysBetween,
    Coalesce,
    Len,
    Sum,
}

fn count(n: usize) -> Value {
    Value::Number(Decimal::from(n))
}

/// Evaluate a built-in function over its argument nodes.
pub(super) fn eval_call(f: Func, args: &[Node], cx: &Cx) -> Result<Value, EvalError> {
    let first = args
        .first()
        .ok_or_else(|| EvalError::Other(format!("missing argument in {}", cx.src)))?;
    Ok(match f {
        Func::Min | Func::Max => {
            let want = if matches!(f, Func::Min) {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            let mut best = first.present(cx)?;
            for a in &args[1..] {
                let v = a.present(cx)?;
                let ord =
                    compare_values(&v, &best).ok_or_else(|| a.bad(cx, &v, best.kind_name()))?;
                if ord == want {
                    best = v;
                }
            }
            best
        }
        Func::Abs => Value::Number(first.num(cx)?.abs()),
        Func::Round(dp, mode) => Value::Number(mode.round(first.num(cx)?, dp)),
        Func::Floor => Value::Number(first.num(cx)?.floor()),
        Func::Ceil => Value::Number(first.num(cx)?.ceil()),
        Func::CountAtLeast => {
            let n = first.num(cx)?;
            let mut c = 0usize;
            for a in &args[1..] {
                if let Value::Number(x) = a.eval(cx)? {
                    c += usize::from(x >= n);
                }
            }
            count(c)
        }
        Func::CountTrue => {
            let mut c = 0usize;
            for a in args {
                c += usize::from(a.eval(cx)? == Value::Bool(true));
            }
            count(c)
        }
        Func::AgeMonths => {
            let on = match args.get(1) {
                Some(a) => a.date(cx)?,
                None => cx.env.on(),
            };
            Value::Number(Decimal::from(first.date(cx)?.whole_months_until(on)))
        }
        Func::DaysBetween => {
            let later = args
                .get(1)
                .map_or_else(|| Ok(cx.env.on()), |a| a.date(cx))?;
            Value::Number(Decimal::from(first.date(cx)?.days_until(later)))
        }
        Func::Coalesce => {
            for a in args {
                let v = a.eval(cx)?;
                if !v.is_null() {
                    return Ok(v);
                }
            }
            Value::Null
        }
        Func::Len => match first.present(cx)? {
            Value::List(items) => count(items.len()),
            Value::Text(t) => count(t.chars().count()),
            v => return Err(first.bad(cx, &v, "a list or a text")),
        },
        Func::Sum => match first.present(cx)? {
            Value::List(items) => {
                let mut total = Decimal::ZERO;
                for v in items.iter() {
                    let Value::Number(x) = v else {
                        return Err(first.bad(cx, v, "a list of numbers"));
                    };
                    total = total.checked_add(*x).ok_or_else(|| cx.overflow())?;
                }
                Value::Number(total)
            }
            v => return Err(first.bad(cx, &v, "a list of numbers")),
        },
    })
}
