//! The compiled form of each kind of step, and its evaluation for one case: the same values as
//! the interpreter's lean run, or `None` for the interpreter to decide the case. Tables and
//! money steps have modules of their own (`table`, `money`).

use super::money::FastMoney;
use super::step_code::Done;
use super::table::FastTable;
use super::{Compile, Ref, Regs, N, V};
use crate::decision::Status;
use crate::expr::{FastExpr, Template};
use crate::ruleset::format::{Combine, Outside};
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

    pub fn pass(&self, r: &mut Regs) -> Option<()> {
        for e in self.0.iter() {
            e.eval(r)?;
        }
        Some(())
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
    /// The compiled form of a step kind, when the compiled tier has one.
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
                    .map(|x| Some((Bounds::of(x)?, cx.syms.constant(&x.label)?)))
                    .collect::<Option<_>>()?,
                outside: r.outside,
            },
            Kind::Table(t) => FastKind::Table(FastTable::compile(t, cx)?),
            Kind::Lookup(l) => compile_lookup(l, cx)?,
            Kind::Money(m) => FastKind::Money(FastMoney::compile(m, cx)?),
        })
    }

    /// Evaluate into the step's slots (`slots[0]` first, then a table's further outputs).
    pub fn run(&self, r: &mut Regs, slots: &[u32]) -> Option<Done> {
        let value = match self {
            FastKind::Let(e) => e.eval(r)?,
            FastKind::Stop {
                when,
                status,
                reason,
            } => {
                if when.truth(r)? {
                    reason.pass(r)?;
                    return Some(Done::Stop(*status));
                }
                V::boolean(false)
            }
            FastKind::Score(s) => s.eval(r)?,
            FastKind::Ranges {
                of,
                ranges,
                outside,
            } => range_label(of, ranges, *outside, r)?,
            FastKind::Table(t) => return t.run(r, slots).map(|()| Done::Next),
            FastKind::Lookup { keys, cells, words } => cell(keys, cells, *words, r)?,
            FastKind::Money(m) => m.eval(r)?,
        };
        r.set(*slots.first()?, value);
        Some(Done::Next)
    }
}

/// The label of the range a value falls in.
#[inline]
pub(super) fn range_label(
    of: &FastExpr,
    ranges: &[(Bounds, V)],
    outside: Outside,
    r: &Regs,
) -> Option<V> {
    let v = of.number(r)?;
    match ranges.iter().find(|(x, _)| x.hold(v, r)) {
        Some((_, label)) => Some(*label),
        None if outside == Outside::NoValue => Some(V::NULL),
        None => None,
    }
}

/// The lookup cell for a case's keys.
#[inline]
pub(super) fn cell(keys: &[FastExpr], cells: &[(V, V, V)], words: bool, r: &Regs) -> Option<V> {
    let first = match keys.first() {
        Some(k) => k.eval(r)?,
        None => V::NULL,
    };
    let second = match keys.get(1) {
        Some(k) => k.eval(r)?,
        None => V::NULL,
    };
    if keys.iter().zip([first, second]).any(|(_, v)| v.is_null()) {
        return None;
    }
    if words && !first.is_wide() && !second.is_wide() {
        // Keys that are texts, booleans or null equal a value exactly when their words do.
        return cells
            .iter()
            .find(|(a, b, _)| *a == first && *b == second)
            .map(|(_, _, n)| *n);
    }
    for (a, b, n) in cells {
        if r.same(*a, first)? && r.same(*b, second)? {
            return Some(*n);
        }
    }
    None
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
    fn of(range: &ranges::Range) -> Option<Bounds> {
        let n = |d| Some(V::from(N::of(d)?));
        Some(Bounds {
            min: n(range.min)?,
            top: match range.top {
                ranges::Top::Max(m) => Top::Max(n(m)?),
                ranges::Top::Below(b) => Top::Below(n(b)?),
                ranges::Top::Open => Top::Open,
            },
        })
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
            .map(|(a, b, n)| {
                Some((
                    cx.syms.constant(a)?,
                    cx.syms.constant(b)?,
                    N::of(*n)?.into(),
                ))
            })
            .collect::<Option<_>>()?,
    })
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
    weights: Vec<(V, Decimal)>,
    /// Weights of whole-number levels 0..64 by level, for levels written without decimals.
    by_level: Vec<Option<Decimal>>,
    /// The same as integers, when every weight is a whole number written without decimals
    /// (their sum is then the interpreter's to the last digit).
    int_by_level: Option<Vec<Option<i64>>>,
}

impl ScoreRow {
    fn weight(&self, level: V, r: &Regs) -> Option<Decimal> {
        match level.view() {
            Ref::Null => None,
            // A whole level in the table needs no search (nor a decimal comparison).
            Ref::Num(N { m, scale: 0 }) => match usize::try_from(m) {
                Ok(i) if i < self.by_level.len() => self.by_level[i],
                _ => self.search(level, r),
            },
            _ => self.search(level, r),
        }
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
        for (k, w) in &self.weights {
            if r.same(*k, level)? {
                return Some(*w);
            }
        }
        None
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
                    .map(|(k, w)| Some((cx.syms.constant(k)?, *w)))
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
    /// also words nothing: it fails the same way or succeeds with the same value).
    fn int_sum(&self, r: &Regs) -> Option<i64> {
        let mut total = 0i64;
        for row in &self.rows {
            total = total.checked_add(row.int_weight(r.at(row.slot)?)?)?;
        }
        Some(total)
    }

    pub(super) fn eval(&self, r: &Regs) -> Option<V> {
        if self.combine == Combine::Sum {
            if let Some(total) = self.int_sum(r) {
                return Some(N::int(total).into());
            }
        }
        r.number(self.total(r)?)
    }

    fn total(&self, r: &Regs) -> Option<Decimal> {
        if self.combine == Combine::Sum {
            if let Some(total) = self.int_sum(r) {
                return Some(Decimal::from(total));
            }
            let mut total = Decimal::ZERO;
            for row in &self.rows {
                total = total.checked_add(row.weight(r.at(row.slot)?, r)?)?;
            }
            return Some(total);
        }
        let mut weights = Vec::with_capacity(self.rows.len());
        for row in &self.rows {
            weights.push(row.weight(r.at(row.slot)?, r)?);
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
        let mut total = Decimal::ZERO;
        for (w, c) in weights.iter().zip(counted) {
            if c {
                total = total.checked_add(*w)?;
            }
        }
        Some(total)
    }
}
