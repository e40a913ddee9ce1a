//! Each step as the family loop runs it: a plain `let` by a direct call of its expression's
//! code, any other step as one closure made for its kind, so no step dispatches on its kind.

use super::expr::{FastExpr, TestFn, ValueFn};
use super::steps::{cell, range_label, Checks, FastKind};
use super::{Regs, R, V};
use crate::decision::Status;

/// What a step did: its value(s) are in place, or the family stops with a status.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Done {
    Next,
    Stop(Status),
}

/// A whole step (its condition, kind and reason's checks) as one closure.
pub(crate) type StepFn = Box<dyn Fn(&mut Regs) -> R<Done> + Send + Sync>;

/// A step as the family runs it: a plain `let` calls its expression's code directly; any
/// other step is one closure.
pub(crate) enum StepCode {
    LetTest(u32, TestFn),
    LetValue(u32, ValueFn),
    Run(StepFn),
}

/// How the family loop runs a step. A plain `let` compiled as one closure is called directly;
/// every other step gets one closure made for its kind ([`step_closure`]).
pub(crate) fn step_code(
    when: Option<FastExpr>,
    reason: Checks,
    kind: FastKind,
    slots: Vec<u32>,
) -> StepCode {
    let kind = match (&when, reason.is_empty(), kind, slots.as_slice()) {
        (None, true, FastKind::Let(e), &[slot]) => match e.into_test() {
            Ok(t) => return StepCode::LetTest(slot, t),
            Err(e) => match e.into_value() {
                Ok(f) => return StepCode::LetValue(slot, f),
                Err(e) => FastKind::Let(e),
            },
        },
        (_, _, kind, _) => kind,
    };
    StepCode::Run(step_closure(when, reason, kind, slots))
}

/// One closure for a step: plain steps of one slot get one made for their kind, so a step runs
/// with no dispatch on its kind; the rest run through [`FastKind::run`].
fn step_closure(when: Option<FastExpr>, reason: Checks, kind: FastKind, slots: Vec<u32>) -> StepFn {
    let plain = when.is_none() && reason.is_empty();
    let kind = match (plain, kind, slots.as_slice()) {
        (true, FastKind::Score(s), &[slot]) => return into_slot(slot, move |r| s.eval(r)),
        (
            true,
            FastKind::Ranges {
                of,
                ranges,
                outside,
                shown,
            },
            &[slot],
        ) => return into_slot(slot, move |r| range_label(&of, &ranges, outside, &shown, r)),
        (true, FastKind::Lookup { keys, cells, words }, &[slot]) => {
            return into_slot(slot, move |r| cell(&keys, &cells, words, r))
        }
        (true, FastKind::Money(m), &[slot]) => return into_slot(slot, move |r| m.eval(r)),
        (true, FastKind::Table(t), _) => {
            return Box::new(move |r| {
                t.run(r, &slots)?;
                Ok(Done::Next)
            })
        }
        // A `let` whose code is not a closure of its own: a name or a constant.
        (true, FastKind::Let(e), &[slot]) => return into_slot(slot, move |r| e.eval(r)),
        (
            true,
            FastKind::Stop {
                when: stop,
                status,
                reason: because,
            },
            &[slot],
        ) if because.is_empty() => match stop.into_test() {
            Ok(t) => {
                return Box::new(move |r| {
                    if t(r)? {
                        return Ok(Done::Stop(status));
                    }
                    r.set(slot, V::boolean(false));
                    Ok(Done::Next)
                })
            }
            Err(stop) => FastKind::Stop {
                when: stop,
                status,
                reason: because,
            },
        },
        (_, kind, _) => kind,
    };
    Box::new(move |r| {
        if let Some(w) = &when {
            if !w.truth(r)? {
                for &s in &slots {
                    r.set(s, V::NULL);
                }
                return Ok(Done::Next);
            }
        }
        let done = kind.run(r, &slots)?;
        if let Done::Next = done {
            reason.pass(r)?;
        }
        Ok(done)
    })
}

/// A plain step of one slot: its value, into its slot. Generic, so each kind's closure is
/// compiled with its evaluation inlined (no second call).
fn into_slot(slot: u32, value: impl Fn(&Regs) -> R<V> + Send + Sync + 'static) -> StepFn {
    Box::new(move |r| {
        let v = value(r)?;
        r.set(slot, v);
        Ok(Done::Next)
    })
}
