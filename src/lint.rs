//! Checks of a rule set that loading does not make, in the rule set's own words: inputs and
//! steps nothing uses, and descriptor texts left empty. Findings are warnings or errors.
//!
//! Loading already refuses what cannot work (unknown names, type errors, range gaps and
//! overlaps unless allowed); lint finds what works but is probably a mistake.

use crate::family::Family;
use crate::steps::{money, Kind};
use crate::RuleSet;
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::Arc;

/// How serious a finding is: errors make `sendband lint` exit 1, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Error,
}

/// One finding, in words a policy officer understands, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// A short, stable name of the check, e.g. `unused-input`.
    pub check: &'static str,
    /// Where: a file of the rule set and what in it, e.g. `inputs.json: early_years.weeks`.
    pub place: String,
    pub message: String,
}

/// Every finding for a rule set, errors first, then in the rule set's order.
pub fn lint(rules: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    let reads: Vec<BTreeSet<Arc<str>>> = rules.families().iter().map(family_reads).collect();
    unused_inputs(rules, &reads, &mut out);
    for (f, read) in rules.families().iter().zip(&reads) {
        unused_steps(f, read, &mut out);
    }
    descriptor_texts(rules, &mut out);
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

/// The names one step reads.
fn step_reads(kind: &Kind, out: &mut BTreeSet<Arc<str>>) {
    let mut expr = |e: &crate::expr::Expr| out.extend(e.names_read().iter().cloned());
    match kind {
        Kind::Let(e) => expr(e),
        Kind::Stop(s) => expr(&s.when),
        Kind::Ranges(r) => expr(&r.of),
        Kind::Lookup(l) => l.keys.iter().for_each(expr),
        Kind::Table(t) => {
            for row in &t.rows {
                row.when.iter().chain(&row.then).for_each(&mut expr);
            }
            t.default.iter().flatten().for_each(expr);
        }
        Kind::Money(m) => {
            expr(&m.rate);
            for q in &m.quantity {
                if let money::Quantity::Expr(e) = q {
                    expr(e);
                }
            }
            match &m.prorate {
                Some(money::Prorate::Ratio { part, whole }) => {
                    expr(part);
                    expr(whole);
                }
                Some(money::Prorate::Periods { periods, .. }) => expr(periods),
                None => {}
            }
            m.cap.iter().for_each(expr);
        }
        Kind::Score(s) => out.extend(s.rows.iter().map(|r| r.input_name().clone())),
    }
    // Templates of a stop or table row count as reading too: a reason shows the value.
    match kind {
        Kind::Stop(s) => out.extend(s.reason.names_read()),
        Kind::Table(t) => {
            for row in &t.rows {
                out.extend(row.reason.iter().flat_map(|r| r.names_read()));
            }
        }
        _ => {}
    }
}

/// Every name a family reads anywhere: steps, their conditions and reasons, outputs, flags,
/// reasons.
fn family_reads(f: &Family) -> BTreeSet<Arc<str>> {
    let mut out = BTreeSet::new();
    for s in &f.steps {
        step_reads(&s.kind, &mut out);
        if let Some(w) = &s.when {
            out.extend(w.names_read().iter().cloned());
        }
        if let Some(r) = &s.reason {
            out.extend(r.names_read());
        }
    }
    for o in &f.outputs {
        out.extend(o.expr.names_read().iter().cloned());
    }
    for x in &f.flags {
        out.extend(x.when.names_read().iter().cloned());
        out.extend(x.reason.names_read());
    }
    for x in &f.reasons {
        out.extend(x.when.iter().flat_map(|w| w.names_read().iter().cloned()));
        out.extend(x.text.names_read());
    }
    out
}

fn unused_inputs(rules: &RuleSet, reads: &[BTreeSet<Arc<str>>], out: &mut Vec<Finding>) {
    let read: BTreeSet<&str> = reads.iter().flatten().map(|n| &**n).collect();
    // Inputs named in another input's `ask_when` or `requires` shape the form: they are used.
    let specs = &rules.bundle().inputs;
    let shaping: BTreeSet<&str> = specs
        .iter()
        .flat_map(|s| {
            s.ask_when
                .keys()
                .map(String::as_str)
                .chain(s.requires.iter().map(String::as_str))
        })
        .collect();
    for input in rules.inputs() {
        let name = &*input.name;
        if name == crate::profile::CASE_ID || read.contains(name) || shaping.contains(name) {
            continue;
        }
        out.push(Finding {
            severity: Severity::Warning,
            check: "unused-input",
            place: format!("inputs.json: {name}"),
            message: format!(
                "the input {name:?} is asked for, but no family uses it: remove it, or use it in a rule"
            ),
        });
    }
}

fn unused_steps(f: &Family, read: &BTreeSet<Arc<str>>, out: &mut Vec<Finding>) {
    for s in &f.steps {
        // A stop acts by stopping; its value is never meant to be read.
        if matches!(s.kind, Kind::Stop(_)) || read.contains(&s.name) {
            continue;
        }
        out.push(Finding {
            severity: Severity::Warning,
            check: "unused-step",
            place: format!("families/{}.json: step {:?}", f.name, s.name),
            message: format!(
                "the step {:?} is worked out, but nothing in {:?} uses it: no later step, output, \
                 flag or reason reads it",
                s.name, f.name
            ),
        });
    }
}

fn descriptor_texts(rules: &RuleSet, out: &mut Vec<Finding>) {
    for spec in &rules.bundle().inputs {
        let mut missing = |what: String| {
            out.push(Finding {
                severity: Severity::Warning,
                check: "missing-text",
                place: format!("inputs.json: {}", spec.name),
                message: what,
            });
        };
        if spec.label.trim().is_empty() {
            missing(format!(
                "the input {:?} has no label, so a form cannot ask it in words",
                spec.name
            ));
        }
        for c in &spec.values {
            if c.label.trim().is_empty() {
                missing(format!(
                    "the value {:?} of {:?} has no label",
                    c.value, spec.name
                ));
            }
        }
        for l in &spec.levels {
            if l.descriptor.trim().is_empty() || l.label.trim().is_empty() {
                missing(format!(
                    "level {} of {:?} has no descriptor text: a SENDCo cannot tell what it means",
                    l.level, spec.name
                ));
            }
        }
    }
}

/// Findings as text, one per line, and a count.
pub fn to_text(rules_name: &str, findings: &[Finding]) -> String {
    use std::fmt::Write;
    let mut t = String::new();
    for f in findings {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(t, "{sev}[{}] {}: {}", f.check, f.place, f.message);
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let _ = writeln!(
        t,
        "{rules_name}: {errors} errors, {} warnings",
        findings.len() - errors
    );
    t
}
