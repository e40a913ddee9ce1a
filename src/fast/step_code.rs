//! Each step as the family loop runs it: a plain `let` by a direct call of its expression's
//! code, any other step as one closure made for its kind, so no step dispatches on its kind.

use super::steps::{cell, range_label, Checks, FastKind};
use super::{Regs, V};
use crate::decision::Status;
use crate::expr::{FastExpr, TestFn, ValueFn};
use std::sync::Arc;

/// What a step did: its value(s) are in place, or the family stops with a status.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Done {
    Next,
    Stop(Status),
}

/// A whole step (its condition, kind and reason's checks) as one closure.
pub(crate) type StepFn = Arc<dyn Fn(&mut Regs) -> Option<Done> + Send + Sync>;

/// A step as the family runs it: a plain `let` calls its expression's code directly; any
/// other step is one closure.
#[derive(Clone)]
pub(crate) enum StepCode {
    LetTest(u32, TestFn),
    LetValue(u32, ValueFn),
    Run(StepFn),
}

/// One closure for a step. The commonest steps (a plain `let`, a plain `stop`) get one that
/// calls their expression directly; the rest run through [`FastKind::run`].
pub(crate) fn step_code(
    when: Option<FastExpr>,
    reason: Checks,
    kind: FastKind,
    slots: Vec<u32>,
) -> StepCode {
    if let (None, true, FastKind::Let(e), &[slot]) =
        (&when, reason.is_empty(), &kind, slots.as_slice())
    {
        if let Some(t) = e.test_code() {
            return StepCode::LetTest(slot, t);
        }
        if let Some(f) = e.value_code() {
            return StepCode::LetValue(slot, f);
        }
    }
    StepCode::Run(step_closure(when, reason, kind, slots))
}

fn step_closure(when: Option<FastExpr>, reason: Checks, kind: FastKind, slots: Vec<u32>) -> StepFn {
    let plain = when.is_none() && reason.is_empty();
    if let (true, &[slot]) = (plain, slots.as_slice()) {
        // One closure per kind, so a step runs with no dispatch on its kind.
        let by_kind: Option<StepFn> = match kind.clone() {
            FastKind::Score(s) => Some(Arc::new(move |r| {
                let v = s.eval(r)?;
                r.set(slot, v);
                Some(Done::Next)
            })),
            FastKind::Ranges {
                of,
                ranges,
                outside,
            } => Some(Arc::new(move |r| {
                let v = range_label(&of, &ranges, outside, r)?;
                r.set(slot, v);
                Some(Done::Next)
            })),
            FastKind::Lookup { keys, cells, words } => Some(Arc::new(move |r| {
                let v = cell(&keys, &cells, words, r)?;
                r.set(slot, v);
                Some(Done::Next)
            })),
            FastKind::Money(m) => Some(Arc::new(move |r| {
                let v = m.eval(r)?;
                r.set(slot, v);
                Some(Done::Next)
            })),
            _ => None,
        };
        if let Some(f) = by_kind {
            return f;
        }
    }
    if let (true, FastKind::Table(t)) = (plain, &kind) {
        let t = t.clone();
        return Arc::new(move |r| {
            t.run(r, &slots)?;
            Some(Done::Next)
        });
    }
    match (&kind, slots.as_slice()) {
        (FastKind::Let(e), &[slot]) if plain => {
            if let Some(t) = e.test_code() {
                return Arc::new(move |r| {
                    let b = t(r)?;
                    r.set(slot, V::boolean(b));
                    Some(Done::Next)
                });
            }
            let e = e.clone();
            return Arc::new(move |r| {
                let v = e.eval(r)?;
                r.set(slot, v);
                Some(Done::Next)
            });
        }
        (
            FastKind::Stop {
                when: stop,
                status,
                reason: because,
            },
            &[slot],
        ) if plain && because.is_empty() => {
            if let Some(t) = stop.test_code() {
                let status = *status;
                return Arc::new(move |r| {
                    if t(r)? {
                        return Some(Done::Stop(status));
                    }
                    r.set(slot, V::boolean(false));
                    Some(Done::Next)
                });
            }
        }
        _ => {}
    }
    Arc::new(move |r| {
        if let Some(w) = &when {
            if !w.truth(r)? {
                for &s in &slots {
                    r.set(s, V::NULL);
                }
                return Some(Done::Next);
            }
        }
        let done = kind.run(r, &slots)?;
        if let Done::Next = done {
            reason.pass(r)?;
        }
        Some(done)
    })
}
