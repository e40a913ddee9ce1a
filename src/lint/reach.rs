//! What explored cases reach in a family: table rows that never decide, cases a table fails on
//! (no row, UNIQUE rows together, ANY rows that disagree), missing lookup cells, other errors.

use super::space::{json, Space};
use super::{Finding, Severity};
use crate::decision::{FamilyResult, Status};
use crate::expr::{EvalError, Value};
use crate::family::Family;
use crate::fast::Watch;
use crate::format::HitPolicy;
use crate::steps::lookup::Lookup;
use crate::steps::table::Table;
use crate::steps::Kind;
use crate::Date;
use std::collections::BTreeMap;

/// The first profile seen doing something, and how many did.
#[derive(Debug, Clone, Default)]
struct Seen {
    count: u64,
    /// The profile, the date it was explored on, and its weight.
    example: Option<(Vec<Value>, Date, usize)>,
}

impl Seen {
    /// Count a profile; keep it as the example when it is plainer than the one kept.
    fn add(&mut self, profile: &[Value], on: Date, space: &Space) {
        self.count += 1;
        let weight = space.weight(profile);
        if self.example.as_ref().is_none_or(|(_, _, w)| weight < *w) {
            self.example = Some((profile.to_vec(), on, weight));
        }
    }

    /// Take in what another exploration saw; on equal weight the example kept is this one's.
    fn absorb(&mut self, other: Seen) {
        self.count += other.count;
        if let Some(theirs) = other.example {
            if self.example.as_ref().is_none_or(|(_, _, w)| theirs.2 < *w) {
                self.example = Some(theirs);
            }
        }
    }
}

/// Take in another map of what was seen, key by key.
fn absorb_all<K: Ord>(mine: &mut BTreeMap<K, Seen>, theirs: BTreeMap<K, Seen>) {
    for (k, seen) in theirs {
        mine.entry(k).or_default().absorb(seen);
    }
}

/// What one table saw.
#[derive(Debug, Default)]
struct TableSeen {
    ran: u64,
    /// Per row: cases where it matched, and where its outputs were the table's.
    matched: Vec<u64>,
    decided: Vec<u64>,
    /// Per row that matched without deciding: the rows that decided instead.
    beaten_by: Vec<BTreeMap<usize, u64>>,
    /// Pairs of rows of a UNIQUE table matching together.
    together: BTreeMap<(usize, usize), Seen>,
    /// Cases no row matches, where the table fails for it.
    none: Seen,
    /// Other cases the table fails on, by the engine's words.
    failed: BTreeMap<String, Seen>,
}

impl TableSeen {
    fn absorb(&mut self, other: TableSeen) {
        self.ran += other.ran;
        for (a, b) in self.matched.iter_mut().zip(other.matched) {
            *a += b;
        }
        for (a, b) in self.decided.iter_mut().zip(other.decided) {
            *a += b;
        }
        for (a, b) in self.beaten_by.iter_mut().zip(other.beaten_by) {
            for (row, n) in b {
                *a.entry(row).or_default() += n;
            }
        }
        absorb_all(&mut self.together, other.together);
        self.none.absorb(other.none);
        absorb_all(&mut self.failed, other.failed);
    }
}

/// Watches every case of an exploration: call [`Reach::start`] before a case and
/// [`Reach::end`] with what it gave.
pub(super) struct Reach<'a> {
    family: &'a Family,
    space: &'a Space<'a>,
    /// The date explored, and whether findings must say it (more than one date is explored).
    on: Date,
    dated: bool,
    /// True once something this case reached is reported on its own, so that its error is
    /// not reported again as a case error.
    explained: bool,
    tables: BTreeMap<usize, TableSeen>,
    missing: BTreeMap<usize, BTreeMap<(String, String), Seen>>,
    /// Cases that end in an error nothing above explains, by the error.
    errors: BTreeMap<String, Seen>,
}

impl<'a> Reach<'a> {
    pub fn new(family: &'a Family, space: &'a Space<'a>, on: Date, dated: bool) -> Reach<'a> {
        Reach {
            family,
            space,
            on,
            dated,
            explained: false,
            tables: BTreeMap::new(),
            missing: BTreeMap::new(),
            errors: BTreeMap::new(),
        }
    }

    /// Take in what the same family's exploration on another date saw.
    pub fn absorb(&mut self, other: Reach<'_>) {
        for (step, seen) in other.tables {
            match self.tables.get_mut(&step) {
                Some(mine) => mine.absorb(seen),
                None => {
                    self.tables.insert(step, seen);
                }
            }
        }
        for (step, cells) in other.missing {
            absorb_all(self.missing.entry(step).or_default(), cells);
        }
        absorb_all(&mut self.errors, other.errors);
    }

    /// A case is about to run.
    pub fn start(&mut self) {
        self.explained = false;
    }

    /// What the case (`profile`) gave.
    pub fn end(&mut self, profile: &[Value], result: Option<&FamilyResult>) {
        let Some(result) = result else { return };
        if result.status != Status::Error || self.explained {
            return;
        }
        // A failure in a ranges step with a gap is the gap, reported (or declared) already;
        // the step that failed is the one after the last the trace shows.
        let failed_at = self.family.steps.get(result.trace.len());
        if failed_at.is_some_and(|s| matches!(&s.kind, Kind::Ranges(r) if r.has_gap())) {
            return;
        }
        // A stop that gives `error` says why in the rules' own words: an error on purpose.
        let stopped = result
            .trace
            .last()
            .is_some_and(|t| t.kind == "stop" && t.value == Value::Bool(true));
        if stopped {
            return;
        }
        let why = result.reasons.last().cloned().unwrap_or_default();
        self.errors
            .entry(why)
            .or_default()
            .add(profile, self.on, self.space);
    }

    /// What a table saw: the rows that matched, and those that decided or why it failed.
    fn saw_rows(
        &mut self,
        step: usize,
        t: &Table,
        rows: &[usize],
        decided: Result<&[usize], &EvalError>,
        profile: &[Value],
    ) {
        let seen = self.tables.entry(step).or_insert_with(|| TableSeen {
            matched: vec![0; t.rows.len()],
            decided: vec![0; t.rows.len()],
            beaten_by: vec![BTreeMap::new(); t.rows.len()],
            ..TableSeen::default()
        });
        seen.ran += 1;
        for &i in rows {
            if let Some(m) = seen.matched.get_mut(i) {
                *m += 1;
            }
        }
        let deciding = match decided {
            Ok(deciding) => deciding,
            Err(e) => {
                self.explained = true;
                let (on, space) = (self.on, self.space);
                if rows.is_empty() {
                    seen.none.add(profile, on, space);
                } else if t.policy == HitPolicy::Unique {
                    for (k, &a) in rows.iter().enumerate() {
                        for &b in &rows[k + 1..] {
                            seen.together
                                .entry((a, b))
                                .or_default()
                                .add(profile, on, space);
                        }
                    }
                } else {
                    seen.failed
                        .entry(e.to_string())
                        .or_default()
                        .add(profile, on, space);
                }
                return;
            }
        };
        for &i in deciding {
            if let Some(d) = seen.decided.get_mut(i) {
                *d += 1;
            }
        }
        if let Some(&by) = deciding.first() {
            for &i in rows.iter().filter(|i| !deciding.contains(i)) {
                if let Some(beaten) = seen.beaten_by.get_mut(i) {
                    *beaten.entry(by).or_default() += 1;
                }
            }
        }
    }

    /// What a lookup saw: the keys it was asked for.
    fn saw_keys(&mut self, step: usize, l: &Lookup, keys: [Value; 2], profile: &[Value]) {
        let [a, b] = &keys;
        if l.declared_empty.iter().any(|(x, y)| x == a && y == b) {
            // A cell written null: the case ends in an error the rules declare on purpose.
            self.explained = true;
            return;
        }
        if !l.cells.iter().any(|(x, y, _)| x == a && y == b) {
            self.explained = true;
            let key = (json(a), json(b));
            self.missing
                .entry(step)
                .or_default()
                .entry(key)
                .or_default()
                .add(profile, self.on, self.space);
        }
    }

    /// The findings, with `explored` saying how the cases were chosen.
    pub fn findings(&self, explored: &str, out: &mut Vec<Finding>) {
        let (f, space) = (self.family, self.space);
        let place = |step: usize| {
            let name = f.steps.get(step).map_or("?", |s| &*s.name);
            format!("families/{}.json: step {name:?}", f.name)
        };
        let example = |seen: &Seen| {
            seen.example
                .as_ref()
                .map_or_else(String::new, |(p, on, _)| match self.dated {
                    true => format!("{} on {on}", space.show(p)),
                    false => space.show(p),
                })
        };
        for (&step, seen) in &self.tables {
            let Some(Kind::Table(t)) = f.steps.get(step).map(|s| &s.kind) else {
                continue;
            };
            let name = f.steps[step].name.clone();
            // FIRST and PRIORITY rows must each give the table's outputs for some case; under
            // the other policies a row counts whenever it matches (ANY rows may agree).
            let must_decide = matches!(t.policy, HitPolicy::First | HitPolicy::Priority);
            for (i, row) in t.rows.iter().enumerate() {
                let counts = if must_decide {
                    &seen.decided
                } else {
                    &seen.matched
                };
                // A row that matched but only where the table failed is in that failure.
                let only_failed = seen.matched[i] > 0 && seen.beaten_by[i].is_empty();
                if counts[i] > 0 || only_failed {
                    continue;
                }
                let condition = row
                    .when
                    .iter()
                    .map(|e| e.source())
                    .collect::<Vec<_>>()
                    .join(" and ");
                let why = if seen.matched[i] == 0 {
                    format!("its condition ({condition}) never holds")
                } else {
                    let by: Vec<String> = seen.beaten_by[i]
                        .keys()
                        .map(|r| (r + 1).to_string())
                        .collect();
                    let (rows, one) = match by.as_slice() {
                        [one] => (format!("row {one}"), true),
                        [rest @ .., last] => (format!("rows {} or {last}", rest.join(", ")), false),
                        [] => ("an earlier row".to_string(), true),
                    };
                    match (t.policy == HitPolicy::Priority, one) {
                        (true, true) => format!(
                            "whenever its condition holds, {rows} matches too and its outputs \
                             come first in the priority list"
                        ),
                        (true, false) => format!(
                            "whenever its condition holds, {rows} match too and their outputs \
                             come first in the priority list"
                        ),
                        (false, true) => {
                            format!("whenever its condition holds, {rows} has already matched")
                        }
                        (false, false) => {
                            format!("whenever its condition holds, {rows} have already matched")
                        }
                    }
                };
                let never = if must_decide {
                    "can never decide"
                } else {
                    "never matches"
                };
                out.push(Finding {
                    severity: Severity::Error,
                    check: "row-never-fires",
                    place: format!("{}, row {}", place(step), i + 1),
                    message: format!(
                        "row {} of the table {name:?} {never}: in {} cases that reach the table \
                         ({explored}), {why}",
                        i + 1,
                        seen.ran
                    ),
                });
            }
            for (&(a, b), pair) in &seen.together {
                out.push(Finding {
                    severity: Severity::Error,
                    check: "rows-overlap",
                    place: format!("{}, rows {} and {}", place(step), a + 1, b + 1),
                    message: format!(
                        "rows {} and {} of the UNIQUE table {name:?} both match {} explored \
                         cases, such as {}: only one row may match a case",
                        a + 1,
                        b + 1,
                        pair.count,
                        example(pair)
                    ),
                });
            }
            if seen.none.count > 0 {
                out.push(Finding {
                    severity: Severity::Error,
                    check: "no-row-matches",
                    place: place(step),
                    message: format!(
                        "no row of the table {name:?} matches {} explored cases, such as {}, \
                         and it has no default: those cases end in an error",
                        seen.none.count,
                        example(&seen.none)
                    ),
                });
            }
            for (why, failed) in &seen.failed {
                out.push(Finding {
                    severity: Severity::Error,
                    check: "table-error",
                    place: place(step),
                    message: format!(
                        "the table {name:?} fails on {} explored cases, such as {}: {why}",
                        failed.count,
                        example(failed)
                    ),
                });
            }
        }
        for (&step, cells) in &self.missing {
            let Some(Kind::Lookup(l)) = f.steps.get(step).map(|s| &s.kind) else {
                continue;
            };
            let name = &f.steps[step].name;
            for ((a, b), seen) in cells {
                let mut keys = vec![format!("{} {a}", l.keys[0].source())];
                if let Some(k) = l.keys.get(1) {
                    keys.push(format!("{} {b}", k.source()));
                }
                out.push(Finding {
                    severity: Severity::Error,
                    check: "missing-cell",
                    place: place(step),
                    message: format!(
                        "the lookup {name:?} has no value for {}, which {} explored cases reach, \
                         such as {}: write the value, or null if there is none on purpose",
                        keys.join(" and "),
                        seen.count,
                        example(seen)
                    ),
                });
            }
        }
        for (why, seen) in &self.errors {
            out.push(Finding {
                severity: Severity::Error,
                check: "case-error",
                place: format!("families/{}.json", f.name),
                message: format!(
                    "{} explored cases of {:?} end in an error ({explored}), such as {}: {why}",
                    seen.count,
                    f.name,
                    example(seen)
                ),
            });
        }
    }
}

impl Watch for Reach<'_> {
    // Lint reads statuses and errors, never the reasons' words.
    const WORDS: bool = false;

    fn table(
        &mut self,
        step: usize,
        rows: &[usize],
        decided: Result<&[usize], &EvalError>,
        case: &[Value],
    ) {
        let family = self.family;
        if let Some(Kind::Table(t)) = family.steps.get(step).map(|s| &s.kind) {
            self.saw_rows(step, t, rows, decided, case);
        }
    }

    fn lookup(&mut self, step: usize, keys: [Value; 2], case: &[Value]) {
        let family = self.family;
        if let Some(Kind::Lookup(l)) = family.steps.get(step).map(|s| &s.kind) {
            self.saw_keys(step, l, keys, case);
        }
    }
}
