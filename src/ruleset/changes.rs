//! The changes from one version to another as a list a policy officer can read and cost one
//! at a time: the changes a version declares it was built with, or else those found by name.

use super::error::{At, LoadError};
use super::format::{Bounds, Bundle, Change, FamilySpec, StepSpec};
use super::RuleSet;
use std::collections::BTreeMap;

/// The rule changes from `base` to `proposed`, in the order they apply, and whether applying
/// them to `base` gives `proposed`'s rules exactly (else some change is of a kind not listed,
/// such as a new step or input, and is left over).
///
/// A version written as changes to `base` (see [`RuleSet::built_on`]) gives its own changes,
/// with their titles; otherwise they are found by comparing the two: constants, then each
/// family's lookup cells, weights, range bounds, table rows, `let` expressions and reasons.
pub fn between(base: &RuleSet, proposed: &RuleSet) -> (Vec<Change>, bool) {
    let declared = proposed
        .built_on()
        .filter(|b| b.digest == base.digest())
        .map(|b| b.changes.clone());
    let changes = declared.unwrap_or_else(|| found(base.bundle(), proposed.bundle()));
    let complete = apply_all(base.bundle(), &changes)
        .is_ok_and(|(after, _)| same_rules(&after, proposed.bundle()));
    (changes, complete)
}

/// `base` with each change applied in turn: the rules after the last, and after each (none
/// keeps what `base` was built on).
pub fn apply_all(base: &Bundle, changes: &[Change]) -> Result<(Bundle, Vec<Bundle>), LoadError> {
    let mut now = base.clone();
    // What `base` was built on is not what these rules are built on.
    now.built_on = None;
    let mut each = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        super::extend::apply(&mut now, c, &At::new("(changes)", &format!("$[{i}]")))?;
        each.push(now.clone());
    }
    Ok((now, each))
}

/// Whether two versions decide alike: the same inputs, constants and families.
pub fn same_rules(a: &Bundle, b: &Bundle) -> bool {
    a.inputs == b.inputs
        && a.manifest.constants == b.manifest.constants
        && a.manifest.families == b.manifest.families
        && a.families == b.families
}

/// The changes found by comparing two versions by name.
fn found(base: &Bundle, proposed: &Bundle) -> Vec<Change> {
    let mut out = Vec::new();
    for (name, old) in &base.manifest.constants {
        match proposed.manifest.constants.get(name) {
            Some(new) if new != old => out.push(Change {
                constant: Some(name.clone()),
                to: Some(*new),
                ..none()
            }),
            _ => {}
        }
    }
    for f in &base.families {
        if let Some(g) = proposed.families.iter().find(|g| g.name == f.name) {
            family(f, g, &mut out);
        }
    }
    out
}

/// A change naming nothing and changing nothing, to fill in.
fn none() -> Change {
    Change {
        title: None,
        constant: None,
        to: None,
        family: None,
        step: None,
        values: None,
        uplift: None,
        weights: None,
        ranges: None,
        rows: None,
        let_: None,
        reason: None,
        reasons: None,
        description: None,
    }
}

fn family(f: &FamilySpec, g: &FamilySpec, out: &mut Vec<Change>) {
    let of_family = || Change {
        family: Some(f.name.clone()),
        ..none()
    };
    for s in &f.steps {
        if let Some(t) = g.steps.iter().find(|t| t.name == s.name) {
            for change in step(s, t) {
                out.push(Change {
                    step: Some(s.name.clone()),
                    ..Change {
                        family: Some(f.name.clone()),
                        ..change
                    }
                });
            }
        }
    }
    if f.reasons.len() == g.reasons.len() {
        let texts: BTreeMap<String, String> = f
            .reasons
            .iter()
            .zip(&g.reasons)
            .enumerate()
            .filter(|(_, (a, b))| a.when == b.when && a.text != b.text)
            .map(|(i, (_, b))| ((i + 1).to_string(), b.text.clone()))
            .collect();
        if !texts.is_empty() {
            out.push(Change {
                reasons: Some(texts),
                ..of_family()
            });
        }
    }
    if f.description != g.description {
        if let Some(d) = &g.description {
            out.push(Change {
                description: Some(d.clone()),
                ..of_family()
            });
        }
    }
}

/// The changes to one step found by comparing it with its namesake.
fn step(s: &StepSpec, t: &StepSpec) -> Vec<Change> {
    let mut out = Vec::new();
    if let (Some(a), Some(b)) = (&s.lookup, &t.lookup) {
        if a.keys == b.keys {
            if let Some(patch) = cells(&a.values, &b.values) {
                out.push(Change {
                    values: Some(patch),
                    ..none()
                });
            }
        }
    }
    if let (Some(a), Some(b)) = (&s.score, &t.score) {
        let mut weights: BTreeMap<String, BTreeMap<String, super::format::Dec>> = BTreeMap::new();
        for w in &a.weights {
            let Some(v) = b.weights.iter().find(|v| v.input == w.input) else {
                continue;
            };
            for (level, old) in &w.levels {
                match v.levels.get(level) {
                    Some(new) if new != old => {
                        weights
                            .entry(w.input.clone())
                            .or_default()
                            .insert(level.clone(), *new);
                    }
                    _ => {}
                }
            }
        }
        if !weights.is_empty() {
            out.push(Change {
                weights: Some(weights),
                ..none()
            });
        }
    }
    if let (Some(a), Some(b)) = (&s.ranges, &t.ranges) {
        let mut moved = BTreeMap::new();
        for r in &a.ranges {
            let Some(q) = b.ranges.iter().find(|q| q.label == r.label) else {
                continue;
            };
            if (r.min, r.max, r.below) != (q.min, q.max, q.below) {
                moved.insert(
                    r.label.clone(),
                    Bounds {
                        min: (r.min != q.min).then_some(q.min),
                        max: q.max.filter(|_| r.max != q.max || r.below != q.below),
                        below: q.below.filter(|_| r.max != q.max || r.below != q.below),
                    },
                );
            }
        }
        if !moved.is_empty() {
            out.push(Change {
                ranges: Some(moved),
                ..none()
            });
        }
    }
    if let (Some(a), Some(b)) = (&s.table, &t.table) {
        if a.rows.len() == b.rows.len() {
            let rows: BTreeMap<String, _> = a
                .rows
                .iter()
                .zip(&b.rows)
                .enumerate()
                .filter(|(_, (x, y))| x != y)
                .map(|(i, (_, y))| ((i + 1).to_string(), y.clone()))
                .collect();
            if !rows.is_empty() {
                out.push(Change {
                    rows: Some(rows),
                    ..none()
                });
            }
        }
    }
    if let (Some(a), Some(b)) = (&s.let_, &t.let_) {
        if a != b {
            out.push(Change {
                let_: Some(b.clone()),
                ..none()
            });
        }
    }
    let reason = |x: &StepSpec| match &x.stop {
        Some(stop) => Some(stop.reason.clone()),
        None => x.reason.clone(),
    };
    if reason(s) != reason(t) {
        if let Some(r) = reason(t) {
            out.push(Change {
                reason: Some(r),
                ..none()
            });
        }
    }
    out
}

/// The cells of `new` that differ from `old`, nested as the lookup writes them; `None` when
/// none differs or the two do not have the same cells.
fn cells(old: &serde_json::Value, new: &serde_json::Value) -> Option<serde_json::Value> {
    match (old.as_object(), new.as_object()) {
        (Some(a), Some(b)) => {
            if a.len() != b.len() {
                return None;
            }
            let mut patch = serde_json::Map::new();
            for (k, v) in a {
                let w = b.get(k)?;
                if v.is_object() {
                    if let Some(inner) = cells(v, w) {
                        patch.insert(k.clone(), inner);
                    }
                } else if w.is_object() {
                    return None;
                } else if v != w {
                    patch.insert(k.clone(), w.clone());
                }
            }
            (!patch.is_empty()).then_some(serde_json::Value::Object(patch))
        }
        _ => None,
    }
}
