//! The `money` step: an amount from a rate and a basis (per year, term, month, week, hour, or
//! one-off), pro-rated, capped and rounded exactly as the rule declares. Nothing else rounds.

use super::Ctx;
use crate::error::LoadError;
use crate::expr::{Expr, Type};
use crate::format::{Basis, MoneySpec, ProrateBy};
use crate::money::RoundingMode;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A compiled money step.
#[derive(Debug, Clone)]
pub struct Money {
    pub(crate) rate: Expr,
    /// Multipliers from the basis: none, terms, months, weeks, or hours and weeks.
    pub(crate) quantity: Vec<Quantity>,
    pub(crate) prorate: Option<Prorate>,
    pub(crate) cap: Option<Expr>,
    pub(crate) round: Option<(RoundingMode, u32)>,
}

#[derive(Debug, Clone)]
pub(crate) enum Quantity {
    Fixed(Decimal),
    Expr(Expr),
}

#[derive(Debug, Clone)]
pub(crate) enum Prorate {
    Ratio {
        part: Expr,
        whole: Expr,
    },
    Periods {
        periods: Expr,
        weights: Vec<(Arc<str>, Decimal)>,
    },
}

const BASIS_FIELDS: [&str; 4] = ["terms", "months", "weeks", "hours"];

impl Money {
    /// Compile; each basis takes exactly the quantities it needs.
    pub fn compile(spec: &MoneySpec, ctx: &Ctx) -> Result<Money, LoadError> {
        let num = |text: &str, field: &str| {
            ctx.typed_expr(text, &format!(".money.{field}"), &Type::Number)
        };
        let given = [&spec.terms, &spec.months, &spec.weeks, &spec.hours];
        let (needs, defaults): (&[&str], &[(&str, u32)]) = match spec.basis {
            Basis::PerYear | Basis::OneOff => (&[], &[]),
            Basis::PerTerm => (&[], &[("terms", 3)]),
            Basis::PerMonth => (&[], &[("months", 12)]),
            Basis::PerWeek => (&["weeks"], &[]),
            Basis::PerHour => (&["hours", "weeks"], &[]),
        };
        let mut quantity = Vec::new();
        for (field, text) in BASIS_FIELDS.iter().zip(given) {
            let used = needs.contains(field) || defaults.iter().any(|(f, _)| f == field);
            match (text, used) {
                (Some(_), false) => {
                    return Err(ctx.at.join(&format!(".money.{field}")).invalid(format!(
                        "{field} is not used with basis {}",
                        basis_name(spec.basis)
                    )))
                }
                (Some(t), true) => quantity.push(Quantity::Expr(num(t, field)?)),
                (None, true) => match defaults.iter().find(|(f, _)| f == field) {
                    Some((_, n)) => quantity.push(Quantity::Fixed(Decimal::from(*n))),
                    None => {
                        return Err(ctx
                            .at
                            .join(".money")
                            .invalid(format!("basis {} needs {field}", basis_name(spec.basis))))
                    }
                },
                (None, false) => {}
            }
        }
        let prorate = match &spec.prorate {
            None => None,
            Some(p) => {
                let at = ctx.at.join(".money.prorate");
                match p.by {
                    ProrateBy::Days | ProrateBy::Hours => {
                        if p.periods.is_some() || !p.weights.is_empty() {
                            return Err(
                                at.invalid("periods and weights are for pro-rating by periods")
                            );
                        }
                        let (Some(part), Some(whole)) = (&p.part, &p.whole) else {
                            return Err(
                                at.invalid("pro-rating by days or hours needs part and whole")
                            );
                        };
                        Some(Prorate::Ratio {
                            part: ctx.typed_expr(part, ".money.prorate.part", &Type::Number)?,
                            whole: ctx.typed_expr(whole, ".money.prorate.whole", &Type::Number)?,
                        })
                    }
                    ProrateBy::Periods => {
                        if p.part.is_some() || p.whole.is_some() {
                            return Err(
                                at.invalid("part and whole are for pro-rating by days or hours")
                            );
                        }
                        let Some(periods) = &p.periods else {
                            return Err(at.invalid(
                                "pro-rating by periods needs periods (a list of period names)",
                            ));
                        };
                        if p.weights.is_empty() {
                            return Err(
                                at.invalid("pro-rating by periods needs the weight of each period")
                            );
                        }
                        Some(Prorate::Periods {
                            periods: ctx.typed_expr(
                                periods,
                                ".money.prorate.periods",
                                &Type::List(Box::new(Type::Text)),
                            )?,
                            weights: p
                                .weights
                                .iter()
                                .map(|(k, w)| (Arc::from(k.as_str()), w.0))
                                .collect(),
                        })
                    }
                }
            }
        };
        if let Some(r) = &spec.round {
            if r.places > 10 {
                return Err(ctx
                    .at
                    .join(".money.round.places")
                    .invalid("round to at most 10 decimal places"));
            }
        }
        Ok(Money {
            rate: num(&spec.rate, "rate")?,
            quantity,
            prorate,
            cap: spec.cap.as_deref().map(|c| num(c, "cap")).transpose()?,
            round: spec.round.map(|r| (r.mode, r.places)),
        })
    }
}

fn basis_name(b: Basis) -> &'static str {
    match b {
        Basis::PerYear => "per_year",
        Basis::PerTerm => "per_term",
        Basis::PerMonth => "per_month",
        Basis::PerWeek => "per_week",
        Basis::PerHour => "per_hour",
        Basis::OneOff => "one_off",
    }
}
