//! The `score` step: a weight for the chosen level of each input, combined by sum, max or the
//! sum of the top N. Every level an input can take must have a weight, checked at load.

use super::Ctx;
use crate::error::LoadError;
use crate::expr::{Scope, Slot, Type, Value};
use crate::format::{Combine, ScoreSpec};
use rust_decimal::Decimal;
use std::sync::Arc;

/// A compiled score.
#[derive(Debug, Clone)]
pub struct Score {
    pub(crate) combine: Combine,
    pub(crate) rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) input: Arc<str>,
    pub(crate) slot: Slot,
    /// Level as it appears in a profile (a number or a text label) to weight.
    pub(crate) weights: Vec<(Value, Decimal)>,
}

impl Row {
    /// The input this row weighs.
    pub(crate) fn input_name(&self) -> &Arc<str> {
        &self.input
    }
}

impl Score {
    /// Compile; the score is a whole number when every weight is.
    pub fn compile(spec: &ScoreSpec, ctx: &Ctx) -> Result<(Score, Type), LoadError> {
        if spec.weights.is_empty() {
            return Err(ctx
                .at
                .join(".score.weights")
                .invalid("a score needs at least one input"));
        }
        if let Combine::SumOfTop(0) = spec.combine {
            return Err(ctx
                .at
                .join(".score.combine")
                .invalid("sum_of_top needs at least 1"));
        }
        let mut rows = Vec::new();
        let mut whole = true;
        for (i, w) in spec.weights.iter().enumerate() {
            let at = format!(".score.weights[{i}]");
            let input = ctx.input(&w.input, &format!("{at}.input"))?;
            if rows.iter().any(|r: &Row| *r.input == *w.input) {
                return Err(ctx
                    .at
                    .join(&format!("{at}.input"))
                    .invalid(format!("{:?} is weighted twice", w.input)));
            }
            let (slot, ty) = ctx.names.resolve(&w.input).ok_or_else(|| {
                ctx.at
                    .join(&format!("{at}.input"))
                    .invalid("input not in scope")
            })?;
            let domain = input.domain();
            let mut weights = Vec::new();
            for (level, weight) in &w.levels {
                if let Some(domain) = &domain {
                    if !domain.contains(level) {
                        return Err(ctx.at.join(&format!("{at}.levels")).invalid(format!(
                            "level {level:?} is not a value {} can take ({})",
                            w.input,
                            domain.join(", ")
                        )));
                    }
                }
                let key = if ty.is_numeric() {
                    match crate::input::parse_decimal(level) {
                        Some(n) => Value::Number(n),
                        None => {
                            return Err(ctx.at.join(&format!("{at}.levels")).invalid(format!(
                                "level {level:?} is not a number, but {} is",
                                w.input
                            )))
                        }
                    }
                } else {
                    Value::text(level)
                };
                whole &= weight.0.fract().is_zero();
                weights.push((key, weight.0));
            }
            if let Some(domain) = &domain {
                let missing: Vec<&str> = domain
                    .iter()
                    .filter(|d| !w.levels.contains_key(*d))
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() {
                    return Err(ctx.at.join(&format!("{at}.levels")).invalid(format!(
                        "no weight for level {} of {}",
                        missing.join(", "),
                        w.input
                    )));
                }
            }
            rows.push(Row {
                input: input.name.clone(),
                slot,
                weights,
            });
        }
        let ty = if whole { Type::Integer } else { Type::Number };
        Ok((
            Score {
                combine: spec.combine,
                rows,
            },
            ty,
        ))
    }
}
