//! The `ranges` step: places a number in one of several labelled ranges (inclusive bounds, or
//! `below` for an exclusive top, an open top allowed). Gaps and overlaps are load errors unless declared.

use super::Ctx;
use crate::error::LoadError;
use crate::expr::{Expr, Type, Value};
use crate::format::{Outside, RangesSpec};
use rust_decimal::Decimal;
use std::sync::Arc;

/// Where two neighbouring ranges fail to meet, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meeting {
    Gap(String),
    Overlap(String),
}

/// A compiled set of ranges.
#[derive(Debug, Clone)]
pub struct Ranges {
    pub(crate) of: Expr,
    pub(crate) ranges: Vec<Range>,
    pub(crate) outside: Outside,
}

#[derive(Debug, Clone)]
pub(crate) struct Range {
    pub(crate) label: Value,
    pub(crate) min: Decimal,
    pub(crate) top: Top,
    /// How the range reads in traces and messages, e.g. `18-27`.
    pub(crate) shown: Arc<str>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Top {
    Max(Decimal),
    Below(Decimal),
    Open,
}

impl Range {
    /// Its top bound, when it has one.
    pub(crate) fn top_bound(&self) -> Option<Decimal> {
        match self.top {
            Top::Max(m) | Top::Below(m) => Some(m),
            Top::Open => None,
        }
    }

    /// True when this range goes on above the top of `other`.
    fn reaches_past(&self, other: &Range) -> bool {
        match (self.top, other.top) {
            (_, Top::Open) => false,
            (Top::Open, _) => true,
            (Top::Max(x), Top::Max(y)) | (Top::Below(x), Top::Below(y)) => x > y,
            (Top::Max(x), Top::Below(y)) => x >= y,
            (Top::Below(x), Top::Max(y)) => x > y,
        }
    }

    fn name(&self) -> String {
        format!(
            "{:?} ({})",
            self.label.as_text().unwrap_or_default(),
            self.shown
        )
    }
}

impl Ranges {
    /// Compile and check that the ranges meet without gaps or overlaps (unless declared).
    pub fn compile(spec: &RangesSpec, ctx: &Ctx) -> Result<Ranges, LoadError> {
        let of = ctx.typed_expr(&spec.of, ".ranges.of", &Type::Number)?;
        let whole = *of.ty() == Type::Integer;
        if spec.ranges.is_empty() {
            return Err(ctx
                .at
                .join(".ranges.ranges")
                .invalid("at least one range is needed"));
        }
        let mut ranges = Vec::new();
        for (i, r) in spec.ranges.iter().enumerate() {
            let at = ctx.at.join(&format!(".ranges.ranges[{i}]"));
            let (min, top) = (
                r.min.0,
                match (r.max, r.below) {
                    (Some(_), Some(_)) => return Err(at.invalid("give max or below, not both")),
                    (Some(m), None) => Top::Max(m.0),
                    (None, Some(b)) => Top::Below(b.0),
                    (None, None) => Top::Open,
                },
            );
            let empty = match top {
                Top::Max(m) => m < min,
                Top::Below(b) => b <= min,
                Top::Open => false,
            };
            if empty {
                return Err(at.invalid(format!(
                    "range {:?} holds no value: its top is below its min",
                    r.label
                )));
            }
            if ranges
                .iter()
                .any(|x: &Range| x.label.as_text() == Some(&r.label))
                && !spec.allow_overlaps
            {
                return Err(at
                    .join(".label")
                    .invalid(format!("label {:?} is used twice", r.label)));
            }
            let shown = match top {
                Top::Max(m) => format!("{}-{}", min.normalize(), m.normalize()),
                Top::Below(b) => format!("{} up to {}", min.normalize(), b.normalize()),
                Top::Open => format!("{} or more", min.normalize()),
            };
            ranges.push(Range {
                label: Value::text(&r.label),
                min,
                top,
                shown: Arc::from(shown),
            });
        }
        let compiled = Ranges {
            of,
            ranges,
            outside: spec.outside,
        };
        for m in compiled.meetings() {
            match m {
                Meeting::Overlap(message) if !spec.allow_overlaps => {
                    return Err(ctx.at.join(".ranges.ranges").invalid_with(
                        message,
                        Some(
                            "move a bound, or set allow_overlaps if the first listed should win"
                                .into(),
                        ),
                    ));
                }
                Meeting::Gap(message) if !spec.allow_gaps => {
                    let help = if whole {
                        "set allow_gaps if the gap is intended"
                    } else {
                        "ranges of a decimal value meet without a gap when each uses below"
                    };
                    return Err(ctx
                        .at
                        .join(".ranges.ranges")
                        .invalid_with(message, Some(help.into())));
                }
                _ => {}
            }
        }
        Ok(compiled)
    }

    /// True when some value between the ranges falls in none of them.
    pub fn has_gap(&self) -> bool {
        self.meetings().iter().any(|m| matches!(m, Meeting::Gap(_)))
    }

    /// Where neighbouring ranges fail to meet: every gap and every overlap, in words (lint
    /// reports them all; loading refuses the first one not declared).
    pub fn meetings(&self) -> Vec<Meeting> {
        let whole = *self.of.ty() == Type::Integer;
        let mut found = Vec::new();
        let mut sorted: Vec<&Range> = self.ranges.iter().collect();
        sorted.sort_by_key(|r| r.min);
        let Some(&first) = sorted.first() else {
            return found;
        };
        // `a` is the range reaching furthest so far, not just the previous one: with overlaps
        // allowed, a range inside a wider one must not hide that the wider one goes on.
        let mut a = first;
        for &b in &sorted[1..] {
            let overlap = match a.top {
                Top::Max(m) => b.min <= m,
                Top::Below(t) => b.min < t,
                Top::Open => true,
            };
            if overlap {
                found.push(Meeting::Overlap(format!(
                    "ranges {} and {} overlap: {} {} is in both",
                    a.name(),
                    b.name(),
                    self.of.source(),
                    b.min.normalize()
                )));
            }
            let next = match a.top {
                Top::Max(m) if whole => m + Decimal::ONE,
                Top::Max(m) => m,
                Top::Below(t) => t,
                Top::Open => continue,
            };
            // With decimal values an inclusive top can never meet the next min: say so.
            let gap = b.min > next || (!whole && matches!(a.top, Top::Max(_)) && !overlap);
            if gap && !overlap {
                let falls = if whole && b.min > next {
                    let last = b.min - Decimal::ONE;
                    if last == next {
                        format!(
                            "{} {} falls in no range",
                            self.of.source(),
                            next.normalize()
                        )
                    } else {
                        format!(
                            "{} from {} to {} falls in no range",
                            self.of.source(),
                            next.normalize(),
                            last.normalize()
                        )
                    }
                } else {
                    format!(
                        "{} between {} and {} falls in no range",
                        self.of.source(),
                        next.normalize(),
                        b.min.normalize()
                    )
                };
                found.push(Meeting::Gap(format!(
                    "there is a gap between ranges {} and {}: {falls}",
                    a.name(),
                    b.name()
                )));
            }
            if b.reaches_past(a) {
                a = b;
            }
        }
        found
    }
}
