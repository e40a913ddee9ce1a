//! Checks of a rule set that loading does not make, reported in the rule set's own words: range
//! gaps and overlaps, table rows and lookup cells, monotonicity, unused names, missing texts.
//!
//! Loading refuses what cannot work (unknown names, type errors); lint finds what works but is
//! probably a mistake. Some checks read the rules; the rest run explored cases through each
//! family: every combination of the values where a case's path can turn when there are few
//! enough, otherwise a seeded search, so the same rule set always gives the same findings.

mod load;
mod monotone;
mod names;
mod reach;
mod space;

use crate::fast::LeanBuf;
use crate::steps::Kind;
use crate::synth::SplitMix64;
use crate::{Date, RuleSet};
use names::{descriptor_texts, each_expr, family_reads, unused_inputs, unused_steps};
use serde::Serialize;
use space::{Space, Turns};
use std::collections::BTreeSet;
use std::sync::Arc;

pub use load::lint_path;

/// How lint explores cases.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The date cases are explored on (default: each rule set's first day in force).
    pub on: Option<Date>,
    /// Cases run through each family to see which rows and cells they reach: every
    /// combination when there are at most this many, else this many drawn with a fixed seed.
    /// Monotonicity walks the level grid in up to 64 combinations of the other inputs, fewer
    /// when a grid times 64 would be more than this.
    pub cases: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            on: None,
            cases: 200_000,
        }
    }
}

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

/// The findings for one rule set (or, for an authority folder, for its versions together).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The rule set's id and version, or the authority folder.
    pub name: String,
    pub findings: Vec<Finding>,
    /// How many cases were run through the families.
    pub explored: u64,
}

/// Every finding for a loaded rule set, errors first, then in the rule set's order; cases are
/// explored on the rule set's first day in force.
pub fn lint(rules: &RuleSet) -> Vec<Finding> {
    check(rules, Options::default(), Vec::new()).findings
}

/// Lint a rule set, with findings lint's loading already made (range gaps and overlaps).
fn check(rules: &RuleSet, options: Options, mut out: Vec<Finding>) -> Report {
    let on = options.on.unwrap_or(rules.manifest().effective_from);
    let reads: Vec<BTreeSet<Arc<str>>> = rules.families().iter().map(family_reads).collect();
    let levels = need_levels(rules);
    let turns = turns(rules);
    let mut explored = 0;
    for (k, read) in reads.iter().enumerate() {
        let space = Space::new(rules.inputs(), read, &levels, &turns, on);
        explored += explore(rules, k, &space, on, options.cases, &mut out);
    }
    unused_inputs(rules, &reads, &mut out);
    for (f, read) in rules.families().iter().zip(&reads) {
        unused_steps(f, read, &mut out);
    }
    descriptor_texts(rules, &mut out);
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let m = rules.manifest();
    Report {
        name: format!("{} {}", m.id, m.version),
        findings: out,
        explored,
    }
}

/// Run explored cases through one family (`k`, in the rule set's order) for its tables,
/// lookups and monotonicity.
fn explore(
    rules: &RuleSet,
    k: usize,
    space: &Space<'_>,
    on: Date,
    budget: u64,
    out: &mut Vec<Finding>,
) -> u64 {
    let Some(f) = rules.families().get(k) else {
        return 0;
    };
    let mut buf = LeanBuf::default();
    let mut reach = reach::Reach::new(f, space);
    let size = space.size(&space.axes);
    let whole = size <= budget;
    let mut rng = SplitMix64(0x11A7);
    let mut profile = space.base.clone();
    for i in 0..size.min(budget) {
        if whole {
            space.combination(&space.axes, i, &mut profile);
        } else {
            space.random(&space.axes, &mut rng, &mut profile);
        }
        // The watcher keeps its own copy, to show a case that reached something.
        reach.profile.clone_from(&profile);
        rules
            .program()
            .explore(k, &profile, on, &mut buf, &mut reach);
    }
    let words = if whole {
        format!("every one of the {size} combinations explored")
    } else {
        format!("{budget} explored with a fixed seed out of {size} combinations")
    };
    reach.findings(&words, out);
    let mut evaluated = 0;
    if let Some(mut mono) = monotone::Monotone::new(rules, k, space, on, budget) {
        let words = mono.explore();
        mono.findings(&words, out);
        evaluated = mono.evaluated;
    }
    size.min(budget) + evaluated
}

/// The need levels: inputs a score weighs, or a ranges step places as they are.
fn need_levels(rules: &RuleSet) -> BTreeSet<Arc<str>> {
    let mut out = BTreeSet::new();
    for f in rules.families() {
        for s in &f.steps {
            match &s.kind {
                Kind::Score(sc) => out.extend(sc.rows.iter().map(|r| r.input_name().clone())),
                Kind::Ranges(r) => out.extend(r.of.as_name().map(Arc::from)),
                _ => {}
            }
        }
    }
    let inputs: BTreeSet<&str> = rules.inputs().iter().map(|i| &*i.name).collect();
    out.retain(|n| inputs.contains(&**n));
    out
}

/// The numbers each input is compared with: in expressions, as range bounds when a ranges
/// step places the input itself, and as lookup labels when a lookup is keyed by it.
fn turns(rules: &RuleSet) -> Turns {
    let mut out = Turns::new();
    for f in rules.families() {
        each_expr(f, &mut |e| {
            for (name, n) in e.compared_constants() {
                out.entry(name).or_default().insert(n);
            }
        });
        for s in &f.steps {
            match &s.kind {
                Kind::Ranges(r) => {
                    if let Some(name) = r.of.as_name() {
                        let at = out.entry(Arc::from(name)).or_default();
                        for x in &r.ranges {
                            at.insert(x.min);
                            at.extend(x.top_bound());
                        }
                    }
                }
                Kind::Lookup(l) => {
                    for (k, key) in l.keys.iter().enumerate() {
                        let Some(name) = key.as_name() else { continue };
                        let at = out.entry(Arc::from(name)).or_default();
                        for (a, b, _) in &l.cells {
                            at.extend([a, b][k].as_number());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let inputs: BTreeSet<&str> = rules.inputs().iter().map(|i| &*i.name).collect();
    out.retain(|n, _| inputs.contains(&**n));
    out
}

/// A report as text: one finding a line, then a count.
pub fn to_text(report: &Report) -> String {
    let (rules_name, findings) = (&report.name, &report.findings);
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
    let _ = write!(
        t,
        "{rules_name}: {errors} errors, {} warnings",
        findings.len() - errors
    );
    if report.explored > 0 {
        let _ = write!(t, " ({} cases explored)", report.explored);
    }
    t.push('\n');
    t
}
