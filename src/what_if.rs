//! What would change the result: for each family, the smallest sets of changes to a case's
//! answers that give a different band (or outcome), found by exact search with the one evaluator.
//!
//! The answers varied are the inputs that hold levels, choices, truth values or amounts, except
//! those the rule set declares `"what_if": false` (facts of the case such as the setting, and
//! decisions that are not the school's such as a panel override); dates and free text never are.
//! An input is varied only while the form would ask it (its `ask_when` holds for the case) and
//! the inputs it `requires` have values; `what_if_also` varies named inputs declared
//! `"what_if": false` too, when asked. Each input is tried at the values where the
//! rules can turn (as lint explores them: every level or choice, each number the rules compare
//! it with and its neighbours), and a move is reported with the value nearest the case's own.
//! A move reachable by one change is reported by its single changes; one that needs two, by the
//! pairs of which neither change alone gives it. Moves that need three or more are not searched.

use crate::decision::{value_to_json, Decision, Output, Outputs};
use crate::expr::Value;
use crate::format::{InputKind, OutputFormat, Status};
use crate::input::Input;
use crate::profile::Facts;
use crate::{Date, RuleSet};
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::sync::Arc;

/// At most this many suggestions for one family and one result (the smallest changes first).
const MAX_PER_RESULT: usize = 4;

/// For a family with an amount, this many results above the case's own are given.
const RESULTS_ABOVE: usize = 2;

/// For a family without an amount, at most this many results (those the smallest changes reach).
const MAX_RESULTS: usize = 3;

/// One change to one answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The input's index among the rule set's inputs.
    input: usize,
    /// The input's dotted name.
    pub name: Arc<str>,
    pub from: Value,
    pub to: Value,
}

/// A set of changes and what the family gives with them.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub changes: Vec<Change>,
    pub status: Status,
    /// The family's outputs with the changes made, in its declared order.
    pub outputs: Vec<Output>,
    /// The suggestion in the rule set's labels: "Assess-plan-do-review cycles: 1 -> 2 gives
    /// Band C, Amount £3,000.00".
    pub says: String,
}

/// The suggestions for every family of a decision, by family name in the rule set's order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WhatIf {
    pub families: Vec<(Arc<str>, Vec<Suggestion>)>,
}

/// A family's result as what-if tells results apart: its status and its band (the output named
/// `band`, else its first text output).
type Key = (Status, Value);

fn key(d: &Decision, family: usize, band: Option<usize>) -> Option<Key> {
    let r = d.results.get(family)?;
    let band = band
        .and_then(|b| r.outputs.get(b))
        .map_or(Value::Null, |o| o.value.clone());
    Some((r.status, band))
}

/// What would change each family's result for `facts` on `on`.
///
/// ```
/// use sendband::{Date, RuleSet};
/// let on: Date = "2024-09-01".parse().unwrap();
/// let rules = RuleSet::embedded(on).unwrap();
/// // Band B: Band C needs two review cycles, and this case has had one.
/// let facts = rules.facts_from_json(r#"{"case_id": "x", "date_of_birth": "2015-03-01",
///     "setting": "mainstream_school", "needs": {"communication_interaction": 3, "semh": 2},
///     "sen_support": {"apdr_cycles": 1, "specialist_advice": true,
///                     "notional_spend": "6200.00", "progress": "limited"}}"#).unwrap();
/// let w = sendband::what_if::what_if(&rules, &facts, on);
/// let (family, suggestions) = &w.families[0];
/// assert_eq!(&**family, "topup");
/// let first = &suggestions[0];
/// assert_eq!(&*first.changes[0].name, "sen_support.apdr_cycles");
/// assert_eq!(first.outputs[0].to_text(), "C");
/// ```
pub fn what_if(rules: &RuleSet, facts: &Facts, on: Date) -> WhatIf {
    what_if_also(rules, facts, on, &[])
}

/// An error naming the first of `also` that is no input of the rule set, with the nearest name.
pub fn check_also(rules: &RuleSet, also: &[&str]) -> Result<(), String> {
    also.iter()
        .try_for_each(|name| rules.input_slot(name).map(|_| ()))
}

/// [`what_if`], also varying the inputs named in `also` that the rule set keeps out of it
/// (`"what_if": false`: a setting, a panel override), when someone asks what those would change.
/// Dates and text are never varied; a name that is no input varies nothing.
pub fn what_if_also(rules: &RuleSet, facts: &Facts, on: Date, also: &[&str]) -> WhatIf {
    let base = rules.evaluate(facts, on);
    let bands: Vec<Option<usize>> = rules.families().iter().map(|f| f.band_output()).collect();
    let base_keys: Vec<Option<Key>> = (0..bands.len()).map(|f| key(&base, f, bands[f])).collect();
    let candidates = candidates(rules, facts, also);

    // Every single change, and what each family gives with it.
    let mut changed = facts.clone();
    let mut singles: Vec<(Change, Decision)> = Vec::new();
    for c in &candidates {
        set(&mut changed, c);
        singles.push((c.clone(), rules.evaluate(&changed, on)));
        reset(&mut changed, facts, c);
    }

    // Every pair of changes to two inputs, for results no single change reaches.
    let mut pairs: Vec<(usize, usize, Decision)> = Vec::new();
    for (a, (ca, _)) in singles.iter().enumerate() {
        for (b, (cb, _)) in singles.iter().enumerate().skip(a + 1) {
            if ca.input == cb.input {
                continue;
            }
            set(&mut changed, ca);
            set(&mut changed, cb);
            pairs.push((a, b, rules.evaluate(&changed, on)));
            reset(&mut changed, facts, ca);
            reset(&mut changed, facts, cb);
        }
    }

    let mut out = WhatIf::default();
    for (f, fam) in rules.families().iter().enumerate() {
        let Some(base_key) = &base_keys[f] else {
            continue;
        };
        let key_of = |d: &Decision| key(d, f, bands[f]).filter(|k| k != base_key);
        // By result (in a stable order): its amount, and the sets of changes that reach it.
        let mut by_result: BTreeMap<String, Found> = BTreeMap::new();
        for (c, d) in &singles {
            if let Some(k) = key_of(d) {
                let entry = by_result.entry(order_of(&k)).or_insert_with(|| Found {
                    amount: amount(d, f),
                    sets: Vec::new(),
                });
                entry.sets.push(vec![c.clone()]);
            }
        }
        let mut by_pair: BTreeMap<String, Found> = BTreeMap::new();
        for (a, b, d) in &pairs {
            let Some(k) = key_of(d) else { continue };
            let order = order_of(&k);
            // Smallest sets only: no single change reaches this result, so neither of the
            // two alone does.
            if by_result.contains_key(&order) {
                continue;
            }
            let entry = by_pair.entry(order).or_insert_with(|| Found {
                amount: amount(d, f),
                sets: Vec::new(),
            });
            entry
                .sets
                .push(vec![singles[*a].0.clone(), singles[*b].0.clone()]);
        }
        let mut results: Vec<(String, Found)> = by_result.into_iter().chain(by_pair).collect();
        for (_, found) in &mut results {
            found.sets = nearest(std::mem::take(&mut found.sets));
            found.sets.truncate(MAX_PER_RESULT);
        }
        let results = moves(results, amount(&base, f));
        let mut suggestions = Vec::new();
        for found in results {
            for changes in found.sets {
                // The outputs are those of the case with exactly these changes.
                let mut with = facts.clone();
                for c in &changes {
                    set(&mut with, c);
                }
                let d = rules.evaluate(&with, on);
                let Some(r) = d.results.into_iter().nth(f) else {
                    continue;
                };
                let says = says(&changes, r.status, &r.outputs, fam, rules);
                suggestions.push(Suggestion {
                    changes,
                    status: r.status,
                    outputs: r.outputs,
                    says,
                });
            }
        }
        out.families.push((fam.name.clone(), suggestions));
    }
    out
}

/// The sets of changes that reach one result, and the result's amount.
struct Found {
    amount: Option<Decimal>,
    sets: Vec<Vec<Change>>,
}

/// A family's first money output in a decision: how moves are told up from down.
fn amount(d: &Decision, family: usize) -> Option<Decimal> {
    d.results
        .get(family)?
        .outputs
        .iter()
        .find(|o| o.format == OutputFormat::Money)?
        .value
        .as_number()
}

/// The results worth saying, in order: with an amount, the [`RESULTS_ABOVE`] nearest above the
/// case's own and the nearest below (and any other result at the same amount or none); without one, the
/// [`MAX_RESULTS`] reached by the smallest changes.
fn moves(mut results: Vec<(String, Found)>, base: Option<Decimal>) -> Vec<Found> {
    let Some(base) = base else {
        results
            .sort_by_key(|(order, found)| (found.sets.first().map(|s| distance(s)), order.clone()));
        results.truncate(MAX_RESULTS);
        return results.into_iter().map(|(_, f)| f).collect();
    };
    // The two nearest above: the next band up, and the one after (often what a plan gives).
    let mut above: Vec<(Option<Decimal>, String)> = results
        .iter()
        .filter(|(_, f)| f.amount.is_some_and(|a| a > base))
        .map(|(order, f)| (f.amount, order.clone()))
        .collect();
    above.sort();
    above.truncate(RESULTS_ABOVE);
    let down = results
        .iter()
        .filter(|(_, f)| f.amount.is_some_and(|a| a < base))
        .max_by_key(|(order, f)| (f.amount, order.clone()))
        .map(|(order, _)| order.clone());
    results.retain(|(order, f)| {
        above.iter().any(|(_, o)| o == order)
            || Some(order) == down.as_ref()
            || f.amount.is_none_or(|a| a == base)
    });
    // Up first, nearest first; then the others at the same amount or none; then down.
    results.sort_by_key(|(order, f)| match f.amount {
        Some(a) if a > base => (0, a, order.clone()),
        Some(a) if a < base => (2, -a, order.clone()),
        _ => (1, Decimal::ZERO, order.clone()),
    });
    results.into_iter().map(|(_, f)| f).collect()
}

/// The suggestions for one result, the smallest first: for each set of inputs changed, only
/// the values nearest the case's own.
fn nearest(mut found: Vec<Vec<Change>>) -> Vec<Vec<Change>> {
    let inputs = |s: &[Change]| s.iter().map(|c| c.input).collect::<Vec<_>>();
    found.sort_by_key(|s| (distance(s), inputs(s)));
    let mut seen: Vec<Vec<usize>> = Vec::new();
    found.retain(|changes| {
        let inputs: Vec<usize> = changes.iter().map(|c| c.input).collect();
        if seen.contains(&inputs) {
            return false;
        }
        seen.push(inputs);
        true
    });
    found
}

/// How far a set of changes moves the answers: numbers by how much, other values by one each.
fn distance(changes: &[Change]) -> Decimal {
    changes
        .iter()
        .map(|c| match (&c.from, &c.to) {
            (Value::Number(a), Value::Number(b)) => (a - b).abs(),
            _ => Decimal::ONE,
        })
        .sum()
}

/// A result's place among the others of its family, as text that sorts: by status, then band.
fn order_of(k: &Key) -> String {
    format!("{:?} {}", k.0, value_to_json(&k.1))
}

/// Every value each varied input can be changed to (its own value left out).
fn candidates(rules: &RuleSet, facts: &Facts, also: &[&str]) -> Vec<Change> {
    let inputs = rules.inputs();
    let turns = crate::lint::turns(rules);
    let specs = &rules.bundle().inputs;
    let mut out = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let varied = (specs.get(index).is_some_and(|s| s.what_if) || also.contains(&&*input.name))
            && !matches!(input.kind, InputKind::Date | InputKind::String)
            && asked(rules, index, facts)
            && required_given(rules, index, facts);
        if !varied {
            continue;
        }
        let from = facts.values.get(index).cloned().unwrap_or(Value::Null);
        let none = Default::default();
        let at = turns.get(&input.name).unwrap_or(&none);
        for to in crate::lint::explored_values(input, at) {
            if to != from && !to.is_null() {
                out.push(Change {
                    input: index,
                    name: input.name.clone(),
                    from: from.clone(),
                    to,
                });
            }
        }
    }
    out
}

/// Whether a form asks the input for this case: each input its `ask_when` names has one of
/// the listed values.
fn asked(rules: &RuleSet, index: usize, facts: &Facts) -> bool {
    let Some(spec) = rules.bundle().inputs.get(index) else {
        return false;
    };
    spec.ask_when.iter().all(|(name, allowed)| {
        let Ok(at) = rules.input_slot(name) else {
            return false;
        };
        let value = facts.values.get(at).map(value_to_json);
        allowed.iter().any(|a| Some(a) == value.as_ref())
    })
}

/// Whether every input this one `requires` has a value in the case (an override's reason):
/// a profile could not give this input otherwise, and what-if never writes text.
fn required_given(rules: &RuleSet, index: usize, facts: &Facts) -> bool {
    let Some(spec) = rules.bundle().inputs.get(index) else {
        return false;
    };
    spec.requires.iter().all(|name| {
        rules
            .input_slot(name)
            .ok()
            .and_then(|at| facts.values.get(at))
            .is_some_and(|v| !v.is_null())
    })
}

fn set(facts: &mut Facts, c: &Change) {
    if let Some(v) = facts.values.get_mut(c.input) {
        *v = c.to.clone();
    }
}

fn reset(facts: &mut Facts, base: &Facts, c: &Change) {
    if let (Some(v), Some(b)) = (facts.values.get_mut(c.input), base.values.get(c.input)) {
        *v = b.clone();
    }
}

impl Serialize for WhatIf {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.families.len()))?;
        for (name, suggestions) in &self.families {
            m.serialize_entry(&**name, suggestions)?;
        }
        m.end()
    }
}

impl Serialize for Suggestion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Suggestion", 4)?;
        st.serialize_field("changes", &self.changes)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("outputs", &Outputs(&self.outputs))?;
        st.serialize_field("says", &self.says)?;
        st.end()
    }
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Change", 3)?;
        st.serialize_field("input", &*self.name)?;
        st.serialize_field("from", &value_to_json(&self.from))?;
        st.serialize_field("to", &value_to_json(&self.to))?;
        st.end()
    }
}

/// The input a change is to, for words.
impl Change {
    pub(crate) fn input<'r>(&self, rules: &'r RuleSet) -> Option<&'r Input> {
        rules.inputs().get(self.input)
    }
}

/// The section of an explanation that says what would change the result, in the rule set's
/// labels: one line a suggestion, under each family's title. Empty when nothing would.
pub fn in_words(what_if: &WhatIf, rules: &RuleSet) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for (name, suggestions) in &what_if.families {
        if suggestions.is_empty() {
            continue;
        }
        let title = rules
            .families()
            .iter()
            .find(|f| f.name == *name)
            .map_or(&**name, |f| f.title.as_str());
        let _ = writeln!(out, "  {title}:");
        for s in suggestions {
            let _ = writeln!(out, "  - {}", s.says);
        }
    }
    out
}

/// One suggestion in words: each change as "label: from -> to", and what the family gives.
fn says(
    changes: &[Change],
    status: Status,
    outputs: &[Output],
    fam: &crate::Family,
    rules: &RuleSet,
) -> String {
    let changes: Vec<String> = changes
        .iter()
        .map(|c| {
            let input = c.input(rules);
            let label = input.map_or(&*c.name, |i| i.label.as_str());
            format!(
                "{label}: {} -> {}",
                answer(input, &c.from, rules),
                answer(input, &c.to, rules)
            )
        })
        .collect();
    let gives = match status {
        // The band (or outcome) and the money: what a move is about.
        Status::Applied => outputs
            .iter()
            .enumerate()
            .filter(|(k, o)| {
                !o.value.is_null()
                    && (Some(*k) == fam.band_output() || o.format == OutputFormat::Money)
            })
            .map(|(_, o)| {
                let label = fam.output_label(&o.name).unwrap_or(&o.name);
                format!("{label} {}", crate::explain::for_people(o, rules))
            })
            .collect::<Vec<_>>()
            .join(", "),
        Status::NotApplicable => "does not apply".to_string(),
        Status::Ineligible => "not eligible".to_string(),
        Status::Error => "could not be decided".to_string(),
    };
    format!("{} gives {gives}", changes.join(" and "))
}

/// An answer as a person would give it: a level with its name, a choice by its label.
fn answer(input: Option<&Input>, value: &Value, rules: &RuleSet) -> String {
    let Some(input) = input else {
        return value.to_string();
    };
    if value.is_null() {
        return "not answered".to_string();
    }
    if let Some(level) = input.level(value) {
        return format!("level {} ({})", level.level, level.label);
    }
    match (input.kind, value) {
        (InputKind::Enum, Value::Text(t)) => input
            .values
            .iter()
            .find(|c| *c.value == **t)
            .map_or_else(|| t.to_string(), |c| c.label.clone()),
        (InputKind::Boolean, Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
        (InputKind::Money, Value::Number(n)) => format!(
            "{}{}",
            crate::money::currency_symbol(&rules.manifest().currency),
            crate::money::for_people(*n)
        ),
        (_, Value::Number(n)) => n.normalize().to_string(),
        _ => value.to_string(),
    }
}

/// The decision's JSON (as `sendband evaluate` prints it) with `what_if` after its results.
pub fn decision_json(decision: &Decision, what_if: &WhatIf) -> String {
    let json = decision.to_json_pretty();
    // Serialising these types cannot fail: every map key is a string.
    let extra = serde_json::to_string_pretty(what_if).unwrap_or_default();
    let Some(body) = json.strip_suffix("\n}") else {
        return json;
    };
    format!(
        "{body},\n  \"what_if\": {}\n}}",
        extra.replace('\n', "\n  ")
    )
}
