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
    /// A basis by the case: the expression giving its name, and each basis's multipliers
    /// (then `quantity` is unused).
    pub(crate) by: Option<ByCase>,
    pub(crate) prorate: Option<Prorate>,
    pub(crate) cap: Option<Expr>,
    pub(crate) round: Option<(RoundingMode, u32)>,
}

/// A basis by the case: the expression giving its name, and each basis's multipliers.
pub(crate) type ByCase = (Expr, Vec<(Arc<str>, Vec<Quantity>)>);

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
        // A basis, or an expression of the case giving one of the bases it writes.
        let (key, bases): (Option<Expr>, Vec<Basis>) = match basis_of(&spec.basis) {
            Some(b) => (None, vec![b]),
            None => {
                let word = spec
                    .basis
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_');
                if word {
                    return Err(not_a_basis(&spec.basis, ctx));
                }
                let key = ctx.typed_expr(&spec.basis, ".money.basis", &Type::Text)?;
                let mut written = Vec::new();
                key.texts(&mut |t| {
                    if let Some(b) = basis_of(t) {
                        if !written.contains(&b) {
                            written.push(b);
                        }
                    }
                });
                if written.is_empty() {
                    return Err(not_a_basis(&spec.basis, ctx));
                }
                (Some(key), written)
            }
        };
        // Each quantity given is compiled once, and must be one some basis uses.
        let mut compiled: Vec<Option<Expr>> = Vec::new();
        for (field, text) in BASIS_FIELDS.iter().zip(given) {
            let used = bases.iter().any(|b| uses(*b, field));
            match (text, used) {
                (Some(_), false) => {
                    let named: Vec<&str> = bases.iter().map(|b| basis_name(*b)).collect();
                    return Err(ctx.at.join(&format!(".money.{field}")).invalid(format!(
                        "{field} is not used with basis {}",
                        named.join(" or ")
                    )));
                }
                (Some(t), true) => compiled.push(Some(num(t, field)?)),
                (None, _) => compiled.push(None),
            }
        }
        let quantities = |b: Basis| -> Result<Vec<Quantity>, LoadError> {
            let mut out = Vec::new();
            for (field, expr) in BASIS_FIELDS.iter().zip(&compiled) {
                if !uses(b, field) {
                    continue;
                }
                match (expr, default_of(b, field)) {
                    (Some(e), _) => out.push(Quantity::Expr(e.clone())),
                    (None, Some(n)) => out.push(Quantity::Fixed(Decimal::from(n))),
                    (None, None) => {
                        return Err(ctx
                            .at
                            .join(".money")
                            .invalid(format!("basis {} needs {field}", basis_name(b))))
                    }
                }
            }
            Ok(out)
        };
        let (quantity, by) = match key {
            None => (quantities(bases[0])?, None),
            Some(key) => {
                let mut each = Vec::new();
                for b in &bases {
                    each.push((Arc::from(basis_name(*b)), quantities(*b)?));
                }
                (Vec::new(), Some((key, each)))
            }
        };
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
            by,
            prorate,
            cap: spec.cap.as_deref().map(|c| num(c, "cap")).transpose()?,
            round: spec.round.map(|r| (r.mode, r.places)),
        })
    }
}

/// The bases by name, as rule files write them.
const BASES: [(&str, Basis); 6] = [
    ("per_year", Basis::PerYear),
    ("per_term", Basis::PerTerm),
    ("per_month", Basis::PerMonth),
    ("per_week", Basis::PerWeek),
    ("per_hour", Basis::PerHour),
    ("one_off", Basis::OneOff),
];

/// The error for a basis that names none, nor gives one.
#[cold]
fn not_a_basis(text: &str, ctx: &Ctx) -> LoadError {
    let names: Vec<&str> = BASES.iter().map(|(n, _)| *n).collect();
    let hint = crate::suggest::did_you_mean(text.trim(), names.iter().copied());
    ctx.at.join(".money.basis").invalid_with(
        format!(
            "{text:?} is not a basis ({}), nor an expression that gives one",
            names.join(", ")
        ),
        hint,
    )
}

/// The basis named `text`, if it names one.
fn basis_of(text: &str) -> Option<Basis> {
    BASES
        .iter()
        .find(|(n, _)| *n == text.trim())
        .map(|(_, b)| *b)
}

/// Whether basis `b` multiplies by `field` (given, or by its default).
fn uses(b: Basis, field: &str) -> bool {
    match b {
        Basis::PerYear | Basis::OneOff => false,
        Basis::PerTerm => field == "terms",
        Basis::PerMonth => field == "months",
        Basis::PerWeek => field == "weeks",
        Basis::PerHour => field == "hours" || field == "weeks",
    }
}

/// What `field` is for basis `b` when not given: 3 terms, 12 months; weeks and hours must be.
fn default_of(b: Basis, field: &str) -> Option<u32> {
    match (b, field) {
        (Basis::PerTerm, "terms") => Some(3),
        (Basis::PerMonth, "months") => Some(12),
        _ => None,
    }
}

fn basis_name(b: Basis) -> &'static str {
    BASES
        .iter()
        .find(|(_, x)| *x == b)
        .map_or("per_year", |(n, _)| n)
}
