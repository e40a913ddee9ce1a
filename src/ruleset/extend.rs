//! A version written as changes to another, flattened: the base as loaded, then each change
//! in order, each refused with its file and JSON path when it does not fit what it names.

use super::error::{At, LoadError};
use super::format::{Bounds, Bundle, Change, FamilySpec, StepSpec, Uplift};
#[cfg(not(target_arch = "wasm32"))]
use super::format::{BuiltOn, Extension};
use crate::steps::lookup::leaf;
use crate::suggest::did_you_mean;
use rust_decimal::Decimal;

/// Whether `name` may name the version folder extended: a folder beside this one, never a
/// path (`2024-25`, `summer-2022`; not `../other` or `a/b`).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn is_version_folder(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.contains("..")
}

#[cfg(not(target_arch = "wasm32"))]
/// `base` (whose digest is `base_digest`) with the manifest fields and changes of `ext`,
/// written at `at`, without the base's tests; and what it was built on.
pub(crate) fn flatten(
    mut base: Bundle,
    base_digest: String,
    ext: Extension,
    at: &At,
) -> Result<(Bundle, BuiltOn), LoadError> {
    if ext.version == base.manifest.version {
        return Err(at.join(".version").invalid(format!(
            "the version is {:?}, the same as the version it extends",
            ext.version
        )));
    }
    for (i, change) in ext.changes.iter().enumerate() {
        apply(&mut base, change, &at.join(&format!(".changes[{i}]")))?;
    }
    let m = &mut base.manifest;
    let built_on = BuiltOn {
        version: std::mem::replace(&mut m.version, ext.version),
        digest: base_digest,
        changes: ext.changes,
    };
    m.title = match ext.title {
        Some(title) => title,
        None => format!("{} (version {})", m.title, m.version),
    };
    if let Some(from) = ext.effective_from {
        m.effective_from = from;
    }
    if let Some(to) = ext.effective_to {
        m.effective_to = to;
    }
    if let Some(p) = ext.provenance {
        m.provenance = p;
    }
    if let Some(sources) = ext.sources {
        m.sources = sources;
    }
    if let Some(notes) = ext.notes {
        m.notes = notes;
    }
    base.tests.clear();
    base.built_on = Some(built_on.raw().map_err(|e| at.invalid(e.to_string()))?);
    Ok((base, built_on))
}

/// The kinds of change, as written, and whether `c` gives each.
fn given(c: &Change) -> [(&'static str, bool); 10] {
    [
        ("to", c.to.is_some()),
        ("values", c.values.is_some()),
        ("uplift", c.uplift.is_some()),
        ("weights", c.weights.is_some()),
        ("ranges", c.ranges.is_some()),
        ("rows", c.rows.is_some()),
        ("let", c.let_.is_some()),
        ("reason", c.reason.is_some()),
        ("reasons", c.reasons.is_some()),
        ("description", c.description.is_some()),
    ]
}

/// Apply one change to `b`; `at` is where the change is written.
pub(crate) fn apply(b: &mut Bundle, c: &Change, at: &At) -> Result<(), LoadError> {
    let kinds = given(c);
    let named: Vec<&str> = kinds.iter().filter(|k| k.1).map(|k| k.0).collect();
    let [kind] = named[..] else {
        let all: Vec<&str> = kinds.iter().map(|k| k.0).collect();
        return Err(at.invalid(format!(
            "a change gives exactly one of {}; this one gives {}",
            all.join(", "),
            if named.is_empty() {
                "none".to_string()
            } else {
                named.join(" and ")
            }
        )));
    };
    if let Some(name) = &c.constant {
        if c.family.is_some() || c.step.is_some() {
            return Err(at.invalid("a change names a constant or a family, not both"));
        }
        let (Some(to), "to") = (c.to, kind) else {
            return Err(at.invalid("a constant's change gives its new value in `to`"));
        };
        let constants = &mut b.manifest.constants;
        let hint = did_you_mean(name, constants.keys().map(String::as_str));
        let Some(value) = constants.get_mut(name) else {
            return Err(at
                .join(".constant")
                .invalid_with(format!("there is no constant {name:?}"), hint));
        };
        *value = to;
        return Ok(());
    }
    let Some(family_name) = &c.family else {
        return Err(at.invalid("a change names the constant or the family it changes"));
    };
    let hint = did_you_mean(family_name, b.families.iter().map(|f| f.name.as_str()));
    let Some(family) = b.families.iter_mut().find(|f| f.name == *family_name) else {
        return Err(at
            .join(".family")
            .invalid_with(format!("there is no family {family_name:?}"), hint));
    };
    let Some(step_name) = &c.step else {
        return change_family(family, c, kind, at);
    };
    let hint = did_you_mean(step_name, family.steps.iter().map(|s| s.name.as_str()));
    let Some(step) = family.steps.iter_mut().find(|s| s.name == *step_name) else {
        return Err(at.join(".step").invalid_with(
            format!("family {family_name:?} has no step {step_name:?}"),
            hint,
        ));
    };
    let at = at.join(&format!(".{kind}"));
    let wrong = |what: &str| {
        at.invalid(format!(
            "step {step_name:?} is not {what}, so `{kind}` cannot change it"
        ))
    };
    match kind {
        "values" | "uplift" => {
            let Some(lookup) = step.lookup.as_mut() else {
                return Err(wrong("a lookup"));
            };
            match (&c.values, &c.uplift) {
                (Some(patch), _) => set_cells(&mut lookup.values, patch, &at),
                (_, Some(u)) => uplift(&lookup.keys, &mut lookup.values, u, &at),
                _ => Ok(()),
            }
        }
        "weights" => {
            let (Some(score), Some(weights)) = (step.score.as_mut(), &c.weights) else {
                return Err(wrong("a score"));
            };
            for (input, levels) in weights {
                let at = at.join(&key(input));
                let hint = did_you_mean(input, score.weights.iter().map(|w| w.input.as_str()));
                let Some(row) = score.weights.iter_mut().find(|w| w.input == *input) else {
                    return Err(
                        at.invalid_with(format!("the score weighs no input {input:?}"), hint)
                    );
                };
                for (level, weight) in levels {
                    let Some(old) = row.levels.get_mut(level) else {
                        let known: Vec<&str> = row.levels.keys().map(String::as_str).collect();
                        return Err(at.join(&key(level)).invalid(format!(
                            "{input} has no level {level:?} (its levels are {})",
                            known.join(", ")
                        )));
                    };
                    *old = *weight;
                }
            }
            Ok(())
        }
        "ranges" => {
            let (Some(spec), Some(changes)) = (step.ranges.as_mut(), &c.ranges) else {
                return Err(wrong("a ranges step"));
            };
            for (label, bounds) in changes {
                let at = at.join(&key(label));
                let hint = did_you_mean(label, spec.ranges.iter().map(|r| r.label.as_str()));
                let Some(range) = spec.ranges.iter_mut().find(|r| r.label == *label) else {
                    return Err(at.invalid_with(format!("there is no range {label:?}"), hint));
                };
                move_bounds(range, bounds, &at)?;
            }
            Ok(())
        }
        "rows" => {
            let (Some(table), Some(rows)) = (step.table.as_mut(), &c.rows) else {
                return Err(wrong("a table"));
            };
            let count = table.rows.len();
            for (number, row) in rows {
                let place = number
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| table.rows.get_mut(i));
                let Some(place) = place else {
                    return Err(at.join(&key(number)).invalid(format!(
                        "there is no row {number:?}: rows are numbered from 1 to {count}"
                    )));
                };
                *place = row.clone();
            }
            Ok(())
        }
        "let" => {
            let (Some(old), Some(new)) = (step.let_.as_mut(), &c.let_) else {
                return Err(wrong("a let step"));
            };
            new.clone_into(old);
            Ok(())
        }
        "reason" => {
            set_reason(step, c.reason.clone());
            Ok(())
        }
        _ => Err(at.invalid(format!(
            "`{kind}` changes a family, so the change names no step"
        ))),
    }
}

/// A change to a family as a whole: its reasons or description.
fn change_family(
    family: &mut FamilySpec,
    c: &Change,
    kind: &str,
    at: &At,
) -> Result<(), LoadError> {
    match (kind, &c.reasons, &c.description) {
        ("reasons", Some(texts), _) => {
            let count = family.reasons.len();
            for (number, text) in texts {
                let place = number
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| family.reasons.get_mut(i));
                let Some(place) = place else {
                    return Err(at.join(&format!(".reasons{}", key(number))).invalid(format!(
                        "there is no reason {number:?}: the family's reasons are numbered from 1 to {count}"
                    )));
                };
                text.clone_into(&mut place.text);
            }
            Ok(())
        }
        ("description", _, Some(text)) => {
            family.description = Some(text.clone());
            Ok(())
        }
        _ => Err(at.invalid(format!("`{kind}` changes a step: name it in `step`"))),
    }
}

fn set_reason(step: &mut StepSpec, reason: Option<String>) {
    match (&mut step.stop, reason) {
        (Some(stop), Some(text)) => stop.reason = text,
        (_, reason) => step.reason = reason,
    }
}

fn move_bounds(range: &mut super::format::RangeSpec, b: &Bounds, at: &At) -> Result<(), LoadError> {
    if b.max.is_some() && b.below.is_some() {
        return Err(at.invalid("a range ends at `max` or `below`, not both"));
    }
    if let Some(min) = b.min {
        range.min = min;
    }
    if let Some(max) = b.max {
        range.max = Some(max);
        range.below = None;
    }
    if let Some(below) = b.below {
        range.below = Some(below);
        range.max = None;
    }
    Ok(())
}

/// A JSON path step for an object key.
fn key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!(".{k}")
    } else {
        format!("[{}]", serde_json::Value::String(k.to_string()))
    }
}

/// Set the cells `patch` gives in `values`: every key it names must be the lookup's.
fn set_cells(
    values: &mut serde_json::Value,
    patch: &serde_json::Value,
    at: &At,
) -> Result<(), LoadError> {
    let (Some(values), Some(patch)) = (values.as_object_mut(), patch.as_object()) else {
        return Err(at.invalid("expected an object of labels, as the lookup's values are written"));
    };
    for (k, new) in patch {
        let at = at.join(&key(k));
        let hint = did_you_mean(k, values.keys().map(String::as_str));
        let here: Vec<&str> = values.keys().map(String::as_str).collect();
        let here = here.join(", ");
        let Some(old) = values.get_mut(k) else {
            return Err(at.invalid_with(
                format!("the lookup has no {k:?} here (it has {here})"),
                hint,
            ));
        };
        if old.is_object() {
            set_cells(old, new, &at)?;
        } else if new.is_object() {
            return Err(at.invalid("this is a cell of the lookup: give its value, not an object"));
        } else {
            leaf(new, &at)?;
            *old = new.clone();
        }
    }
    Ok(())
}

/// Apply `u` to every cell of `values` (keys `keys`) that it picks; at least one must change.
fn uplift(
    keys: &[String],
    values: &mut serde_json::Value,
    u: &Uplift,
    at: &At,
) -> Result<(), LoadError> {
    let op = match (u.times, u.plus) {
        (Some(t), None) => Op::Times(t.0),
        (None, Some(p)) => Op::Plus(p.0),
        _ => return Err(at.invalid("an uplift gives `times` or `plus`, one of them")),
    };
    if let Some(round) = u.round {
        if round.places > 10 {
            return Err(at
                .join(".round.places")
                .invalid("round to at most 10 decimal places"));
        }
    }
    for (name, labels) in &u.only {
        let Some(depth) = keys.iter().position(|k| k == name) else {
            let hint = did_you_mean(name, keys.iter().map(String::as_str));
            return Err(at.join(&format!(".only{}", key(name))).invalid_with(
                format!(
                    "the lookup has no key {name:?} (its keys are {})",
                    keys.join(", ")
                ),
                hint,
            ));
        };
        let mut seen = Vec::new();
        labels_at(values, depth, &mut seen);
        for (i, label) in labels.iter().enumerate() {
            if !seen.contains(&label.as_str()) {
                let hint = did_you_mean(label, seen.iter().copied());
                return Err(at.join(&format!(".only{}[{i}]", key(name))).invalid_with(
                    format!(
                        "{name} has no label {label:?} in the lookup (it has {})",
                        seen.join(", ")
                    ),
                    hint,
                ));
            }
        }
    }
    let mut changed = 0;
    walk(keys, values, 0, u, op, at, &mut changed)?;
    if changed == 0 {
        return Err(at.invalid("the uplift changes no value: every cell it picks has none"));
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Op {
    Times(Decimal),
    Plus(Decimal),
}

/// The labels at `depth` of nested lookup values.
fn labels_at<'a>(v: &'a serde_json::Value, depth: usize, out: &mut Vec<&'a str>) {
    let Some(map) = v.as_object() else { return };
    for (k, inner) in map {
        if depth == 0 {
            if !out.contains(&k.as_str()) {
                out.push(k);
            }
        } else {
            labels_at(inner, depth - 1, out);
        }
    }
}

fn walk(
    keys: &[String],
    v: &mut serde_json::Value,
    depth: usize,
    u: &Uplift,
    op: Op,
    at: &At,
    changed: &mut usize,
) -> Result<(), LoadError> {
    let Some(map) = v.as_object_mut() else {
        return Ok(());
    };
    let only = keys.get(depth).and_then(|k| u.only.get(k));
    for (k, inner) in map.iter_mut() {
        if only.is_some_and(|labels| !labels.contains(k)) {
            continue;
        }
        if inner.is_object() {
            walk(keys, inner, depth + 1, u, op, at, changed)?;
            continue;
        }
        let Some(old) = leaf(inner, at)? else {
            continue;
        };
        let new = match op {
            Op::Times(t) => old.checked_mul(t),
            Op::Plus(p) => old.checked_add(p),
        }
        .ok_or_else(|| at.invalid(format!("the uplift of {old} is too large")))?;
        let mut new = match u.round {
            Some(r) => r.mode.round(new, r.places),
            None => new,
        }
        .normalize();
        // Written to the cell's own places where that loses nothing (562.50, not 562.5000).
        if new.scale() < old.scale() {
            new.rescale(old.scale());
        }
        // A cell written as arithmetic stays arithmetic, so nothing is rounded before the
        // money step (a third times 1.25 is not 746.67 times 1.25).
        *inner = match (inner.as_str(), u.round, op) {
            (Some(text), None, Op::Times(t)) if rule_number_is_arithmetic(text) => {
                serde_json::Value::String(format!("({text}) * {t}"))
            }
            (Some(text), None, Op::Plus(p)) if rule_number_is_arithmetic(text) => {
                serde_json::Value::String(format!("({text}) + {p}"))
            }
            _ => serde_json::Value::String(new.to_string()),
        };
        *changed += 1;
    }
    Ok(())
}

/// Whether a cell's text is arithmetic rather than a plain decimal.
fn rule_number_is_arithmetic(text: &str) -> bool {
    crate::number::rule_decimal(text).is_err()
}
