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
    prorate: Option<Prorate>,
    cap: Option<FastExpr>,
    round: Option<(crate::money::RoundingMode, u32)>,
}

#[derive(Debug)]
enum Prorate {
    Ratio(FastExpr, FastExpr),
    Periods(FastExpr, Vec<(Arc<str>, Decimal)>),
}

impl FastMoney {
    pub(super) fn compile(m: &money::Money, cx: &mut Compile) -> Option<FastMoney> {
        let quantity = m
            .quantity
            .iter()
            .map(|q| match q {
                money::Quantity::Fixed(n) => Some(Ok(*n)),
                money::Quantity::Expr(e) => Some(Err(e.fast(cx)?)),
            })
            .collect::<Option<_>>()?;
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
        for q in &self.quantity {
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
