//! Which rule change moved the cost: the changes from base to proposed applied one at a time,
//! in order, each costed on the cohort by the same comparison as the whole, so the parts add up.

use super::{compare, Cohort, ImpactError};
use crate::format::{Bundle, Change, InputSpec, Uplift};
use crate::money::for_people;
use crate::ruleset::changes;
use crate::{Date, RuleSet};
use rust_decimal::Decimal;
use std::io::BufRead;

/// One rule change, in words, and what it did to the cohort.
#[derive(Debug, Clone)]
pub struct Attribution {
    /// The change, or `None` for changes of kinds not listed one by one (a new step, input or
    /// output), costed together last.
    pub change: Option<Change>,
    /// The change in the rule set's labels.
    pub words: String,
    /// The change in the cost of amounts paid (every family), this change alone, after those
    /// before it.
    pub cost: Decimal,
    /// The cases whose result this change alone changed.
    pub cases: u64,
}

/// Cost each rule change from `base` to `proposed` on the cohort `open` gives (opened once a
/// change), every case evaluated on `on`. The costs add up to the whole change in cost.
pub fn attribute<R: BufRead>(
    base: &RuleSet,
    proposed: &RuleSet,
    on: Date,
    open: &mut dyn FnMut() -> Result<Cohort<R>, ImpactError>,
    file: &str,
) -> Result<Vec<Attribution>, ImpactError> {
    let (list, complete) = changes::between(base, proposed);
    let (mut out, before) = one_by_one(base, list, on, open, file)?;
    if !complete {
        let rest = compare(&before, proposed, on, open()?, file, &mut |_| Ok(()))?;
        out.push(Attribution {
            change: None,
            words: "Other changes to the rules, of kinds not listed one by one (such as a new \
                    step, input or output)"
                .to_string(),
            cost: rest.cost_change(),
            cases: rest.changed,
        });
    }
    Ok(out)
}

/// [`attribute`] for the rules `changes` make of `base`, listed as given (with their titles).
pub fn attribute_changes<R: BufRead>(
    base: &RuleSet,
    changes: &[Change],
    on: Date,
    open: &mut dyn FnMut() -> Result<Cohort<R>, ImpactError>,
    file: &str,
) -> Result<Vec<Attribution>, ImpactError> {
    one_by_one(base, changes.to_vec(), on, open, file).map(|(out, _)| out)
}

/// Each change applied in turn and costed alone; and the rules after the last.
fn one_by_one<R: BufRead>(
    base: &RuleSet,
    list: Vec<Change>,
    on: Date,
    open: &mut dyn FnMut() -> Result<Cohort<R>, ImpactError>,
    file: &str,
) -> Result<(Vec<Attribution>, RuleSet), ImpactError> {
    let (_, states) = changes::apply_all(base.bundle(), &list)
        .map_err(|e| ImpactError::Write(format!("the rule changes do not apply: {e}")))?;
    let mut out = Vec::new();
    let mut before = base.clone();
    for (change, state) in list.into_iter().zip(states) {
        let after = super::compiled(&state, "the base with the rule changes so far")?;
        // A change of words alone decides nothing differently: no cohort pass is needed.
        let (cost, cases) = if words_only(&change, before.bundle()) {
            (Decimal::ZERO, 0)
        } else {
            let step = compare(&before, &after, on, open()?, file, &mut |_| Ok(()))?;
            (step.cost_change(), step.changed)
        };
        out.push(Attribution {
            words: words(&change, before.bundle()),
            change: Some(change),
            cost,
            cases,
        });
        before = after;
    }
    Ok((out, before))
}

/// Whether `c` changes only words people read (a reason, a description, a table row's reason),
/// never what any case is decided.
fn words_only(c: &Change, before: &Bundle) -> bool {
    if c.reason.is_some() || c.reasons.is_some() || c.description.is_some() {
        return true;
    }
    let Some(rows) = &c.rows else {
        return false;
    };
    let table = before
        .families
        .iter()
        .find(|f| Some(&f.name) == c.family.as_ref())
        .and_then(|f| f.steps.iter().find(|s| Some(&s.name) == c.step.as_ref()))
        .and_then(|s| s.table.as_ref());
    rows.iter().all(|(number, new)| {
        let old = number
            .parse::<usize>()
            .ok()
            .and_then(|n| table?.rows.get(n.checked_sub(1)?));
        old.is_some_and(|old| old.when == new.when && old.then == new.then)
    })
}

/// A change in the rule set's labels, read against the rules before it.
pub fn words(c: &Change, before: &Bundle) -> String {
    let what = what(c, before);
    match &c.title {
        Some(title) => format!("{title}: {what}"),
        None => what,
    }
}

fn what(c: &Change, before: &Bundle) -> String {
    if let (Some(name), Some(to)) = (&c.constant, c.to) {
        let old = before.manifest.constants.get(name).map(|d| d.0);
        return format!(
            "the constant {name} goes from {} to {}",
            old.map_or("nothing".to_string(), |d| d.to_string()),
            to.0
        );
    }
    let family = c
        .family
        .as_deref()
        .and_then(|f| before.families.iter().find(|g| g.name == f));
    let Some(family) = family else {
        return "a change".to_string();
    };
    let step = c
        .step
        .as_deref()
        .and_then(|s| family.steps.iter().find(|t| t.name == s));
    let lead = &family.title;
    let inputs = &before.inputs;
    let body = match (step, c) {
        (
            Some(s),
            Change {
                values: Some(v), ..
            },
        ) => {
            let keys = s.lookup.as_ref().map(|l| l.keys.as_slice()).unwrap_or(&[]);
            let old = s.lookup.as_ref().map(|l| &l.values);
            let mut cells = Vec::new();
            leaves(v, &mut Vec::new(), &mut cells);
            let count = cells.len();
            let shown: Vec<String> = cells
                .iter()
                .take(3)
                .map(|(path, new)| {
                    let was = old.and_then(|o| at_path(o, path)).map(cell_text);
                    format!(
                        "{} from {} to {}",
                        place(keys, path, inputs),
                        was.unwrap_or_else(|| "nothing".to_string()),
                        cell_text(new)
                    )
                })
                .collect();
            let more = if count > 3 {
                format!(", and {} more", count - 3)
            } else {
                String::new()
            };
            format!(
                "{count} value{} change{}: {}{more}",
                if count == 1 { "" } else { "s" },
                if count == 1 { "s" } else { "" },
                shown.join("; ")
            )
        }
        (
            _,
            Change {
                uplift: Some(u), ..
            },
        ) => uplift_words(u, inputs),
        (
            _,
            Change {
                weights: Some(w), ..
            },
        ) => {
            let old = step.and_then(|s| s.score.as_ref());
            let parts: Vec<String> = w
                .iter()
                .flat_map(|(input, levels)| {
                    levels.iter().map(move |(level, new)| (input, level, new))
                })
                .map(|(input, level, new)| {
                    let was = old
                        .and_then(|sc| sc.weights.iter().find(|x| x.input == *input))
                        .and_then(|x| x.levels.get(level))
                        .map_or("nothing".to_string(), |d| d.0.to_string());
                    format!(
                        "the weight of {} goes from {was} to {}",
                        level_words(input, level, inputs),
                        new.0
                    )
                })
                .collect();
            parts.join("; ")
        }
        (
            _,
            Change {
                ranges: Some(r), ..
            },
        ) => {
            let old = step.and_then(|s| s.ranges.as_ref());
            let parts: Vec<String> = r
                .iter()
                .map(|(label, b)| {
                    let range = old.and_then(|o| o.ranges.iter().find(|x| x.label == *label));
                    let was =
                        range.map(|x| bounds(x.min.0, x.max.map(|d| d.0), x.below.map(|d| d.0)));
                    let min = b.min.or(range.map(|x| x.min)).map(|d| d.0);
                    let (max, below) = match (b.max, b.below) {
                        (None, None) => (
                            range.and_then(|x| x.max).map(|d| d.0),
                            range.and_then(|x| x.below).map(|d| d.0),
                        ),
                        (max, below) => (max.map(|d| d.0), below.map(|d| d.0)),
                    };
                    format!(
                        "range {label} becomes {} (was {})",
                        bounds(min.unwrap_or_default(), max, below),
                        was.unwrap_or_else(|| "absent".to_string())
                    )
                })
                .collect();
            parts.join("; ")
        }
        (
            _,
            Change {
                rows: Some(rows), ..
            },
        ) => {
            let old = step.and_then(|s| s.table.as_ref());
            let parts: Vec<String> = rows
                .iter()
                .map(|(number, new)| {
                    let was = number
                        .parse::<usize>()
                        .ok()
                        .and_then(|n| old?.rows.get(n.checked_sub(1)?));
                    let mut what = Vec::new();
                    if was.is_none_or(|w| w.when != new.when) {
                        what.push("its condition");
                    }
                    if was.is_none_or(|w| w.then != new.then) {
                        what.push("what it gives");
                    }
                    if was.is_none_or(|w| w.reason != new.reason) {
                        what.push("its reason");
                    }
                    let verb = if what.len() == 1 { "changes" } else { "change" };
                    format!(
                        "row {number} of the decision table: {} {verb}",
                        what.join(" and ")
                    )
                })
                .collect();
            parts.join("; ")
        }
        (
            Some(s),
            Change {
                let_: Some(new), ..
            },
        ) => format!(
            "the test `{}` becomes `{new}`",
            s.let_.as_deref().unwrap_or("")
        ),
        (
            _,
            Change {
                reason: Some(_), ..
            },
        )
        | (
            _,
            Change {
                reasons: Some(_), ..
            },
        ) => "the words of a reason change".to_string(),
        (
            _,
            Change {
                description: Some(_),
                ..
            },
        ) => "the description changes".to_string(),
        _ => "a change".to_string(),
    };
    format!("{lead}: {body}")
}

/// Every leaf cell of a patch, with the path of labels to it.
fn leaves<'a>(
    v: &'a serde_json::Value,
    path: &mut Vec<&'a str>,
    out: &mut Vec<(Vec<&'a str>, &'a serde_json::Value)>,
) {
    match v.as_object() {
        Some(map) => {
            for (k, inner) in map {
                path.push(k);
                leaves(inner, path, out);
                path.pop();
            }
        }
        None => out.push((path.clone(), v)),
    }
}

fn at_path<'a>(v: &'a serde_json::Value, path: &[&str]) -> Option<&'a serde_json::Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

/// A cell as people read it: grouped digits and two places for money-like values.
fn cell_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "no value".to_string(),
        serde_json::Value::String(s) => match crate::expr::rule_number(s) {
            Ok(d) if d.scale() <= 2 && crate::number::rule_decimal(s).is_ok() => for_people(d),
            Ok(d) => format!("{s} ({})", for_people(d)),
            Err(_) => s.clone(),
        },
        other => other.to_string(),
    }
}

/// A lookup cell's place by its keys' labels: `D, Mainstream school`.
fn place(keys: &[String], path: &[&str], inputs: &[InputSpec]) -> String {
    path.iter()
        .enumerate()
        .map(|(i, label)| {
            let key = keys.get(i).map(String::as_str).unwrap_or("");
            value_label(key, label, inputs)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An input's value by its label (`Mainstream school`), or as written.
fn value_label(input: &str, value: &str, inputs: &[InputSpec]) -> String {
    inputs
        .iter()
        .find(|i| i.name == input)
        .and_then(|i| i.values.iter().find(|c| c.value == value))
        .map_or_else(|| format!("{input} {value}"), |c| c.label.clone())
}

/// A level of an input in words: `Social, emotional and mental health, level 4 (Severe)`.
fn level_words(input: &str, level: &str, inputs: &[InputSpec]) -> String {
    let spec = inputs.iter().find(|i| i.name == input);
    let name = spec.map_or(input, |i| i.label.as_str());
    let label = spec
        .and_then(|i| i.levels.iter().find(|l| l.level.to_string() == level))
        .map(|l| format!(" ({})", l.label))
        .unwrap_or_default();
    format!("{name}, level {level}{label}")
}

fn bounds(min: Decimal, max: Option<Decimal>, below: Option<Decimal>) -> String {
    match (max, below) {
        (Some(max), _) => format!("{min} to {max}"),
        (_, Some(below)) => format!("{min} to below {below}"),
        _ => format!("{min} or more"),
    }
}

fn uplift_words(u: &Uplift, inputs: &[InputSpec]) -> String {
    let how = match (u.times, u.plus) {
        (Some(t), _) => format!("each value times {}", t.0),
        (_, Some(p)) if p.0.is_sign_negative() => format!("each value less {}", -p.0),
        (_, Some(p)) => format!("each value plus {}", p.0),
        _ => "each value".to_string(),
    };
    let only: Vec<String> = u
        .only
        .iter()
        .map(|(key, labels)| {
            let shown: Vec<String> = labels.iter().map(|l| value_label(key, l, inputs)).collect();
            shown.join(", ")
        })
        .collect();
    let only = if only.is_empty() {
        String::new()
    } else {
        format!(" for {}", only.join("; "))
    };
    let round = u.round.map_or_else(String::new, |r| {
        format!(
            ", rounded {} to {} places",
            r.mode.name().replace('_', " "),
            r.places
        )
    });
    format!("{how}{only}{round}")
}
