//! Money steps: rate x quantity, pro-rated by a ratio or by periods, capped and rounded as the
//! rule declares, in exact decimals.

use super::expr::FastExpr;
use super::{division_by_zero, no_value, other, overflow, Compile, Regs, R, V};
use crate::decision::MoneyWorking;
use crate::expr::Value;
use crate::steps::money;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A compiled money step.
#[derive(Debug)]
pub(crate) struct FastMoney {
    rate: FastExpr,
    quantity: Vec<Result<Decimal, FastExpr>>,
    /// A basis by the case: the expression giving its name, and each basis's quantities.
    by: Option<ByCase>,
    prorate: Option<Prorate>,
    cap: Option<FastExpr>,
    round: Option<(crate::money::RoundingMode, u32)>,
}

/// The multipliers of one basis: each a number, or an expression of the case.
type Quantities = Vec<Result<Decimal, FastExpr>>;
/// A basis by the case: the expression giving its name, and each basis's quantities.
type ByCase = (FastExpr, Vec<(Arc<str>, Quantities)>);

#[derive(Debug)]
enum Prorate {
    Ratio(FastExpr, FastExpr),
    Periods(FastExpr, Vec<(Arc<str>, Decimal)>),
}

impl FastMoney {
    pub(super) fn compile(m: &money::Money, cx: &mut Compile) -> Option<FastMoney> {
        let quantity = quantities(&m.quantity, cx)?;
        let by = match &m.by {
            None => None,
            Some((key, each)) => {
                let key = key.fast(cx)?;
                let mut out = Vec::new();
                for (label, qs) in each {
                    out.push((label.clone(), quantities(qs, cx)?));
                }
                Some((key, out))
            }
        };
        let prorate = match &m.prorate {
            None => None,
            Some(money::Prorate::Ratio { part, whole }) => {
                Some(Prorate::Ratio(part.fast(cx)?, whole.fast(cx)?))
            }
            Some(money::Prorate::Periods { periods, weights }) => {
                Some(Prorate::Periods(periods.fast(cx)?, weights.clone()))
            }
        };
        let cap = match &m.cap {
            Some(c) => Some(c.fast(cx)?),
            None => None,
        };
        Some(FastMoney {
            rate: m.rate.fast(cx)?,
            quantity,
            by,
            prorate,
            cap,
            round: m.round,
        })
    }

    pub(super) fn eval(&self, r: &Regs) -> R<V> {
        Ok(r.number(self.working(r)?.1))
    }

    /// rate x quantity x part / whole (multiplying first, dividing once), capped, then rounded:
    /// how the amount was built (what a trace shows), and the amount.
    pub(crate) fn working(&self, r: &Regs) -> R<(MoneyWorking, Decimal)> {
        let money_overflow = || overflow("money");
        let rate = self.rate.decimal(r)?;
        let mut quantity = Decimal::ONE;
        let quantities = match &self.by {
            None => &self.quantity,
            Some((key, each)) => by_case(key, each, r)?,
        };
        for q in quantities {
            let n = match q {
                Ok(n) => *n,
                Err(e) => e.decimal(r)?,
            };
            quantity = quantity.checked_mul(n).ok_or_else(money_overflow)?;
        }
        let mut amount = rate.checked_mul(quantity).ok_or_else(money_overflow)?;
        let mut prorate = None;
        match &self.prorate {
            None => {}
            Some(Prorate::Ratio(part, whole)) => {
                let p = part.decimal(r)?;
                let w = whole.decimal(r)?;
                if w.is_zero() {
                    return Err(division_by_zero(whole.source()));
                }
                amount = amount
                    .checked_mul(p)
                    .and_then(|a| a.checked_div(w))
                    .ok_or_else(money_overflow)?;
                prorate = Some((p, w));
            }
            Some(Prorate::Periods(periods, weights)) => {
                let v = periods.eval(r)?;
                let list = match r.value(v) {
                    Value::List(items) => items,
                    Value::Null => return Err(no_value(periods.source())),
                    o => {
                        return Err(other(format!(
                            "{} gave {}, not a list",
                            periods.source(),
                            o.kind_name()
                        )))
                    }
                };
                let mut share = Decimal::ZERO;
                for item in list.iter() {
                    let name = item.to_string();
                    let w = weights
                        .iter()
                        .find(|(k, _)| **k == *name)
                        .map(|(_, w)| *w)
                        .ok_or_else(|| other(format!("period {name:?} has no weight")))?;
                    share = share.checked_add(w).ok_or_else(money_overflow)?;
                }
                amount = amount.checked_mul(share).ok_or_else(money_overflow)?;
                prorate = Some((share, Decimal::ONE));
            }
        }
        let mut capped_at = None;
        if let Some(cap) = &self.cap {
            let c = cap.decimal(r)?;
            if amount > c {
                amount = c;
                capped_at = Some(c);
            }
        }
        let exact = amount;
        if let Some((mode, places)) = self.round {
            amount = mode.round(amount, places);
        }
        let working = MoneyWorking {
            rate,
            quantity,
            prorate,
            capped_at,
            exact,
        };
        Ok((working, amount))
    }
}

/// The quantities of the basis `key` gives for this case.
#[inline(never)]
fn by_case<'a>(key: &FastExpr, each: &'a [(Arc<str>, Quantities)], r: &Regs) -> R<&'a Quantities> {
    let label = match r.value(key.eval(r)?) {
        Value::Null => return Err(no_value(key.source())),
        v => v.to_string(),
    };
    each.iter()
        .find(|(l, _)| **l == *label)
        .map(|(_, q)| q)
        .ok_or_else(|| {
            other(format!(
                "the basis {} gave {label:?}, not one of the bases it writes",
                key.source()
            ))
        })
}

/// A basis's multipliers, compiled.
fn quantities(qs: &[money::Quantity], cx: &mut Compile) -> Option<Quantities> {
    let mut out = Vec::with_capacity(qs.len());
    for q in qs {
        out.push(match q {
            money::Quantity::Fixed(n) => Ok(*n),
            money::Quantity::Expr(e) => Err(e.fast(cx)?),
        });
    }
    Some(out)
}
