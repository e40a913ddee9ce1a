//! What explored cases reach in a family's tables and lookups: rows that never decide, rows of
//! a UNIQUE table that match together, cases no row takes, and lookup cells asked for but missing.

use super::space::{json, Space};
use super::{Finding, Severity};
use crate::expr::Value;
use crate::family::Family;
use crate::fast::Watch;
use crate::format::HitPolicy;
use crate::steps::lookup::Lookup;
use crate::steps::table::Table;
use crate::steps::Kind;
use std::collections::BTreeMap;

/// The first profile seen doing something, and how many did.
#[derive(Debug, Clone, Default)]
struct Seen {
    count: u64,
    example: Option<(Vec<Value>, usize)>,
}

impl Seen {
    /// Count a profile; keep it as the example when it is plainer than the one kept.
    fn add(&mut self, profile: &[Value], space: &Space) {
        self.count += 1;
        let plainer = match &self.example {
            None => true,
            Some((_, w)) => space.weight(profile) < *w,
        };
        if plainer {
            self.example = Some((profile.to_vec(), space.weight(profile)));
        }
    }
}

/// What one table saw.
#[derive(Debug, Default)]
struct TableSeen {
    ran: u64,
    /// Per row: cases where it matched, and where it was the first to match.
    matched: Vec<u64>,
    first: Vec<u64>,
    /// Per row that matched but never first: the rows that matched before it.
    shadowed_by: Vec<BTreeMap<usize, u64>>,
    /// Pairs of rows matching together (UNIQUE only).
    together: BTreeMap<(usize, usize), Seen>,
    none: Seen,
}

/// Watches every case of an exploration; `profile` is the case being run.
pub(super) struct Reach<'a> {
    family: &'a Family,
    space: &'a Space<'a>,
    pub profile: Vec<Value>,
    tables: BTreeMap<usize, TableSeen>,
    missing: BTreeMap<usize, BTreeMap<(String, String), Seen>>,
}

impl<'a> Reach<'a> {
    pub fn new(family: &'a Family, space: &'a Space<'a>) -> Reach<'a> {
        Reach {
            family,
            space,
            profile: space.base.clone(),
            tables: BTreeMap::new(),
            missing: BTreeMap::new(),
        }
    }

    /// What a table saw: the rows that matched (0-based).
    fn saw_rows(&mut self, step: usize, t: &Table, rows: &[usize]) {
        let seen = self.tables.entry(step).or_insert_with(|| TableSeen {
            matched: vec![0; t.rows.len()],
            first: vec![0; t.rows.len()],
            shadowed_by: vec![BTreeMap::new(); t.rows.len()],
            ..TableSeen::default()
        });
        seen.ran += 1;
        for &i in rows {
            if let Some(m) = seen.matched.get_mut(i) {
                *m += 1;
            }
        }
        match rows.first() {
            Some(&first) => {
                if let Some(f) = seen.first.get_mut(first) {
                    *f += 1;
                }
                for &i in &rows[1..] {
                    if let Some(by) = seen.shadowed_by.get_mut(i) {
                        *by.entry(first).or_default() += 1;
                    }
                }
            }
            None if t.default.is_none() => seen.none.add(&self.profile, self.space),
            None => {}
        }
        if t.policy == HitPolicy::Unique {
            for (k, &a) in rows.iter().enumerate() {
                for &b in &rows[k + 1..] {
                    seen.together
                        .entry((a, b))
                        .or_default()
                        .add(&self.profile, self.space);
                }
            }
        }
    }

    /// What a lookup saw: the keys it was asked for.
    fn saw_keys(&mut self, step: usize, l: &Lookup, keys: [Value; 2]) {
        let [a, b] = &keys;
        let written = l.cells.iter().any(|(x, y, _)| x == a && y == b)
            || l.declared_empty.iter().any(|(x, y)| x == a && y == b);
        if !written {
            let key = (json(a), json(b));
            self.missing
                .entry(step)
                .or_default()
                .entry(key)
                .or_default()
                .add(&self.profile, self.space);
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
                .map_or_else(String::new, |(p, _)| space.show(p))
        };
        for (&step, seen) in &self.tables {
            let Some(Kind::Table(t)) = f.steps.get(step).map(|s| &s.kind) else {
                continue;
            };
            let name = f.steps[step].name.clone();
            for (i, row) in t.rows.iter().enumerate() {
                if seen.first[i] > 0 {
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
                    let before: Vec<String> = seen.shadowed_by[i]
                        .keys()
                        .map(|r| (r + 1).to_string())
                        .collect();
                    let before = match before.as_slice() {
                        [one] => format!("row {one} has"),
                        [rest @ .., last] => format!("rows {} or {last} have", rest.join(", ")),
                        [] => "an earlier row has".to_string(),
                    };
                    format!("whenever its condition holds, {before} already matched")
                };
                out.push(Finding {
                    severity: Severity::Error,
                    check: "row-never-fires",
                    place: format!("{}, row {}", place(step), i + 1),
                    message: format!(
                        "row {} of the table {name:?} can never decide: in {} cases that reach \
                         the table ({explored}), {why}",
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
    }
}

impl Watch for Reach<'_> {
    fn table(&mut self, step: usize, rows: &[usize]) {
        let family = self.family;
        if let Some(Kind::Table(t)) = family.steps.get(step).map(|s| &s.kind) {
            self.saw_rows(step, t, rows);
        }
    }

    fn lookup(&mut self, step: usize, keys: [Value; 2]) {
        let family = self.family;
        if let Some(Kind::Lookup(l)) = family.steps.get(step).map(|s| &s.kind) {
            self.saw_keys(step, l, keys);
        }
    }
}
