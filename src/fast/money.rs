//! Money steps in the compiled tier: rate x quantity, pro-rated by a ratio, capped and rounded
//! as the rule declares, in decimals exactly as the interpreter does.

use super::{Compile, Regs, V};
use crate::expr::FastExpr;
use crate::steps::money;
use rust_decimal::Decimal;

/// A compiled money step (rates pro-rated by a ratio; pro-rating by periods is left to the
/// interpreter).
#[derive(Debug)]
pub(crate) struct FastMoney {
    rate: FastExpr,
    quantity: Vec<Result<Decimal, FastExpr>>,
    prorate: Option<(FastExpr, FastExpr)>,
    cap: Option<FastExpr>,
    round: Option<(crate::money::RoundingMode, u32)>,
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
            Some(money::Prorate::Ratio { part, whole }) => Some((part.fast(cx)?, whole.fast(cx)?)),
            Some(money::Prorate::Periods { .. }) => return None,
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

    pub(super) fn eval(&self, r: &Regs) -> Option<V> {
        r.number(self.amount(r)?)
    }

    fn amount(&self, r: &Regs) -> Option<Decimal> {
        let rate = self.rate.decimal(r)?;
        let mut quantity = Decimal::ONE;
        for q in &self.quantity {
            let n = match q {
                Ok(n) => *n,
                Err(e) => e.decimal(r)?,
            };
            quantity = quantity.checked_mul(n)?;
        }
        let mut amount = rate.checked_mul(quantity)?;
        if let Some((part, whole)) = &self.prorate {
            let p = part.decimal(r)?;
            let w = whole.decimal(r)?;
            if w.is_zero() {
                return None;
            }
            amount = amount.checked_mul(p)?.checked_div(w)?;
        }
        if let Some(cap) = &self.cap {
            let c = cap.decimal(r)?;
            if amount > c {
                amount = c;
            }
        }
        if let Some((mode, places)) = self.round {
            amount = mode.round(amount, places);
        }
        Some(amount)
    }
}
