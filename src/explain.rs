//! A decision in plain English, for a SENDCo or a parent: the band, the money, each reason in
//! words, and the descriptors that counted. What `sendband explain` prints.

use crate::decision::{Decision, Detail, FamilyResult, Output, Status};
use crate::expr::Value;
use crate::format::{Manifest, OutputFormat, Provenance};
use crate::RuleSet;
use std::fmt::Write;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The decision as text a person would read; with `what_if`, what would change the result.
pub fn explain(
    decision: &Decision,
    rules: &RuleSet,
    what_if: Option<&crate::what_if::WhatIf>,
) -> String {
    let m = rules.manifest();
    let mut out = String::new();
    let on = decision.on;
    let case = decision.case_id.as_deref().unwrap_or("(no case reference)");
    let _ = writeln!(
        out,
        "Indicative decision for case {case} on {} {} {}",
        on.day(),
        MONTHS[usize::from(on.month()).saturating_sub(1) % 12],
        on.year()
    );
    let _ = writeln!(
        out,
        "Rules: {}, version {} ({} figures)",
        m.title, m.version, m.provenance
    );
    let warning = provenance_warning(m);
    if let Some(w) = &warning {
        let _ = writeln!(out, "{w}");
    }
    for result in &decision.results {
        out.push('\n');
        family(&mut out, result, rules);
    }
    if let Some(section) = what_if
        .map(|w| crate::what_if::in_words(w, rules))
        .filter(|s| !s.is_empty())
    {
        let _ = writeln!(
            out,
            "\nWhat would change the result (each line on its own, the rules run again with it):"
        );
        out.push_str(&section);
    }
    let _ = writeln!(
        out,
        "\nThis is an indicative result from the rules as written; the final decision rests with the local authority."
    );
    if let Some(w) = &warning {
        let _ = writeln!(out, "{w}");
    }
    let _ = writeln!(
        out,
        "Rule set {} {} ({})",
        m.id, m.version, decision.ruleset.digest
    );
    out
}

/// The warning every human-facing output gives for figures that are not published values.
pub fn provenance_warning(m: &Manifest) -> Option<String> {
    match m.provenance {
        Provenance::Illustrative => Some(format!(
            "ILLUSTRATIVE FIGURES: every figure here is a placeholder, not {}'s published values. \
             Do not use them for funding.",
            m.authority
        )),
        Provenance::Draft => Some(
            "DRAFT RULES: a proposal that is not in force. Do not use these figures for funding."
                .to_string(),
        ),
        Provenance::Published => None,
    }
}

fn family(out: &mut String, result: &FamilyResult, rules: &RuleSet) {
    let fam = rules.families().iter().find(|f| f.name == result.family);
    let title = fam.map_or(&*result.family, |f| f.title.as_str());
    let status = match result.status {
        Status::Applied => "applies",
        Status::NotApplicable => "does not apply to this case",
        Status::Ineligible => "not eligible",
        Status::Error => "could not be decided",
    };
    let _ = writeln!(out, "{title}: {status}");
    if result.status == Status::Applied {
        for o in &result.outputs {
            let label = fam.and_then(|f| f.output_label(&o.name)).unwrap_or(&o.name);
            let _ = writeln!(out, "  {label}: {}", for_people(o, rules));
        }
    }
    if !result.flags.is_empty() {
        let _ = writeln!(out, "  Flags: {}", result.flags.join(", "));
    }
    if !result.reasons.is_empty() {
        let _ = writeln!(out, "  Why:");
        for r in &result.reasons {
            let _ = writeln!(out, "  - {r}");
        }
    }
    for entry in &result.trace {
        if let Detail::Score(parts) = &entry.detail {
            // The step's name is the rule set's own id, not words for people: the total says
            // which score it is.
            let _ = writeln!(
                out,
                "  Descriptors that counted ({} points in all):",
                entry.value
            );
            for p in parts.iter().filter(|p| !p.weight.is_zero()) {
                let input = rules.inputs().iter().find(|i| i.name == p.input);
                let area = input.map_or(&*p.input, |i| i.label.as_str());
                let level = input
                    .and_then(|i| i.level(&p.level))
                    .map(|l| format!(" ({})", l.label))
                    .unwrap_or_default();
                let note = if p.counted { "" } else { ", not counted" };
                let _ = writeln!(
                    out,
                    "  - {area}: level {}{level}, {} points{note}",
                    p.level,
                    p.weight.normalize()
                );
            }
        }
    }
}

/// An output as a person reads it: money with its symbol and pence, codes as words.
pub(crate) fn for_people(o: &Output, rules: &RuleSet) -> String {
    match (&o.value, o.format) {
        (Value::Null, _) => "none".to_string(),
        (Value::Number(n), OutputFormat::Money) => {
            format!(
                "{}{}",
                crate::money::currency_symbol(&rules.manifest().currency),
                crate::money::for_people(*n)
            )
        }
        (Value::Bool(b), _) => if *b { "yes" } else { "no" }.to_string(),
        // Codes such as not_met read as words; the JSON keeps the codes.
        (Value::Text(t), _) => t.replace('_', " "),
        (v, _) => v.to_string(),
    }
}
