//! A lean decision: each family's verdict and outputs in reusable buffers, read in place by
//! batch runs, diff and synth, without reasons or a trace (but with why a family stopped).

use super::family::Verdict;
use super::{Given, Program, V};
use crate::decision::Status;
use crate::expr::Value;
use rust_decimal::Decimal;
use std::cell::RefCell;

/// Reusable buffers of lean evaluation, one per worker: nothing is allocated per case once
/// they have grown to the rule set's size.
#[derive(Debug, Default)]
pub struct LeanBuf {
    pub(super) regs: Vec<V>,
    pub(super) wide: RefCell<Vec<Decimal>>,
    pub(super) heap: RefCell<Vec<Value>>,
    /// The program `regs` holds the constants of (0: none yet).
    pub(super) laid_out_for: u64,
    pub(super) families: Vec<FamilyOut>,
}

/// One family's lean result: a verdict and its outputs, or the error in words.
#[derive(Debug, Default)]
pub(super) struct FamilyOut {
    pub(super) verdict: Option<Verdict>,
    pub(super) values: Vec<V>,
    /// The error's reason, `… (step band)`, when the family failed, or the reason of the
    /// stop that gave `error` (then also in `said`).
    pub(super) error: Option<String>,
    /// Why the family decided as it did, when it says (see [`FastFamily::say_why`](super::family::FastFamily::say_why)).
    pub(super) said: String,
}

/// One output value as the batch writes it: text borrowed from the rule set or the case.
#[derive(Debug)]
pub enum OutRef<'a> {
    Text(&'a str),
    Value(&'a Value),
    /// A number, boolean, date, list or null (nothing shared).
    Owned(Value),
}

/// A lean decision in a [`LeanBuf`], read in place.
pub struct Lean<'a> {
    pub(crate) program: &'a Program,
    pub(crate) given: Given<'a>,
    pub(crate) buf: &'a LeanBuf,
}

impl<'a> Lean<'a> {
    /// The status of family `k` (in the rule set's order).
    pub fn status(&self, k: usize) -> Status {
        match self.buf.families.get(k) {
            Some(FamilyOut {
                verdict: Some(v), ..
            }) => v.status,
            _ => Status::Error,
        }
    }

    /// Output `i` of family `k`.
    pub fn output(&self, k: usize, i: usize) -> OutRef<'a> {
        match self.buf.families.get(k) {
            Some(FamilyOut {
                verdict: Some(_), ..
            }) => self
                .program
                .output(k, i, self.buf)
                .map_or(OutRef::Owned(Value::Null), |v| {
                    self.program.cell(v, &self.given, self.buf)
                }),
            _ => OutRef::Owned(Value::Null),
        }
    }

    /// The names of the flags family `k` raised.
    pub fn flags(&self, k: usize) -> impl Iterator<Item = &'a str> {
        let family = match self.buf.families.get(k) {
            Some(FamilyOut {
                verdict: Some(v), ..
            }) => self
                .program
                .lean()
                .and_then(|l| Some((l.families.get(k)?, *v))),
            _ => None,
        };
        family.into_iter().flat_map(|(f, v)| f.raised(v))
    }

    /// Why family `k` is as it is: why it is `error`, `ineligible` or `not_applicable`, or
    /// the reasons of the flags it raised; `None` for an applied family with no flag.
    pub fn reason(&self, k: usize) -> Option<&'a str> {
        let out = self.buf.families.get(k)?;
        match out.verdict {
            Some(_) => Some(out.said.as_str()).filter(|s| !s.is_empty()),
            None => out.error.as_deref(),
        }
    }

    /// True when any family's status is `error`.
    pub fn has_error(&self) -> bool {
        (0..self.buf.families.len()).any(|k| self.status(k) == Status::Error)
    }
}
