//! Profiles that reach what a rule set can: for each family, one case for every table row that
//! decides, every range and every lookup cell with a value, found by lint's exploration.

use super::names::family_reads;
use super::space::{json, Space};
use crate::decision::{Detail, Status};
use crate::expr::Value;
use crate::profile::Facts;
use crate::{Date, RuleSet};
use std::collections::BTreeSet;

/// Profiles, as compact JSON lines with case ids `COVER-<first>`, `COVER-<first + 1>` and
/// on, that between them reach every table row, range and lookup cell of `rules` that
/// exploring it on `on` can reach (at most `budget` cases a family), each valid under every
/// rule set of `valid_under`. `seen` holds what is reached already (`family/step/what`), and
/// gains what these reach.
///
/// A case is explored at the values where a path can turn (as `lint` explores), so it is
/// plain rather than realistic: these are for making sure a change is exercised, beside a
/// realistic cohort.
pub fn covering(
    rules: &RuleSet,
    on: Date,
    budget: u64,
    valid_under: &[&RuleSet],
    seen: &mut BTreeSet<String>,
    first: usize,
) -> Vec<String> {
    let levels = super::need_levels(rules);
    let turns = super::turns(rules);
    let anchors = super::written_dates(rules);
    let mut out = Vec::new();
    for (k, family) in rules.families().iter().enumerate() {
        let reads = family_reads(family);
        let space = Space::new(rules.inputs(), &reads, &levels, &turns, on, &anchors);
        space.explore(budget, 0xC0FE, |profile| {
            let facts = Facts {
                case_id: None,
                values: profile.to_vec(),
            };
            let decision = rules.evaluate(&facts, on);
            let Some(result) = decision.results.get(k) else {
                return;
            };
            if result.status == Status::Error {
                return;
            }
            let mut new: Vec<String> = result
                .trace
                .iter()
                .filter_map(|t| {
                    let what = match &t.detail {
                        Detail::Rows {
                            decided: Some(row), ..
                        } => format!("row {row}"),
                        Detail::Range(_) => format!("range {}", t.value),
                        Detail::Keys(keys) if !t.value.is_null() => {
                            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
                            format!("cell {}", keys.join(", "))
                        }
                        _ => return None,
                    };
                    Some(format!("{}/{}/{what}", family.name, t.step))
                })
                .filter(|target| !seen.contains(target))
                .collect();
            let line = profile_line(rules, profile, first + out.len());
            // What the family gives under each rule set: a new combination is a case whose
            // result one change moves (band B under one, C under another).
            let mut moves = Vec::new();
            for other in valid_under {
                let Ok(facts) = other.facts_from_json(&line) else {
                    moves.clear();
                    new.clear();
                    break;
                };
                let d = other.evaluate(&facts, on);
                let given = d.results.iter().find(|r| r.family == family.name);
                moves.push(given.map_or_else(|| "-".to_string(), outcome));
            }
            if moves.len() > 1 {
                let target = format!("{}: {}", family.name, moves.join(" -> "));
                if !seen.contains(&target) {
                    new.push(target);
                }
            }
            if !new.is_empty() {
                seen.extend(new);
                out.push(line);
            }
        });
    }
    out
}

/// A family's result in brief: its status and its band (or outcome, or first output).
fn outcome(r: &crate::decision::FamilyResult) -> String {
    let shown = r
        .outputs
        .iter()
        .find(|o| matches!(&*o.name, "band" | "outcome"))
        .or(r.outputs.first())
        .map(|o| o.value.to_string())
        .unwrap_or_default();
    format!("{} {shown}", r.status.as_str())
}

/// A profile as one compact JSON line, dotted names as keys, with case id `COVER-n`; inputs
/// with no value are left out.
fn profile_line(rules: &RuleSet, profile: &[Value], n: usize) -> String {
    let mut line = format!("{{\"case_id\":\"COVER-{n}\"");
    for (input, value) in rules.inputs().iter().zip(profile) {
        if value.is_null() || &*input.name == crate::profile::CASE_ID {
            continue;
        }
        line.push_str(&format!(",{:?}:{}", &*input.name, json(value)));
    }
    line.push('}');
    line
}
