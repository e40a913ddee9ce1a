//! Inputs, constants and steps nothing uses, and descriptor texts left empty: the checks lint
//! makes by reading the rule set, without running a case.

use super::{Finding, Severity};
use crate::expr::{Expr, Template};
use crate::family::Family;
use crate::steps::{money, Kind};
use crate::RuleSet;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Every expression of a family, template holes included: steps, their conditions and
/// reasons, outputs, flags and reasons.
pub(super) fn each_expr(f: &Family, visit: &mut dyn FnMut(&Expr)) {
    let template = |t: &Template, visit: &mut dyn FnMut(&Expr)| t.holes().for_each(visit);
    for s in &f.steps {
        if let Some(w) = &s.when {
            visit(w);
        }
        if let Some(r) = &s.reason {
            template(r, visit);
        }
        match &s.kind {
            Kind::Let(e) => visit(e),
            Kind::Stop(st) => {
                visit(&st.when);
                template(&st.reason, visit);
            }
            Kind::Ranges(r) => visit(&r.of),
            Kind::Lookup(l) => l.keys.iter().for_each(&mut *visit),
            Kind::Table(t) => {
                for row in &t.rows {
                    row.when.iter().chain(&row.then).for_each(&mut *visit);
                    if let Some(r) = &row.reason {
                        template(r, visit);
                    }
                }
                t.default.iter().flatten().for_each(&mut *visit);
            }
            Kind::Money(m) => {
                visit(&m.rate);
                let by_case =
                    m.by.iter()
                        .flat_map(|(_, each)| each.iter().flat_map(|(_, q)| q));
                for q in m.quantity.iter().chain(by_case) {
                    if let money::Quantity::Expr(e) = q {
                        visit(e);
                    }
                }
                if let Some((key, _)) = &m.by {
                    visit(key);
                }
                match &m.prorate {
                    Some(money::Prorate::Ratio { part, whole }) => {
                        visit(part);
                        visit(whole);
                    }
                    Some(money::Prorate::Periods { periods, .. }) => visit(periods),
                    None => {}
                }
                m.cap.iter().for_each(&mut *visit);
            }
            Kind::Score(_) => {}
        }
    }
    for o in &f.outputs {
        visit(&o.expr);
    }
    for x in &f.flags {
        visit(&x.when);
        template(&x.reason, visit);
    }
    for x in &f.reasons {
        x.when.iter().for_each(&mut *visit);
        template(&x.text, visit);
    }
}

/// Every name a family reads anywhere (a reason that shows a value reads it too).
pub(super) fn family_reads(f: &Family) -> BTreeSet<Arc<str>> {
    let mut out = BTreeSet::new();
    each_expr(f, &mut |e| out.extend(e.names_read().iter().cloned()));
    for s in &f.steps {
        if let Kind::Score(sc) = &s.kind {
            out.extend(sc.rows.iter().map(|r| r.input_name().clone()));
        }
    }
    out
}

/// `read`: every name some family reads.
pub(super) fn unused_inputs(rules: &RuleSet, read: &BTreeSet<&str>, out: &mut Vec<Finding>) {
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

/// `read`: every name some family reads.
pub(super) fn unused_constants(rules: &RuleSet, read: &BTreeSet<&str>, out: &mut Vec<Finding>) {
    for name in rules.manifest().constants.keys() {
        if read.contains(name.as_str()) {
            continue;
        }
        out.push(Finding {
            severity: Severity::Warning,
            check: "unused-constant",
            place: format!("ruleset.json: constants.{name}"),
            message: format!(
                "the constant {name:?} is declared, but no family uses it: remove it, or use it \
                 in a rule"
            ),
        });
    }
}

pub(super) fn unused_steps(f: &Family, read: &BTreeSet<Arc<str>>, out: &mut Vec<Finding>) {
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

pub(super) fn descriptor_texts(rules: &RuleSet, out: &mut Vec<Finding>) {
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
