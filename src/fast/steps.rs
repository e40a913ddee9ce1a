//! The compiled form of each kind of step, and its evaluation for one case: its value, or an
//! error in words. Tables and money steps have modules of their own (`table`, `money`).

use super::expr::FastExpr;
use super::money::FastMoney;
use super::step_code::Done;
use super::table::FastTable;
use super::{no_value, other, overflow, Compile, Ref, Regs, N, R, V};
use crate::decision::Status;
use crate::expr::Template;
use crate::format::{Combine, Outside};
use crate::steps::{lookup, ranges, score, stop, Kind};
use rust_decimal::Decimal;

/// The holes of a template that could fail (plain names cannot): a reason that is not written
/// must still fail exactly when writing it would.
#[derive(Debug, Default)]
pub(crate) struct Checks(Box<[FastExpr]>);

impl Checks {
    pub fn new(t: &Template, cx: &mut Compile) -> Option<Checks> {
        let mut out = Vec::new();
        for e in t.holes() {
            out.extend(e.fast_check(cx)?.filter(|f| !f.infallible()));
        }
        Some(Checks(out.into()))
    }

    pub fn of(t: Option<&Template>, cx: &mut Compile) -> Option<Checks> {
        t.map_or(Some(Checks::default()), |t| Checks::new(t, cx))
    }

    /// True when there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn pass(&self, r: &Regs) -> R<()> {
        for e in self.0.iter() {
            e.eval(r)?;
        }
        Ok(())
    }
}

/// A compiled step kind.
#[derive(Debug)]
pub(crate) enum FastKind {
    Let(FastExpr),
    Stop {
        when: FastExpr,
        status: Status,
        reason: Checks,
    },
    Score(FastScore),
    Ranges {
        of: FastExpr,
        ranges: Vec<(Bounds, V)>,
        outside: Outside,
        /// Every range as shown to people, for the error when a value is in none.
        shown: Box<str>,
    },
    Table(FastTable),
    Lookup {
        keys: Vec<FastExpr>,
        cells: Vec<(V, V, V)>,
        /// True when no key is a number (numbers are equal across scales, `2` and `2.0`).
        words: bool,
    },
    Money(FastMoney),
}

impl FastKind {
    /// The compiled form of a step kind (`None` only for a constant that cannot be held).
    pub fn compile(kind: &Kind, cx: &mut Compile) -> Option<FastKind> {
        Some(match kind {
            Kind::Let(e) => FastKind::Let(e.fast(cx)?),
            Kind::Stop(s) => compile_stop(s, cx)?,
            Kind::Score(s) => FastKind::Score(FastScore::compile(s, cx)?),
            Kind::Ranges(r) => FastKind::Ranges {
                of: r.of.fast(cx)?,
                ranges: r
                    .ranges
                    .iter()
                    .map(|x| Some((Bounds::of(x, cx), cx.constant(&x.label)?)))
                    .collect::<Option<_>>()?,
                outside: r.outside,
                shown: r
                    .ranges
                    .iter()
                    .map(|x| x.shown.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
            },
            Kind::Table(t) => FastKind::Table(FastTable::compile(t, cx)?),
            Kind::Lookup(l) => compile_lookup(l, cx)?,
            Kind::Money(m) => FastKind::Money(FastMoney::compile(m, cx)?),
        })
    }

    /// Evaluate into the step's slots (`slots[0]` first, then a table's further outputs).
    pub fn run(&self, r: &mut Regs, slots: &[u32]) -> R<Done> {
        let value = match self {
            FastKind::Let(e) => e.eval(r)?,
            FastKind::Stop {
                when,
                status,
                reason,
            } => {
                if when.truth(r)? {
                    reason.pass(r)?;
                    return Ok(Done::Stop(*status));
                }
                V::boolean(false)
            }
            FastKind::Score(s) => s.eval(r)?,
            FastKind::Ranges {
                of,
                ranges,
                outside,
                shown,
            } => range_label(of, ranges, *outside, shown, r)?,
            FastKind::Table(t) => return t.run(r, slots).map(|()| Done::Next),
            FastKind::Lookup { keys, cells, words } => cell(keys, cells, *words, r)?,
            FastKind::Money(m) => m.eval(r)?,
        };
        if let Some(&slot) = slots.first() {
            r.set(slot, value);
        }
        Ok(Done::Next)
    }
}

/// The label of the range a value falls in.
#[inline]
pub(super) fn range_label(
    of: &FastExpr,
    ranges: &[(Bounds, V)],
    outside: Outside,
    shown: &str,
    r: &Regs,
) -> R<V> {
    Ok(range_at(of, ranges, outside, shown, r)?.map_or(V::NULL, |i| ranges[i].1))
}

/// Which range a value falls in (the first listed that holds it); `None` for no value.
#[inline]
pub(super) fn range_at(
    of: &FastExpr,
    ranges: &[(Bounds, V)],
    outside: Outside,
    shown: &str,
    r: &Regs,
) -> R<Option<usize>> {
    let v = of.number(r)?;
    match ranges.iter().position(|(x, _)| x.hold(v, r)) {
        Some(i) => Ok(Some(i)),
        None if outside == Outside::NoValue => Ok(None),
        None => Err(other(format!(
            "{} is {}, outside every range ({shown})",
            of.source(),
            r.decimal(v).unwrap_or_default().normalize()
        ))),
    }
}

/// The lookup cell for a case's keys.
#[inline]
pub(super) fn cell(keys: &[FastExpr], cells: &[(V, V, V)], words: bool, r: &Regs) -> R<V> {
    cell_keyed(keys, cells, words, r).map(|(v, _, _)| v)
}

/// The lookup cell for a case's keys, and the keys.
#[inline]
pub(super) fn cell_keyed(
    keys: &[FastExpr],
    cells: &[(V, V, V)],
    words: bool,
    r: &Regs,
) -> R<(V, V, V)> {
    let key = |k: &FastExpr| -> R<V> {
        let v = k.eval(r)?;
        if v.is_null() {
            return Err(no_value(k.source()));
        }
        Ok(v)
    };
    let first = match keys.first() {
        Some(k) => key(k)?,
        None => V::NULL,
    };
    let second = match keys.get(1) {
        Some(k) => key(k)?,
        None => V::NULL,
    };
    let found = if words && !first.is_wide() && !second.is_wide() {
        // Keys that are texts, booleans or null equal a value exactly when their words do.
        cells
            .iter()
            .find(|(a, b, _)| *a == first && *b == second)
            .map(|(_, _, n)| *n)
    } else {
        cells
            .iter()
            .find(|(a, b, _)| r.same(*a, first) && r.same(*b, second))
            .map(|(_, _, n)| *n)
    };
    let found = found.map(|v| (v, first, second));
    found.ok_or_else(|| {
        let named: Vec<String> = keys
            .iter()
            .zip([first, second])
            .map(|(k, v)| format!("{} {}", k.source(), r.value(v)))
            .collect();
        other(format!("there is no value for {}", named.join(" and ")))
    })
}

/// A range's bounds as compiled numbers.
#[derive(Debug)]
pub(crate) struct Bounds {
    min: V,
    top: Top,
}

#[derive(Debug)]
enum Top {
    Max(V),
    Below(V),
    Open,
}

impl Bounds {
    fn of(range: &ranges::Range, cx: &mut Compile) -> Bounds {
        let mut n = |d| cx.number(d);
        Bounds {
            min: n(range.min),
            top: match range.top {
                ranges::Top::Max(m) => Top::Max(n(m)),
                ranges::Top::Below(b) => Top::Below(n(b)),
                ranges::Top::Open => Top::Open,
            },
        }
    }

    /// `Range::holds` (a number it cannot read is in no range).
    #[inline]
    fn hold(&self, v: V, r: &Regs) -> bool {
        use std::cmp::Ordering::{Greater, Less};
        let cmp = |b: V| r.cmp_num(v, b);
        cmp(self.min).is_some_and(|o| o != Less)
            && match self.top {
                Top::Max(m) => cmp(m).is_some_and(|o| o != Greater),
                Top::Below(b) => cmp(b) == Some(Less),
                Top::Open => true,
            }
    }
}

fn compile_stop(s: &stop::Stop, cx: &mut Compile) -> Option<FastKind> {
    Some(FastKind::Stop {
        when: s.when.fast(cx)?,
        status: s.status,
        reason: Checks::new(&s.reason, cx)?,
    })
}

fn compile_lookup(l: &lookup::Lookup, cx: &mut Compile) -> Option<FastKind> {
    let word = |v: &crate::expr::Value| !matches!(v, crate::expr::Value::Number(_));
    Some(FastKind::Lookup {
        words: l.cells.iter().all(|(a, b, _)| word(a) && word(b)),
        keys: l.keys.iter().map(|k| k.fast(cx)).collect::<Option<_>>()?,
        cells: l
            .cells
            .iter()
            .map(|(a, b, n)| Some((cx.constant(a)?, cx.constant(b)?, cx.number(*n))))
            .collect::<Option<_>>()?,
    })
}

/// The sum of the weights that count, in the order listed.
pub(super) fn counted_total(weights: &[Decimal], counted: &[bool]) -> R<Decimal> {
    let mut total = Decimal::ZERO;
    for (w, c) in weights.iter().zip(counted) {
        if *c {
            total = total.checked_add(*w).ok_or_else(|| overflow("score"))?;
        }
    }
    Ok(total)
}

/// A compiled score: each input's weights, by whole-number level where levels are numbers.
#[derive(Debug)]
pub(crate) struct FastScore {
    combine: Combine,
    rows: Vec<ScoreRow>,
}

#[derive(Debug)]
struct ScoreRow {
    slot: u32,
    /// The input's name, for errors.
    input: std::sync::Arc<str>,
    weights: Vec<(V, Decimal)>,
    /// Weights of whole-number levels 0..64 by level, for levels written without decimals.
    by_level: Vec<Option<Decimal>>,
    /// The same as integers, when every weight is a whole number written without decimals
    /// (their sum is then the decimal sum to the last digit).
    int_by_level: Option<Vec<Option<i64>>>,
}

impl ScoreRow {
    /// The weight of a level; no level, or a level with no weight, is an error.
    fn weight(&self, level: V, r: &Regs) -> R<Decimal> {
        let found = match level.view() {
            Ref::Null => return Err(no_value(&self.input)),
            // A whole level in the table needs no search (nor a decimal comparison).
            Ref::Num(N { m, scale: 0 }) => match usize::try_from(m) {
                Ok(i) if i < self.by_level.len() => self.by_level[i],
                _ => self.search(level, r),
            },
            _ => self.search(level, r),
        };
        found.ok_or_else(|| {
            other(format!(
                "no weight for level {} of {}",
                r.value(level),
                self.input
            ))
        })
    }

    /// The integer weight of a whole level in the table, if there is one.
    #[inline]
    fn int_weight(&self, level: V) -> Option<i64> {
        match level.view() {
            Ref::Num(N { m, scale: 0 }) => {
                let i = usize::try_from(m).ok()?;
                *self.int_by_level.as_ref()?.get(i)?
            }
            _ => None,
        }
    }

    fn search(&self, level: V, r: &Regs) -> Option<Decimal> {
        self.weights
            .iter()
            .find(|(k, _)| r.same(*k, level))
            .map(|(_, w)| *w)
    }
}

impl FastScore {
    fn compile(s: &score::Score, cx: &mut Compile) -> Option<FastScore> {
        let rows = s
            .rows
            .iter()
            .map(|row| {
                let weights: Vec<(V, Decimal)> = row
                    .weights
                    .iter()
                    .map(|(k, w)| Some((cx.constant(k)?, *w)))
                    .collect::<Option<_>>()?;
                let mut by_level = vec![None; 64];
                for (k, w) in &weights {
                    if let Some(n) = k.n().map(N::dec) {
                        let n = &n;
                        if n.fract().is_zero() && n.is_sign_positive() && *n < Decimal::from(64) {
                            let i = usize::try_from(n.trunc().normalize().mantissa()).ok()?;
                            // The first weight listed for a level wins, as in a linear search.
                            if let Some(place @ None) = by_level.get_mut(i) {
                                *place = Some(*w);
                            }
                        }
                    }
                }
                cx.reads(row.slot);
                let int_by_level = by_level
                    .iter()
                    .map(|w| match w {
                        Some(w) if w.scale() == 0 => Some(i64::try_from(*w).ok().map(Some)?),
                        Some(_) => None,
                        None => Some(None),
                    })
                    .collect::<Option<Vec<_>>>()
                    .filter(|_| weights.iter().all(|(_, w)| w.scale() == 0));
                Some(ScoreRow {
                    slot: row.slot,
                    input: row.input.clone(),
                    weights,
                    by_level,
                    int_by_level,
                })
            })
            .collect::<Option<_>>()?;
        Some(FastScore {
            combine: s.combine,
            rows,
        })
    }

    /// A sum of whole weights in integers; `None` sends the case to the decimal sum (which
    /// fails the same way or succeeds with the same value, and words any failure).
    fn int_sum(&self, r: &Regs) -> Option<i64> {
        let mut total = 0i64;
        for row in &self.rows {
            total = total.checked_add(row.int_weight(r.at(row.slot)?)?)?;
        }
        Some(total)
    }

    pub(super) fn eval(&self, r: &Regs) -> R<V> {
        if self.combine == Combine::Sum {
            if let Some(total) = self.int_sum(r) {
                return Ok(N::int(total).into());
            }
        }
        Ok(r.number(self.total(r)?))
    }

    fn total(&self, r: &Regs) -> R<Decimal> {
        let score_overflow = || overflow("score");
        if self.combine == Combine::Sum {
            let mut total = Decimal::ZERO;
            for row in &self.rows {
                let w = row.weight(r.at(row.slot).unwrap_or(V::NULL), r)?;
                total = total.checked_add(w).ok_or_else(score_overflow)?;
            }
            return Ok(total);
        }
        let (weights, counted) = self.weighed(r)?;
        counted_total(&weights, &counted)
    }

    /// Each input's weight, and whether it counts (`max` and `sum_of_top` leave some out).
    pub(super) fn weighed(&self, r: &Regs) -> R<(Vec<Decimal>, Vec<bool>)> {
        let mut weights = Vec::with_capacity(self.rows.len());
        for row in &self.rows {
            weights.push(row.weight(r.at(row.slot).unwrap_or(V::NULL), r)?);
        }
        if self.combine == Combine::Sum {
            let n = weights.len();
            return Ok((weights, vec![true; n]));
        }
        let keep = match self.combine {
            Combine::SumOfTop(n) => n as usize,
            _ => 1,
        };
        // The largest weights count, ties to the input listed first; added in listed order.
        let mut order: Vec<usize> = (0..weights.len()).collect();
        order.sort_by(|a, b| weights[*b].cmp(&weights[*a]).then(a.cmp(b)));
        let mut counted = vec![false; weights.len()];
        for &i in order.iter().take(keep) {
            counted[i] = true;
        }
        Ok((weights, counted))
    }

    /// Each input's name, slot and the level it read, in order (for a trace).
    pub(super) fn inputs(&self) -> impl Iterator<Item = (&std::sync::Arc<str>, u32)> {
        self.rows.iter().map(|row| (&row.input, row.slot))
    }
}
