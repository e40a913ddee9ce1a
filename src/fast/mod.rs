//! The compiled tier of lean evaluation (batch runs): each family compiled once more, to typed
//! code over a flat array of copyable values. It decides almost every case; any case it cannot
//! decide exactly (an error to word, a list, a text only the interpreter holds) goes to the
//! interpreter, which stays the reference. `tests/compiled.rs` holds the two to the same answers.

mod family;
mod money;
mod num;
mod step_code;
mod steps;
mod table;
mod value;

use crate::decision::{Decision, FamilyResult, Output};
use crate::expr::Value;
use crate::family::Given;
use crate::input::Input;
use crate::profile::Facts;
use crate::ruleset::format::InputKind;
use crate::ruleset::RuleSet;
use crate::Date;
use family::{FastFamily, Verdict};
pub(crate) use num::{Op, N};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use value::same;
use value::InputCodes;
pub(crate) use value::{Day, Ref, Syms, V};

/// One case's values during a compiled run: inputs, then constants, then step values.
pub(crate) struct Regs<'a> {
    pub v: &'a mut [V],
    pub on: Date,
    pub syms: &'a Syms,
    /// The case's numbers too wide to hold in place ([`V::wide`], [`Ref::Wide`]); only pushed to.
    pub wide: &'a RefCell<Vec<Decimal>>,
}

impl Regs<'_> {
    /// The value in a slot (`None` only for a slot that does not exist).
    #[inline]
    pub fn at(&self, slot: u32) -> Option<V> {
        self.v.get(slot as usize).copied()
    }

    /// The truth of the value in a slot; a value that is not true or false fails.
    #[inline]
    pub fn boolean(&self, slot: u32) -> Option<bool> {
        self.at(slot)?.truth()
    }

    /// Store a step's value.
    pub fn set(&mut self, slot: u32, value: V) {
        if let Some(place) = self.v.get_mut(slot as usize) {
            *place = value;
        }
    }
}

/// What compiling a rule set for the tier builds up: the interned texts, and the slots read.
pub(crate) struct Compile {
    pub syms: Syms,
    /// Which slots compiled code reads (inputs not read are not converted per case).
    pub read: Vec<bool>,
}

impl Compile {
    /// Note that compiled code reads `slot`.
    pub fn reads(&mut self, slot: u32) {
        if let Some(r) = self.read.get_mut(slot as usize) {
            *r = true;
        }
    }
}

/// A rule set's compiled tier: interned texts, the constants, and each family's compiled form
/// (`None` for a family that uses something only the interpreter does).
#[derive(Debug)]
pub(crate) struct Program {
    syms: Syms,
    codes: InputCodes,
    inputs: usize,
    /// The number inputs compiled code reads, converted per case by a loop of their own.
    read_numbers: Vec<usize>,
    /// The enum inputs compiled code reads.
    read_enums: Vec<usize>,
    /// The other inputs compiled code reads; inputs it does not read are never converted.
    read_others: Vec<usize>,
    /// Which program a [`LeanBuf`]'s registers were laid out for.
    id: u64,
    constants: Vec<V>,
    /// Constants too wide to hold in place: every case's first wide numbers.
    wide_constants: Vec<Decimal>,
    families: Vec<Option<FastFamily>>,
    slot_count: usize,
}

/// Reusable buffers of lean evaluation, one per worker: nothing is allocated per case once
/// they have grown to the rule set's size.
#[derive(Debug, Default)]
pub struct LeanBuf {
    regs: Vec<V>,
    wide: RefCell<Vec<Decimal>>,
    /// The program `regs` holds the constants of (0: none yet).
    laid_out_for: u64,
    steps: Vec<Value>,
    families: Vec<FamilyOut>,
}

/// One family's lean result: compiled (a verdict and compiled outputs) or the interpreter's.
#[derive(Debug, Default)]
struct FamilyOut {
    verdict: Option<family::Verdict>,
    values: Vec<V>,
    interpreted: Option<FamilyResult>,
}

/// One output value as the batch writes it: text borrowed from the rule set or the case.
#[derive(Debug)]
pub enum OutRef<'a> {
    Text(&'a str),
    Value(&'a Value),
    /// A number, boolean, date or null (nothing shared).
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
    pub fn status(&self, k: usize) -> crate::decision::Status {
        match self.buf.families.get(k) {
            Some(FamilyOut {
                interpreted: Some(r),
                ..
            }) => r.status,
            Some(FamilyOut {
                verdict: Some(v), ..
            }) => v.status,
            _ => crate::decision::Status::Error,
        }
    }

    /// Output `i` of family `k`.
    pub fn output(&self, k: usize, i: usize) -> OutRef<'a> {
        match self.buf.families.get(k) {
            Some(FamilyOut {
                interpreted: Some(r),
                ..
            }) => r
                .outputs
                .get(i)
                .map_or(OutRef::Owned(Value::Null), |o| OutRef::Value(&o.value)),
            Some(_) => self
                .program
                .output(k, i, self.buf)
                .map_or(OutRef::Owned(Value::Null), |v| {
                    self.program.cell(v, &self.given, self.buf)
                }),
            None => OutRef::Owned(Value::Null),
        }
    }

    /// True when any family's status is `error`.
    pub fn has_error(&self) -> bool {
        (0..self.buf.families.len()).any(|k| self.status(k) == crate::decision::Status::Error)
    }
}

/// How one case was decided: by the compiled tier for how many of its families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiers {
    pub compiled: usize,
    pub interpreted: usize,
}

impl Program {
    /// Compile the families of a rule set that has just been compiled for the interpreter.
    pub fn compile(
        inputs: &[Input],
        constants: &[Value],
        families: &[crate::family::Family],
        slot_count: usize,
    ) -> Program {
        let mut cx = Compile {
            syms: Syms::default(),
            read: vec![false; slot_count],
        };
        let codes = InputCodes::new(inputs, &mut cx.syms);
        let mut wide_constants = Vec::new();
        let constants = constants
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let slot = u32::try_from(inputs.len() + i).unwrap_or(u32::MAX);
                cx.syms.constant(c).unwrap_or_else(|| match c {
                    Value::Number(_) => codes.code(0, c, &cx.syms, &mut wide_constants),
                    _ => V::opaque(slot),
                })
            })
            .collect();
        let families = families
            .iter()
            .map(|f| FastFamily::compile(f, &mut cx))
            .collect();
        let read: Vec<usize> = (0..inputs.len())
            .filter(|&i| cx.read.get(i).copied().unwrap_or(true))
            .collect();
        let of_kind = |kinds: &[InputKind]| -> Vec<usize> {
            read.iter()
                .copied()
                .filter(|&i| inputs.get(i).is_some_and(|x| kinds.contains(&x.kind)))
                .collect()
        };
        let read_numbers = of_kind(&[InputKind::Integer, InputKind::Decimal, InputKind::Money]);
        let read_enums = of_kind(&[InputKind::Enum]);
        let read_others = read
            .iter()
            .copied()
            .filter(|i| !read_numbers.contains(i) && !read_enums.contains(i))
            .collect();
        static PROGRAMS: AtomicU64 = AtomicU64::new(1);
        Program {
            syms: cx.syms,
            codes,
            inputs: inputs.len(),
            read_numbers,
            read_enums,
            read_others,
            id: PROGRAMS.fetch_add(1, AtomicOrdering::Relaxed),
            constants,
            wide_constants,
            families,
            slot_count,
        }
    }

    /// Evaluate every family without reasons or trace into `buf`: compiled where it can be,
    /// else by the interpreter, family by family.
    pub fn run(&self, rules: &RuleSet, facts: &Facts, on: Date, buf: &mut LeanBuf) -> Tiers {
        let regs = &mut buf.regs;
        if buf.laid_out_for != self.id {
            // Inputs no compiled code reads stay null, constants are written once, and each
            // family writes (or nulls) its own step slots before anything reads them.
            regs.clear();
            regs.resize(self.inputs, V::NULL);
            regs.extend_from_slice(&self.constants);
            regs.resize(self.slot_count.max(regs.len()), V::NULL);
            buf.laid_out_for = self.id;
        }
        let wide = buf.wide.get_mut();
        wide.clear();
        wide.extend_from_slice(&self.wide_constants);
        for &i in &self.read_numbers {
            if let (Some(place), Some(v)) = (regs.get_mut(i), facts.values.get(i)) {
                // A number not given is common (early years inputs at school age).
                *place = match v {
                    Value::Number(n) => match N::of(*n) {
                        Some(n) => n.into(),
                        None => self.codes.code(i, v, &self.syms, wide),
                    },
                    Value::Null => V::NULL,
                    _ => self.codes.code(i, v, &self.syms, wide),
                };
            }
        }
        for &i in &self.read_enums {
            if let (Some(place), Some(v)) = (regs.get_mut(i), facts.values.get(i)) {
                *place = match v {
                    Value::Text(t) => self.codes.label(i, t),
                    Value::Null => Some(V::NULL),
                    _ => None,
                }
                .unwrap_or_else(|| self.codes.code(i, v, &self.syms, wide));
            }
        }
        for &i in &self.read_others {
            if let (Some(place), Some(v)) = (regs.get_mut(i), facts.values.get(i)) {
                *place = self.codes.code(i, v, &self.syms, wide);
            }
        }
        let given = Given::of(rules, facts);
        let families = rules.families();
        buf.families.resize_with(families.len(), FamilyOut::default);
        let mut steps_ready = false;
        let mut tiers = Tiers {
            compiled: 0,
            interpreted: 0,
        };
        for (k, (f, slot)) in families.iter().zip(&mut buf.families).enumerate() {
            let mut r = Regs {
                v: regs,
                on,
                syms: &self.syms,
                wide: &buf.wide,
            };
            if slot.interpreted.is_some() {
                slot.interpreted = None;
            }
            slot.verdict = self
                .families
                .get(k)
                .and_then(Option::as_ref)
                .and_then(|ff| ff.run(&mut r, &mut slot.values));
            if slot.verdict.is_some() {
                tiers.compiled += 1;
                continue;
            }
            tiers.interpreted += 1;
            if !steps_ready {
                // The interpreter reads only its own family's step values, which it writes
                // before reading: a buffer of nulls per case is all it needs.
                buf.steps.clear();
                buf.steps.resize(
                    self.slot_count.saturating_sub(given.steps_from()),
                    Value::Null,
                );
                steps_ready = true;
            }
            slot.interpreted = Some(f.evaluate(given, &mut buf.steps, on, false));
        }
        tiers
    }

    /// `run`, as a decision (the interpreter's lean decision, exactly).
    pub fn evaluate(&self, rules: &RuleSet, facts: &Facts, on: Date) -> (Decision, Tiers) {
        let mut buf = LeanBuf::default();
        let tiers = self.run(rules, facts, on, &mut buf);
        let given = Given::of(rules, facts);
        let outs = std::mem::take(&mut buf.families);
        let results = rules
            .families()
            .iter()
            .zip(outs)
            .enumerate()
            .map(|(k, (f, out))| match (out.interpreted, out.verdict) {
                (Some(result), _) => result,
                (None, v) => {
                    let v = v.unwrap_or(Verdict {
                        status: crate::decision::Status::Error,
                        flags: 0,
                    });
                    FamilyResult {
                        family: f.name.clone(),
                        status: v.status,
                        outputs: f
                            .outputs
                            .iter()
                            .enumerate()
                            .map(|(i, o)| Output {
                                name: o.name.clone(),
                                value: self
                                    .output_in(k, i, &out.values, &buf)
                                    .map_or(Value::Null, |v| self.value(v, &given, &buf)),
                                format: o.format,
                            })
                            .collect(),
                        flags: f
                            .flags
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| v.flags & (1 << i) != 0)
                            .map(|(_, x)| x.flag.clone())
                            .collect(),
                        reasons: Vec::new(),
                        trace: Vec::new(),
                    }
                }
            })
            .collect();
        let decision = Decision {
            case_id: facts.case_id.clone(),
            on,
            ruleset: rules.stamp(),
            results,
        };
        (decision, tiers)
    }

    /// Output `i` of compiled family `k` after a run into `buf`.
    fn output(&self, k: usize, i: usize, buf: &LeanBuf) -> Option<V> {
        let values = &buf.families.get(k)?.values;
        self.output_in(k, i, values, buf)
    }

    /// Output `i` of compiled family `k`: in place in the registers, or in `values`.
    fn output_in(&self, k: usize, i: usize, values: &[V], buf: &LeanBuf) -> Option<V> {
        match self.families.get(k)?.as_ref()?.output_slots() {
            Some(slots) => buf.regs.get(*slots.get(i)? as usize).copied(),
            None => values.get(i).copied(),
        }
    }

    /// A compiled output as the batch writes it, text borrowed rather than shared.
    pub(crate) fn cell<'a>(&'a self, v: V, given: &Given<'a>, buf: &LeanBuf) -> OutRef<'a> {
        match v.view() {
            Ref::Text(id) => self
                .syms
                .text(id)
                .map_or(OutRef::Owned(Value::Null), |t| OutRef::Text(t)),
            Ref::Opaque(_) => match self.opaque(v, given) {
                Some(r) => OutRef::Value(r),
                None => OutRef::Owned(Value::Null),
            },
            _ => OutRef::Owned(self.value(v, given, buf)),
        }
    }

    fn opaque<'a>(&self, v: V, given: &Given<'a>) -> Option<&'a Value> {
        let Ref::Opaque(slot) = v.view() else {
            return None;
        };
        let s = slot as usize;
        if s < self.inputs {
            given.inputs.get(s)
        } else {
            given.constants.get(s - self.inputs)
        }
    }

    /// The interpreter's value for a compiled one.
    fn value(&self, v: V, given: &Given, buf: &LeanBuf) -> Value {
        match v.view() {
            Ref::Null => Value::Null,
            Ref::Num(n) => Value::Number(n.dec()),
            Ref::Wide(i) => buf
                .wide
                .try_borrow()
                .ok()
                .and_then(|w| w.get(i as usize).copied())
                .map_or(Value::Null, Value::Number),
            Ref::Bool(b) => Value::Bool(b),
            Ref::Date(d) => d.date().map_or(Value::Null, Value::Date),
            Ref::Text(id) => self
                .syms
                .text(id)
                .map_or(Value::Null, |t| Value::Text(t.clone())),
            Ref::Opaque(_) => self.opaque(v, given).cloned().unwrap_or(Value::Null),
        }
    }
}
