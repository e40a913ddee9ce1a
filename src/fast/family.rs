//! A family in the compiled tier: its steps, outputs, flags and reasons over the case's flat
//! array of values, in order, with no text built and nothing allocated unless something fails.

use super::expr::{FastExpr, FastTemplate};
use super::step_code::{step_code, Done, StepCode};
use super::steps::{Checks, FastKind};
use super::{Compile, Fail, Regs, V};
use crate::decision::Status;
use crate::family::Family;
use crate::format::OutputFormat;
use crate::steps::Kind;
use std::fmt::Write as _;

/// A compiled family.
#[derive(Debug)]
pub(crate) struct FastFamily {
    steps: Vec<FastStep>,
    outputs: Outputs,
    /// Each output's name, and whether it is money (which must be whole pence).
    output_names: Vec<(std::sync::Arc<str>, bool)>,
    flags: Vec<(FastExpr, Checks)>,
    flag_names: Vec<String>,
    /// Each flag's reason, written only when the flag is raised.
    flag_reasons: Vec<FastTemplate>,
    reasons: Vec<(Option<FastExpr>, Checks)>,
    /// The reason of each stop, by step: even a lean run says why a family stopped.
    stops: Vec<(usize, FastTemplate)>,
}

/// Where in a family a case failed, as the error's reason names it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    Step(usize),
    Output(usize),
    Flag(usize),
    Reasons,
}

/// A family's failure for one case: the error, and where.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: Fail,
    pub at: Part,
}

struct FastStep {
    name: std::sync::Arc<str>,
    /// The slots of this step and every later one: nulled when the family stops here.
    from_here: Later,
    code: StepCode,
}

/// A family's outputs after a run.
#[derive(Debug)]
enum Outputs {
    /// Every output is a plain name that needs no check (not money, or money a step rounds to
    /// whole pence): read in place from these slots, nothing copied per case.
    InPlace(Box<[u32]>),
    /// Each output's expression, and whether it is money (which must be whole pence).
    Evaluated(Vec<(FastExpr, bool)>),
}

/// Slots to null: a run of consecutive slots (as steps are numbered), or a list.
#[derive(Debug)]
pub(super) enum Later {
    Run(u32, u32),
    List(Box<[u32]>),
}

impl Later {
    /// The slots of step `k` of `f` and every later step.
    pub(super) fn from_step(f: &Family, k: usize) -> Later {
        let later = f.steps.get(k..).unwrap_or_default();
        Later::of(later.iter().flat_map(|x| x.slots.clone()).collect())
    }

    fn of(slots: Vec<u32>) -> Later {
        match (slots.iter().min(), slots.iter().max()) {
            (Some(&lo), Some(&hi)) if (hi - lo) as usize + 1 == slots.len() => {
                Later::Run(lo, hi + 1)
            }
            _ => Later::List(slots.into()),
        }
    }

    pub(super) fn null(&self, r: &mut Regs) {
        match self {
            Later::Run(lo, hi) => {
                if let Some(run) = r.v.get_mut(*lo as usize..*hi as usize) {
                    run.fill(V::NULL);
                }
            }
            Later::List(slots) => {
                for &s in slots.iter() {
                    r.set(s, V::NULL);
                }
            }
        }
    }
}

impl std::fmt::Debug for FastStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastStep")
            .field("from_here", &self.from_here)
            .finish_non_exhaustive()
    }
}

/// What the compiled tier decided for one family: its status and which flags are raised (bit
/// `i` for the family's flag `i`); the outputs are in the buffer given to [`FastFamily::run`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verdict {
    pub status: Status,
    pub flags: u64,
    /// The step that stopped the family, if one did.
    pub stopped: Option<usize>,
}

impl FastFamily {
    /// The compiled form of a family (`None` only when a constant cannot be held, or for more
    /// than 64 flags).
    pub fn compile(f: &Family, cx: &mut Compile) -> Option<FastFamily> {
        if f.flags.len() > 64 {
            return None;
        }
        let mut steps = Vec::with_capacity(f.steps.len());
        let mut stops = Vec::new();
        for (k, s) in f.steps.iter().enumerate() {
            if let Kind::Stop(stop) = &s.kind {
                stops.push((k, stop.reason.fast(cx)?));
            }
            let when = match &s.when {
                Some(w) => Some(w.fast(cx)?),
                None => None,
            };
            let reason = Checks::of(s.reason.as_ref(), cx)?;
            let kind = FastKind::compile(&s.kind, cx)?;
            steps.push(FastStep {
                name: s.name.clone(),
                from_here: Later::from_step(f, k),
                code: step_code(when, reason, kind, s.slots.clone()),
            });
        }
        let outputs: Vec<(FastExpr, bool)> = f
            .outputs
            .iter()
            .map(|o| Some((o.expr.fast(cx)?, o.format == OutputFormat::Money)))
            .collect::<Option<_>>()?;
        let flags = f
            .flags
            .iter()
            .map(|x| Some((x.when.fast(cx)?, Checks::new(&x.reason, cx)?)))
            .collect::<Option<_>>()?;
        let mut reasons = Vec::new();
        for x in &f.reasons {
            let when = match &x.when {
                Some(w) => Some(w.fast(cx)?),
                None => None,
            };
            let text = Checks::new(&x.text, cx)?;
            // A reason that cannot fail leaves nothing for a lean run to do; its condition
            // must give true or false for every case (a name with no value fails).
            if text.is_empty() && when.as_ref().is_none_or(FastExpr::sure_test) {
                continue;
            }
            reasons.push((when, text));
        }
        // A money step that rounds to at most two places always gives whole pence (or null).
        let whole_pence: Vec<u32> = f
            .steps
            .iter()
            .filter(|s| matches!(&s.kind, Kind::Money(m) if m.round.is_some_and(|(_, p)| p <= 2)))
            .flat_map(|s| s.slots.iter().copied())
            .collect();
        let in_place: Option<Box<[u32]>> = outputs
            .iter()
            .map(|(e, money)| e.slot().filter(|s| !money || whole_pence.contains(s)))
            .collect();
        Some(FastFamily {
            steps,
            output_names: f
                .outputs
                .iter()
                .map(|o| (o.name.clone(), o.format == OutputFormat::Money))
                .collect(),
            outputs: match in_place {
                Some(slots) => Outputs::InPlace(slots),
                None => Outputs::Evaluated(outputs),
            },
            flags,
            flag_names: f.flags.iter().map(|x| x.flag.clone()).collect(),
            flag_reasons: f
                .flags
                .iter()
                .map(|x| x.reason.fast(cx))
                .collect::<Option<_>>()?,
            reasons,
            stops,
        })
    }

    /// The slots the outputs are read from after a run, when they are read in place (`run`
    /// then leaves `out` empty).
    pub fn output_slots(&self) -> Option<&[u32]> {
        match &self.outputs {
            Outputs::InPlace(slots) => Some(slots),
            Outputs::Evaluated(_) => None,
        }
    }

    /// The words for where a failure happened: `step band`, `output amount`, `flag f`, `reasons`.
    pub fn place(&self, at: Part) -> String {
        match at {
            Part::Step(i) => format!("step {}", self.steps.get(i).map_or("?", |s| &*s.name)),
            Part::Output(i) => format!(
                "output {}",
                self.output_names.get(i).map_or("?", |(n, _)| &**n)
            ),
            Part::Flag(i) => format!(
                "flag {}",
                self.flag_names.get(i).map_or("?", String::as_str)
            ),
            Part::Reasons => "reasons".to_string(),
        }
    }

    /// Run the family for one case, its outputs into `out` unless they are read in place
    /// ([`FastFamily::output_slots`]).
    pub fn run(&self, r: &mut Regs, out: &mut Vec<V>) -> Result<Verdict, Failure> {
        out.clear();
        let fail = |at: Part| move |error: Fail| Failure { error, at };
        for (k, step) in self.steps.iter().enumerate() {
            let done = match &step.code {
                StepCode::LetTest(slot, t) => {
                    let b = t(r).map_err(fail(Part::Step(k)))?;
                    r.set(*slot, V::boolean(b));
                    continue;
                }
                StepCode::LetValue(slot, f) => {
                    let v = f(r).map_err(fail(Part::Step(k)))?;
                    r.set(*slot, v);
                    continue;
                }
                StepCode::Run(f) => f(r).map_err(fail(Part::Step(k)))?,
            };
            if let Done::Stop(status) = done {
                // Steps not run hold no value (the registers keep the last case's), so their
                // outputs are null; an output that cannot be computed after a stop is null too.
                step.from_here.null(r);
                self.outputs_after_stop(r, out);
                return Ok(Verdict {
                    status,
                    flags: 0,
                    stopped: Some(k),
                });
            }
        }
        self.outputs_into(r, out)?;
        let mut flags = 0u64;
        for (i, (when, reason)) in self.flags.iter().enumerate() {
            if when.truth(r).map_err(fail(Part::Flag(i)))? {
                reason.pass(r).map_err(fail(Part::Flag(i)))?;
                flags |= 1 << i;
            }
        }
        for (when, text) in &self.reasons {
            let holds = match when {
                Some(w) => w.truth(r).map_err(fail(Part::Reasons))?,
                None => true,
            };
            if holds {
                text.pass(r).map_err(fail(Part::Reasons))?;
            }
        }
        Ok(Verdict {
            status: Status::Applied,
            flags,
            stopped: None,
        })
    }

    /// Why a family that decided is as it is, in its own words, into `out` (cleared first):
    /// the reason of the stop that made it `error`, `ineligible` or `not_applicable`, or the
    /// reasons of the flags an applied family raised, joined by "; ". Nothing for an applied
    /// family with no flag. The registers are as the run left them.
    pub fn say_why(&self, r: &Regs, v: Verdict, out: &mut String) {
        out.clear();
        let write = |out: &mut String, t: &FastTemplate, at: Part| {
            let start = out.len();
            if let Err(e) = t.render_into(r, out) {
                out.truncate(start);
                // Writing into a String cannot fail.
                let _ = write!(out, "{e} ({})", self.place(at));
            }
        };
        match v.stopped {
            Some(k) => {
                if let Some((_, t)) = self.stops.iter().find(|(at, _)| *at == k) {
                    write(out, t, Part::Step(k));
                }
            }
            None => {
                for (i, t) in self.flag_reasons.iter().enumerate() {
                    if v.flags & (1 << i) != 0 {
                        if !out.is_empty() {
                            out.push_str("; ");
                        }
                        write(out, t, Part::Flag(i));
                    }
                }
            }
        }
    }

    /// The names of the flags a verdict raised, in the family's order.
    pub fn raised(&self, v: Verdict) -> impl Iterator<Item = &str> {
        self.flag_names
            .iter()
            .enumerate()
            .filter(move |(i, _)| v.flags & (1 << i) != 0)
            .map(|(_, n)| n.as_str())
    }

    fn outputs_into(&self, r: &mut Regs, out: &mut Vec<V>) -> Result<(), Failure> {
        let Outputs::Evaluated(outputs) = &self.outputs else {
            return Ok(());
        };
        for (i, (expr, money)) in outputs.iter().enumerate() {
            let v = expr.eval(r).map_err(|error| Failure {
                error,
                at: Part::Output(i),
            })?;
            if *money {
                if let Some(error) = self.not_pence(r, i, v) {
                    return Err(Failure {
                        error,
                        at: Part::Output(i),
                    });
                }
            }
            out.push(v);
        }
        Ok(())
    }

    /// After a stop: each output that can be computed, the rest null.
    fn outputs_after_stop(&self, r: &mut Regs, out: &mut Vec<V>) {
        let Outputs::Evaluated(outputs) = &self.outputs else {
            return;
        };
        for (i, (expr, money)) in outputs.iter().enumerate() {
            let v = match expr.eval(r) {
                Ok(v) if *money && self.not_pence(r, i, v).is_some() => V::NULL,
                Ok(v) => v,
                Err(_) => V::NULL,
            };
            out.push(v);
        }
    }

    /// The error for a money output that is not whole pence (money is never rounded here).
    fn not_pence(&self, r: &Regs, i: usize, v: V) -> Option<Fail> {
        let name = self.output_names.get(i).map_or("?", |(n, _)| &**n);
        not_pence(r, name, v)
    }
}

/// The error for money output `name` whose value `v` is not a whole number of pence (money is
/// never rounded here; the rule must declare rounding).
pub(super) fn not_pence(r: &Regs, name: &str, v: V) -> Option<Fail> {
    if v.n().is_some_and(|n| n.scale <= 2) {
        return None;
    }
    let n = r.decimal(v)?;
    if crate::money::to_pence_string(n).is_some() {
        return None;
    }
    Some(super::other(format!(
        "{name} is {}, which is not a whole number of pence; the rule must declare rounding",
        n.normalize()
    )))
}
