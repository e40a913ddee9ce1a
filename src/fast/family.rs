//! A family in the compiled tier: its steps, outputs, flags and reasons over the case's flat
//! array of values, in the interpreter's order, with no text built and nothing allocated.

use super::steps::{Checks, Done, FastKind};
use super::{Compile, Regs, V};
use crate::decision::Status;
use crate::expr::FastExpr;
use crate::family::Family;
use crate::ruleset::format::OutputFormat;

/// A compiled family.
#[derive(Debug, Clone)]
pub(crate) struct FastFamily {
    steps: Vec<FastStep>,
    /// Each output's expression, and whether it is money (which must be whole pence).
    outputs: Vec<(FastExpr, bool)>,
    flags: Vec<(FastExpr, Checks)>,
    reasons: Vec<(Option<FastExpr>, Checks)>,
}

#[derive(Debug, Clone)]
struct FastStep {
    slots: Vec<u32>,
    when: Option<FastExpr>,
    reason: Checks,
    kind: FastKind,
}

/// What the compiled tier decided for one family: its status and which flags are raised (bit
/// `i` for the family's flag `i`); the outputs are in the buffer given to [`FastFamily::run`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verdict {
    pub status: Status,
    pub flags: u64,
}

impl FastFamily {
    /// The compiled form of a family, or `None` when any part of it needs the interpreter.
    pub fn compile(f: &Family, cx: &mut Compile) -> Option<FastFamily> {
        if f.flags.len() > 64 {
            return None;
        }
        let mut steps = Vec::with_capacity(f.steps.len());
        for s in &f.steps {
            steps.push(FastStep {
                slots: s.slots.clone(),
                when: match &s.when {
                    Some(w) => Some(w.fast(cx)?),
                    None => None,
                },
                reason: Checks::of(s.reason.as_ref(), cx)?,
                kind: FastKind::compile(&s.kind, cx)?,
            });
        }
        let outputs = f
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
            // A reason that cannot fail leaves nothing for a lean run to do.
            if text.is_empty() && when.as_ref().is_none_or(FastExpr::infallible) {
                continue;
            }
            reasons.push((when, text));
        }
        Some(FastFamily {
            steps,
            outputs,
            flags,
            reasons,
        })
    }

    /// Run the family for one case, its outputs into `out`; `None` when the interpreter must.
    pub fn run(&self, r: &mut Regs, out: &mut Vec<V>) -> Option<Verdict> {
        out.clear();
        for (k, step) in self.steps.iter().enumerate() {
            if let Some(when) = &step.when {
                if !when.truth(r)? {
                    for &s in &step.slots {
                        r.set(s, V::NULL);
                    }
                    continue;
                }
            }
            if let Done::Stop(status) = step.kind.run(r, &step.slots)? {
                // Steps not run hold no value (the registers keep the last case's), so their
                // outputs are null.
                for later in self.steps.get(k..).unwrap_or_default() {
                    for &s in &later.slots {
                        r.set(s, V::NULL);
                    }
                }
                self.outputs_into(r, out)?;
                return Some(Verdict { status, flags: 0 });
            }
            step.reason.pass(r)?;
        }
        self.outputs_into(r, out)?;
        let mut flags = 0u64;
        for (i, (when, reason)) in self.flags.iter().enumerate() {
            if when.truth(r)? {
                reason.pass(r)?;
                flags |= 1 << i;
            }
        }
        for (when, text) in &self.reasons {
            let holds = match when {
                Some(w) => w.truth(r)?,
                None => true,
            };
            if holds {
                text.pass(r)?;
            }
        }
        Some(Verdict {
            status: Status::Applied,
            flags,
        })
    }

    fn outputs_into(&self, r: &mut Regs, out: &mut Vec<V>) -> Option<()> {
        for (expr, money) in &self.outputs {
            let v = expr.eval(r)?;
            let pence = v.n().is_some_and(|n| n.scale <= 2);
            if let (true, false, Some(n)) = (money, pence, r.decimal(v)) {
                // Money is written in whole pence; more places is an error of the rule.
                if n.scale() > 2 && n.normalize().scale() > 2 {
                    return None;
                }
            }
            out.push(v);
        }
        Some(())
    }
}
