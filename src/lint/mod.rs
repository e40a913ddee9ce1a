//! Checks of a rule set that loading does not make, reported in the rule set's own words: range
//! gaps and overlaps, table rows and lookup cells, monotonicity, unused names, missing texts.
//!
//! Loading refuses what cannot work (unknown names, type errors); lint finds what works but is
//! probably a mistake. Some checks read the rules; the rest run explored cases through each
//! family: every combination of the values where a case's path can turn when there are few
//! enough, otherwise a seeded search, so the same rule set always gives the same findings.

mod cover;
mod load;
mod monotone;
mod names;
mod reach;
mod space;

use crate::fast::LeanBuf;
use crate::steps::Kind;
use crate::{Date, RuleSet};
use names::{
    descriptor_texts, each_expr, family_reads, unused_constants, unused_inputs, unused_steps,
};
use serde::Serialize;
pub(crate) use space::explored_values;
use space::{Space, Turns};
use std::collections::BTreeSet;
use std::sync::Arc;

pub use cover::covering;
pub use load::lint_path;

/// How lint explores cases.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The one date cases are explored on; by default every day on which a version's
    /// behaviour can change (its first and last days, and the dates its rules write).
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
/// explored on every day on which its behaviour can change.
pub fn lint(rules: &RuleSet) -> Vec<Finding> {
    check(rules, Options::default(), Vec::new()).findings
}

/// [`lint`] with `options`: how many cases are explored, and on which date.
pub fn lint_with(rules: &RuleSet, options: Options) -> Report {
    check(rules, options, Vec::new())
}

/// Lint a rule set, with findings lint's loading already made (range gaps and overlaps).
fn check(rules: &RuleSet, options: Options, mut out: Vec<Finding>) -> Report {
    let anchors = written_dates(rules);
    let dates = match options.on {
        Some(on) => vec![on],
        None => dates_in_force(rules, &anchors),
    };
    let reads: Vec<BTreeSet<Arc<str>>> = rules.families().iter().map(family_reads).collect();
    let levels = need_levels(rules);
    let turns = turns(rules);
    let jobs: Vec<(usize, usize)> = (0..reads.len())
        .flat_map(|k| (0..dates.len()).map(move |d| (k, d)))
        .collect();
    // One copy of the rules a thread; job j runs on thread j % threads.
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs.len());
    let copies: Vec<RuleSet> = (1..threads)
        .filter_map(|_| rules.compiled_again().ok())
        .collect();
    let engines: Vec<&RuleSet> = std::iter::once(rules).chain(&copies).collect();
    let spaces: Vec<Space> = jobs
        .iter()
        .enumerate()
        .map(|(j, &(k, d))| {
            let engine = engines[j % engines.len()];
            Space::new(
                engine.inputs(),
                &reads[k],
                &levels,
                &turns,
                dates[d],
                &anchors,
            )
        })
        .collect();
    let dated = dates.len() > 1;
    let mut explored = on_each_thread(&engines, jobs.len(), |engine, j| {
        let (k, d) = jobs[j];
        explore(engine, k, &spaces[j], dates[d], dated, options.cases)
    })
    .into_iter();
    let mut total = 0;
    for _ in rules.families() {
        let mut shown = BTreeSet::new();
        let mut monotone = Vec::new();
        let mut reach: Option<reach::Reach> = None;
        let (mut size, mut runs, mut whole) = (0u64, 0u64, true);
        for _ in &dates {
            let Some(e) = explored.next() else { break };
            size = size.saturating_add(e.size);
            runs += e.runs;
            whole &= e.whole;
            total += e.runs + e.evaluated;
            match &mut reach {
                Some(r) => r.absorb(e.reach),
                None => reach = Some(e.reach),
            }
            // A monotonicity finding is the same mistake on every date: the first is enough.
            for finding in e.monotone {
                if shown.insert((finding.check, finding.place.clone())) {
                    monotone.push(finding);
                }
            }
        }
        let on = match dates.as_slice() {
            [_] => String::new(),
            _ => format!(" on {} dates", dates.len()),
        };
        let words = if whole {
            format!("every one of the {size} combinations explored{on}")
        } else {
            format!("{runs} explored with a fixed seed out of {size} combinations{on}")
        };
        if let Some(reach) = reach {
            reach.findings(&words, &mut out);
        }
        out.append(&mut monotone);
    }
    let read: BTreeSet<&str> = reads.iter().flatten().map(|n| &**n).collect();
    unused_inputs(rules, &read, &mut out);
    unused_constants(rules, &read, &mut out);
    for (f, read) in rules.families().iter().zip(&reads) {
        unused_steps(f, read, &mut out);
    }
    descriptor_texts(rules, &mut out);
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let m = rules.manifest();
    Report {
        name: format!("{} {}", m.id, m.version),
        findings: out,
        explored: total,
    }
}

/// Run jobs `0..jobs` on one thread per engine, job j on engine j % engines, the results in
/// job order, so findings never depend on the machine.
fn on_each_thread<'a, T: Send>(
    engines: &[&'a RuleSet],
    jobs: usize,
    job: impl Fn(&'a RuleSet, usize) -> T + Sync,
) -> Vec<T> {
    let n = engines.len().max(1);
    if n == 1 {
        return (0..jobs).map(|j| job(engines[0], j)).collect();
    }
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = engines
            .iter()
            .enumerate()
            .map(|(t, &engine)| {
                let job = &job;
                scope.spawn(move || {
                    (t..jobs)
                        .step_by(n)
                        .map(|j| (j, job(engine, j)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(mine) => mine,
                // A worker that panicked is a bug: let it surface as the panic it was.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    done.sort_by_key(|(j, _)| *j);
    done.into_iter().map(|(_, t)| t).collect()
}

/// What exploring one family on one date saw.
struct Explored<'a> {
    reach: reach::Reach<'a>,
    monotone: Vec<Finding>,
    /// Combinations in the space, cases run through it, whether that was all of them, and
    /// the cases monotonicity evaluated.
    size: u64,
    runs: u64,
    whole: bool,
    evaluated: u64,
}

/// Run explored cases through one family (`k`, in the rule set's order) on one date, for its
/// tables, lookups, errors and monotonicity.
fn explore<'a>(
    rules: &'a RuleSet,
    k: usize,
    space: &'a Space<'a>,
    on: Date,
    dated: bool,
    budget: u64,
) -> Explored<'a> {
    let f = &rules.families()[k];
    let mut buf = LeanBuf::default();
    let mut reach = reach::Reach::new(f, space, on, dated);
    let size = space.size(&space.axes);
    let whole = size <= budget;
    space.explore(budget, 0x11A7, |profile| {
        reach.start();
        let result = rules
            .program()
            .explore(k, profile, on, &mut buf, &mut reach);
        reach.end(profile, result.as_ref());
    });
    let mut monotone = Vec::new();
    let mut evaluated = 0;
    if let Some(mut mono) = monotone::Monotone::new(rules, k, space, on, budget) {
        let words = mono.explore();
        let words = match dated {
            true => format!("{words}, on {on}"),
            false => words,
        };
        mono.findings(&words, &mut monotone);
        evaluated = mono.evaluated;
    }
    Explored {
        reach,
        monotone,
        size,
        runs: size.min(budget),
        whole,
        evaluated,
    }
}

/// Every date written in the rules (`date('2025-09-01')`), in order.
fn written_dates(rules: &RuleSet) -> Vec<Date> {
    let mut out = BTreeSet::new();
    for f in rules.families() {
        each_expr(f, &mut |e| out.extend(e.dates()));
    }
    out.into_iter().collect()
}

/// The days on which a version's behaviour can change: its first and last day in force, and
/// each date the rules write and the day after it (`on >= d` turns on d, `on > d` the day
/// after), those in force.
fn dates_in_force(rules: &RuleSet, written: &[Date]) -> Vec<Date> {
    let m = rules.manifest();
    let in_force = |d: &Date| *d >= m.effective_from && m.effective_to.is_none_or(|to| *d <= to);
    let mut out = BTreeSet::from([m.effective_from]);
    out.extend(m.effective_to);
    for d in written {
        let after = Date::from_days_since_epoch(d.days_since_epoch() + 1);
        out.extend(std::iter::once(*d).chain(after).filter(in_force));
    }
    out.into_iter().collect()
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
pub(crate) fn turns(rules: &RuleSet) -> Turns {
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
    // An age worked out from a date input turns where the age is compared: those ages in
    // months belong to the input.
    for f in rules.families() {
        for s in &f.steps {
            let Kind::Let(e) = &s.kind else { continue };
            if let (Some(input), Some(ages)) = (e.age_of(), out.get(&s.name).cloned()) {
                out.entry(Arc::from(input)).or_default().extend(ages);
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
