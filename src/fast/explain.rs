//! A full decision on the compiled evaluator: each step's value and trace detail, the reasons
//! of steps, rows, flags and the family, by the same compiled code as a lean run.

use super::expr::{FastExpr, FastTemplate};
use super::family::{not_pence, Later};
use super::steps::{cell_keyed, counted_total, range_at, FastKind};
use super::table::Decided;
use super::{Compile, Fail, Regs, R, V};
use crate::decision::{Detail, FamilyResult, Output, ScorePart, Status, TraceEntry};
use crate::expr::{EvalError, Value};
use crate::family::Family;
use crate::format::OutputFormat;
use crate::steps::Kind;
use std::sync::Arc;

/// A family compiled for full decisions.
#[derive(Debug)]
pub(crate) struct ExplainFamily {
    name: Arc<str>,
    steps: Vec<ExplainStep>,
    outputs: Vec<(Arc<str>, FastExpr, OutputFormat)>,
    flags: Vec<(String, FastExpr, FastTemplate)>,
    reasons: Vec<(Option<FastExpr>, FastTemplate)>,
}

#[derive(Debug)]
struct ExplainStep {
    name: Arc<str>,
    kind_name: &'static str,
    when: Option<FastExpr>,
    kind: FastKind,
    slots: Vec<u32>,
    /// The slots of this step and every later one: nulled when the family stops here.
    from_here: Later,
    reason: Option<FastTemplate>,
    /// A stop's reason, or each table row's.
    said: Vec<Option<FastTemplate>>,
    /// Each range as shown to people.
    shown: Vec<Arc<str>>,
}

/// Sees what each table and lookup step of a case sees, just before it decides (lint uses it
/// to find rows that never decide, cases a table fails on, and cells asked for but missing).
pub(crate) trait Watch {
    /// False for the watcher that sees nothing, so a plain run does no extra work.
    const WATCHING: bool = true;
    /// False for a watcher that reads no reasons and no trace values: reasons are only
    /// checked (a reason that cannot be worked out still fails the case), never written.
    const WORDS: bool = true;
    /// Step `step` is a table: `matched` are the rows that match (0-based, every row whatever
    /// the hit policy; a condition that cannot be worked out is no match), and `decided` the
    /// rows whose outputs the table gives under its hit policy, or why the table fails.
    /// `case` is the case's inputs, by slot.
    fn table(
        &mut self,
        step: usize,
        matched: &[usize],
        decided: Result<&[usize], &EvalError>,
        case: &[Value],
    );
    /// Step `step` is a lookup keyed by `keys` (the second null for one key); not called when a
    /// key has no value or cannot be worked out.
    fn lookup(&mut self, step: usize, keys: [Value; 2], case: &[Value]);
}

/// A reason's text, or only the check that it can be worked out when `W` needs no words.
fn say<W: Watch>(t: &FastTemplate, r: &Regs) -> R<String> {
    match W::WORDS {
        true => t.render(r),
        false => t.check(r).map(|()| String::new()),
    }
}

impl Watch for () {
    const WATCHING: bool = false;
    fn table(&mut self, _: usize, _: &[usize], _: Result<&[usize], &EvalError>, _: &[Value]) {}
    fn lookup(&mut self, _: usize, _: [Value; 2], _: &[Value]) {}
}

/// Tell `watch` what step `index` sees; for a table, what it decided, for the step to use.
fn seen<W: Watch>(index: usize, step: &ExplainStep, r: &Regs, watch: &mut W) -> Option<R<Decided>> {
    match &step.kind {
        FastKind::Table(t) => {
            let decided = t.decide(r);
            // FIRST stops at the first match; lint wants every row that matches.
            let all;
            let matched: &[usize] = match &decided {
                Ok(d) if !t.first_hit() => &d.matched,
                _ => {
                    all = t.rows_matching(r);
                    &all
                }
            };
            let outcome = match &decided {
                Ok(d) => Ok(&d.deciding[..]),
                Err(e) => Err(&**e),
            };
            watch.table(index, matched, outcome, r.given.inputs);
            return Some(decided);
        }
        FastKind::Lookup { keys, .. } => {
            let mut out = [Value::Null, Value::Null];
            for (k, e) in keys.iter().enumerate() {
                match e.eval(r) {
                    Ok(v) if !v.is_null() => {
                        if let Some(place) = out.get_mut(k) {
                            *place = r.value(v);
                        }
                    }
                    _ => return None,
                }
            }
            watch.lookup(index, out, r.given.inputs);
        }
        _ => {}
    }
    None
}

/// What a step gave: its value(s), trace detail, and whether the family stops (its reasons go
/// straight to the family's).
struct Outcome {
    values: Gave,
    detail: Detail,
    stop: Option<Status>,
}

/// A step's value, or a table's values (one per output): one value needs no list.
enum Gave {
    One(V),
    Many(Vec<V>),
}

impl Gave {
    fn get(&self, k: usize) -> Option<V> {
        match self {
            Gave::One(v) => (k == 0).then_some(*v),
            Gave::Many(values) => values.get(k).copied(),
        }
    }
}

impl ExplainFamily {
    pub fn compile(f: &Family, cx: &mut Compile) -> Option<ExplainFamily> {
        let mut steps = Vec::new();
        for (k, s) in f.steps().iter().enumerate() {
            let (said, shown) = match &s.kind {
                Kind::Stop(stop) => (vec![Some(stop.reason.fast(cx)?)], Vec::new()),
                Kind::Table(t) => (
                    t.rows
                        .iter()
                        .map(|row| match &row.reason {
                            Some(t) => Some(t.fast(cx).map(Some)?),
                            None => Some(None),
                        })
                        .collect::<Option<_>>()?,
                    Vec::new(),
                ),
                Kind::Ranges(r) => (
                    Vec::new(),
                    r.ranges.iter().map(|x| x.shown.clone()).collect(),
                ),
                _ => (Vec::new(), Vec::new()),
            };
            steps.push(ExplainStep {
                name: s.name.clone(),
                kind_name: s.kind.name(),
                when: match &s.when {
                    Some(w) => Some(w.fast(cx)?),
                    None => None,
                },
                kind: FastKind::compile(&s.kind, cx)?,
                slots: s.slots.clone(),
                from_here: Later::from_step(f, k),
                reason: match &s.reason {
                    Some(t) => Some(t.fast(cx)?),
                    None => None,
                },
                said,
                shown,
            });
        }
        Some(ExplainFamily {
            name: f.name.clone(),
            steps,
            outputs: f
                .outputs
                .iter()
                .map(|o| Some((o.name.clone(), o.expr.fast(cx)?, o.format)))
                .collect::<Option<_>>()?,
            flags: f
                .flags
                .iter()
                .map(|x| Some((x.flag.clone(), x.when.fast(cx)?, x.reason.fast(cx)?)))
                .collect::<Option<_>>()?,
            reasons: f
                .reasons
                .iter()
                .map(|x| {
                    let when = match &x.when {
                        Some(w) => Some(w.fast(cx)?),
                        None => None,
                    };
                    Some((when, x.text.fast(cx)?))
                })
                .collect::<Option<_>>()?,
        })
    }

    /// The full decision of this family for one case.
    pub fn run(&self, r: &mut Regs) -> FamilyResult {
        self.run_watched(r, &mut ())
    }

    /// `run`, telling `watch` what each table and lookup step sees just before it decides.
    pub fn run_watched<W: Watch>(&self, r: &mut Regs, watch: &mut W) -> FamilyResult {
        let mut reasons = Vec::with_capacity(4);
        let mut trace = Vec::with_capacity(self.steps.len());
        let fail = |reasons: Vec<String>, trace, e: Fail, at: String| -> FamilyResult {
            let mut reasons = reasons;
            reasons.push(format!("{e} ({at})"));
            self.finish(Status::Error, None, Vec::new(), reasons, trace)
        };
        for (index, step) in self.steps.iter().enumerate() {
            if let Some(w) = &step.when {
                match w.truth(r) {
                    Ok(true) => {}
                    Ok(false) => {
                        for &s in &step.slots {
                            r.set(s, V::NULL);
                        }
                        trace.push(self.entry(step, Value::Null, Detail::Skipped));
                        continue;
                    }
                    Err(e) => return fail(reasons, trace, e, format!("step {}", step.name)),
                }
            }
            let decided = match W::WATCHING {
                true => seen(index, step, r, watch),
                false => None,
            };
            let said = reasons.len();
            let out = match self.step::<W>(step, r, &mut reasons, decided) {
                Ok(o) => o,
                Err(e) => {
                    // What the failing step said before it failed is not part of the decision.
                    reasons.truncate(said);
                    return fail(reasons, trace, e, format!("step {}", step.name));
                }
            };
            // A watcher that needs no words needs no values in the trace, but for a stop's.
            let value = match W::WORDS || out.stop.is_some() {
                true => out.values.get(0).map_or(Value::Null, |v| r.value(v)),
                false => Value::Null,
            };
            if let Some(status) = out.stop {
                trace.push(self.entry(step, value, out.detail));
                let outputs = self.outputs_after_stop(r, step);
                return self.finish(status, Some(outputs), Vec::new(), reasons, trace);
            }
            for (k, &s) in step.slots.iter().enumerate() {
                r.set(s, out.values.get(k).unwrap_or(V::NULL));
            }
            trace.push(self.entry(step, value, out.detail));
            if let Some(t) = &step.reason {
                match say::<W>(t, r) {
                    Ok(text) => reasons.push(text),
                    Err(e) => return fail(reasons, trace, e, format!("step {}", step.name)),
                }
            }
        }
        let mut outputs = Vec::with_capacity(self.outputs.len());
        for (name, e, format) in &self.outputs {
            match self.output(r, name, e, *format) {
                Ok(v) => outputs.push(v),
                Err(e) => return fail(reasons, trace, e, format!("output {name}")),
            }
        }
        let mut flags = Vec::new();
        for (flag, when, reason) in &self.flags {
            let said = when.truth(r).and_then(|held| {
                if held {
                    say::<W>(reason, r).map(Some)
                } else {
                    Ok(None)
                }
            });
            match said {
                Ok(Some(text)) => {
                    flags.push(flag.clone());
                    reasons.push(text);
                }
                Ok(None) => {}
                Err(e) => return fail(reasons, trace, e, format!("flag {flag}")),
            }
        }
        for (when, text) in &self.reasons {
            let holds = match when {
                Some(w) => w.truth(r),
                None => Ok(true),
            };
            match holds.and_then(|h| {
                if h {
                    say::<W>(text, r).map(Some)
                } else {
                    Ok(None)
                }
            }) {
                Ok(Some(t)) => reasons.push(t),
                Ok(None) => {}
                Err(e) => return fail(reasons, trace, e, "reasons".to_string()),
            }
        }
        self.finish(Status::Applied, Some(outputs), flags, reasons, trace)
    }

    fn entry(&self, step: &ExplainStep, value: Value, detail: Detail) -> TraceEntry {
        TraceEntry {
            step: step.name.clone(),
            kind: step.kind_name,
            value,
            detail,
        }
    }

    fn finish(
        &self,
        status: Status,
        outputs: Option<Vec<Output>>,
        flags: Vec<String>,
        reasons: Vec<String>,
        trace: Vec<TraceEntry>,
    ) -> FamilyResult {
        let outputs = outputs.unwrap_or_else(|| {
            self.outputs
                .iter()
                .map(|(name, _, format)| Output {
                    name: name.clone(),
                    value: Value::Null,
                    format: *format,
                })
                .collect()
        });
        FamilyResult {
            family: self.name.clone(),
            status,
            outputs,
            flags,
            reasons,
            trace,
        }
    }

    /// One output; money must already be whole pence (never rounded here).
    fn output(&self, r: &Regs, name: &Arc<str>, e: &FastExpr, format: OutputFormat) -> R<Output> {
        let v = e.eval(r)?;
        if format == OutputFormat::Money {
            if let Some(e) = not_pence(r, name, v) {
                return Err(e);
            }
        }
        Ok(Output {
            name: name.clone(),
            value: r.value(v),
            format,
        })
    }

    /// After a stop: the steps not run hold no value, and an output that cannot be computed
    /// is null.
    fn outputs_after_stop(&self, r: &mut Regs, stopped: &ExplainStep) -> Vec<Output> {
        stopped.from_here.null(r);
        self.outputs
            .iter()
            .map(|(name, e, format)| {
                self.output(r, name, e, *format).unwrap_or(Output {
                    name: name.clone(),
                    value: Value::Null,
                    format: *format,
                })
            })
            .collect()
    }

    /// A step's value(s) and trace detail; its reasons are pushed to `reasons`. `decided` is a
    /// table's decision when the watcher already made it.
    fn step<W: Watch>(
        &self,
        step: &ExplainStep,
        r: &mut Regs,
        reasons: &mut Vec<String>,
        decided: Option<R<Decided>>,
    ) -> R<Outcome> {
        let one = |v: V, detail: Detail| Outcome {
            values: Gave::One(v),
            detail,
            stop: None,
        };
        Ok(match &step.kind {
            FastKind::Let(e) => one(e.eval(r)?, Detail::None),
            FastKind::Stop { when, status, .. } => {
                let held = when.truth(r)?;
                let mut out = one(V::boolean(held), Detail::Held(held));
                if held {
                    if let Some(Some(t)) = step.said.first() {
                        reasons.push(say::<W>(t, r)?);
                    }
                    out.stop = Some(*status);
                }
                out
            }
            FastKind::Score(s) => {
                let (weights, counted) = s.weighed(r)?;
                let parts: Vec<ScorePart> = s
                    .inputs()
                    .zip(weights.iter().zip(&counted))
                    .map(|((input, slot), (w, c))| ScorePart {
                        input: input.clone(),
                        level: r.value(r.at(slot).unwrap_or(V::NULL)),
                        weight: *w,
                        counted: *c,
                    })
                    .collect();
                let total = counted_total(&weights, &counted)?;
                one(r.number(total), Detail::Score(parts))
            }
            FastKind::Ranges {
                of,
                ranges,
                outside,
                shown,
            } => match range_at(of, ranges, *outside, shown, r)? {
                Some(i) => one(
                    ranges[i].1,
                    Detail::Range(step.shown.get(i).cloned().unwrap_or_else(|| Arc::from(""))),
                ),
                None => one(V::NULL, Detail::Range(Arc::from("outside every range"))),
            },
            FastKind::Table(t) => {
                let d = match decided {
                    Some(d) => d?,
                    None => t.decide(r)?,
                };
                for &i in &d.deciding {
                    if let Some(Some(tpl)) = step.said.get(i) {
                        reasons.push(say::<W>(tpl, r)?);
                    }
                }
                Outcome {
                    values: Gave::Many(d.values),
                    detail: Detail::Rows {
                        decided: d.deciding.first().filter(|_| t.single()).map(|i| i + 1),
                        matched: {
                            let mut rows = d.matched;
                            rows.iter_mut().for_each(|i| *i += 1);
                            rows
                        },
                    },
                    stop: None,
                }
            }
            FastKind::Lookup { keys, cells, words } => {
                let (v, first, second) = cell_keyed(keys, cells, *words, r)?;
                let mut labels = Vec::with_capacity(keys.len());
                labels.push(r.value(first));
                if keys.len() > 1 {
                    labels.push(r.value(second));
                }
                one(v, Detail::Keys(labels))
            }
            FastKind::Money(m) => {
                let (working, amount) = m.working(r)?;
                one(r.number(amount), Detail::Money(Box::new(working)))
            }
        })
    }
}
