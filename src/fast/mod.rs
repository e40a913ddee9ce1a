//! Evaluation: each family compiled once to typed code over a flat array of copyable values,
//! which decides every case (its status, outputs and flags, or an error in words). Batch runs
//! read its result in place; full decisions come from the same code (`explain`).

mod explain;
pub(crate) mod expr;
mod family;
mod lean;
mod money;
mod num;
mod regs;
mod step_code;
mod steps;
mod table;
mod value;

use crate::decision::{Decision, FamilyResult, Output, RuleSetStamp, Status};
use crate::expr::Value;
use crate::format::InputKind;
use crate::input::Input;
use crate::profile::Facts;
use crate::Date;
pub(crate) use explain::Watch;
use family::FastFamily;
use lean::FamilyOut;
pub use lean::{Lean, LeanBuf, OutRef};
pub(crate) use num::{Op, N};
pub(crate) use regs::{bad, division_by_zero, no_value, other, overflow, Fail, Given, Regs, R};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::Arc;
use std::sync::OnceLock;
use value::InputCodes;
pub(crate) use value::{Day, Ref, Syms, V};

/// What compiling a rule set builds up: the interned texts, the slots read, and constants
/// that are not held in place (lists, and numbers too wide).
#[derive(Default)]
pub(crate) struct Compile {
    pub syms: Syms,
    /// Which slots compiled code reads (inputs not read are not converted per case).
    pub read: Vec<bool>,
    /// Constant lists, the first values of every case's heap.
    pub pool: Vec<Value>,
    /// Constant numbers too wide to hold in place, the first of every case's wide numbers.
    pub wide: Vec<Decimal>,
}

impl Compile {
    /// Note that compiled code reads `slot`.
    pub fn reads(&mut self, slot: u32) {
        if let Some(r) = self.read.get_mut(slot as usize) {
            *r = true;
        }
    }

    /// A constant as a compiled value (`None` only past four billion texts or lists).
    pub fn constant(&mut self, v: &Value) -> Option<V> {
        Some(match v {
            Value::Number(n) => self.number(*n),
            Value::List(_) => {
                self.pool.push(v.clone());
                V::boxed(u32::try_from(self.pool.len() - 1).ok()?)
            }
            other => self.syms.constant(other)?,
        })
    }

    /// A constant number: in place when it fits, else among the wide constants.
    pub fn number(&mut self, n: Decimal) -> V {
        match N::of(n) {
            Some(n) => n.into(),
            None => {
                self.wide.push(n);
                V::wide(u32::try_from(self.wide.len() - 1).unwrap_or(u32::MAX))
            }
        }
    }
}

/// A rule set compiled: interned texts, the constants, and each family's compiled form.
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
    /// Constant lists: every case's first heap values.
    pool: Vec<Value>,
    /// The rule set's constants as values (where opaque constants are read).
    constant_values: Vec<Value>,
    /// The checked families this program was compiled from (the lean form compiles from
    /// them on first use; decisions name their outputs and flags).
    families: Vec<crate::family::Family>,
    /// What every decision says of the rule set.
    stamp: Arc<RuleSetStamp>,
    /// Each family compiled for full decisions (reasons and trace).
    explained: Vec<explain::ExplainFamily>,
    /// Each family compiled for lean runs, on first use: a host that only explains (the
    /// form) never builds them, nor carries their code.
    lean: OnceLock<Option<LeanForm>>,
    slot_count: usize,
}

/// The families compiled for lean runs, with the constants that compiling them added.
#[derive(Debug)]
struct LeanForm {
    families: Vec<FastFamily>,
    pool: Vec<Value>,
    wide: Vec<Decimal>,
}

impl Program {
    /// Compile the families of a rule set that has just been checked (`None` only when a
    /// family cannot be: more than 64 flags, or past four billion constants).
    pub fn compile(
        inputs: &[Input],
        constants: &[Value],
        families: &[crate::family::Family],
        slot_count: usize,
        stamp: Arc<RuleSetStamp>,
    ) -> Option<Program> {
        let constant_values = constants.to_vec();
        let mut cx = Compile {
            read: vec![false; slot_count],
            ..Compile::default()
        };
        let codes = InputCodes::new(inputs, &mut cx.syms);
        let constants = constants
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                // A rule set's constant list is read where it lies, like an input's text.
                Value::List(_) => Some(V::opaque(
                    u32::try_from(inputs.len() + i).unwrap_or(u32::MAX),
                )),
                c => cx.constant(c),
            })
            .collect::<Option<Vec<V>>>()?;
        let explained = families
            .iter()
            .map(|f| explain::ExplainFamily::compile(f, &mut cx))
            .collect::<Option<Vec<_>>>()?;
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
        Some(Program {
            syms: cx.syms,
            codes,
            inputs: inputs.len(),
            read_numbers,
            read_enums,
            read_others,
            id: PROGRAMS.fetch_add(1, AtomicOrdering::Relaxed),
            constants,
            wide_constants: cx.wide,
            pool: cx.pool,
            constant_values,
            families: families.to_vec(),
            stamp,
            explained,
            lean: OnceLock::new(),
            slot_count,
        })
    }

    /// The checked families, in the rule set's order.
    pub fn families(&self) -> &[crate::family::Family] {
        &self.families
    }

    /// What a case starts with: its inputs and the rule set's constants.
    pub fn given<'a>(&'a self, facts: &'a Facts) -> Given<'a> {
        Given {
            inputs: facts.values(),
            constants: &self.constant_values,
        }
    }

    /// The lean form, compiled on first use from the same checked families and constants.
    fn lean(&self) -> Option<&LeanForm> {
        self.lean
            .get_or_init(|| {
                let mut cx = Compile {
                    syms: self.syms.clone(),
                    read: vec![false; self.slot_count],
                    pool: self.pool.clone(),
                    wide: self.wide_constants.clone(),
                };
                let families = self
                    .families
                    .iter()
                    .map(|f| FastFamily::compile(f, &mut cx))
                    .collect::<Option<Vec<_>>>()?;
                // The same expressions intern no text the full form has not.
                (cx.syms.len() == self.syms.len()).then_some(LeanForm {
                    families,
                    pool: cx.pool,
                    wide: cx.wide,
                })
            })
            .as_ref()
    }

    /// Evaluate every family without reasons or trace into `buf`.
    pub fn run(&self, facts: &Facts, on: Date, buf: &mut LeanBuf) {
        let Some(lean) = self.lean() else {
            buf.families.clear();
            buf.families.resize_with(self.families.len(), || FamilyOut {
                error: Some("the rules could not be compiled for a lean run".to_string()),
                ..FamilyOut::default()
            });
            return;
        };
        self.load(facts.values(), buf, &lean.pool, &lean.wide);
        let given = self.given(facts);
        buf.families
            .resize_with(lean.families.len(), FamilyOut::default);
        for (ff, slot) in lean.families.iter().zip(&mut buf.families) {
            let mut r = Regs {
                v: &mut buf.regs,
                on,
                syms: &self.syms,
                wide: &buf.wide,
                given,
                heap: &buf.heap,
            };
            match ff.run(&mut r, &mut slot.values) {
                Ok(v) => {
                    slot.verdict = Some(v);
                    ff.say_why(&r, v, &mut slot.said);
                    // A stop that gives `error` says why even in a lean decision's reasons.
                    slot.error = (v.status == Status::Error).then(|| slot.said.clone());
                }
                Err(failure) => {
                    slot.verdict = None;
                    // Even without explanations, an error says what went wrong.
                    slot.error = Some(format!("{} ({})", failure.error, ff.place(failure.at)));
                }
            }
        }
    }

    /// The full decision, with reasons and trace.
    pub fn explain(&self, facts: &Facts, on: Date) -> Decision {
        thread_local! {
            // Registers laid out once per thread, not per decision.
            static BUF: RefCell<LeanBuf> = RefCell::new(LeanBuf::default());
        }
        BUF.with(|buf| match buf.try_borrow_mut() {
            Ok(mut buf) => self.explain_in(facts, on, &mut buf),
            Err(_) => self.explain_in(facts, on, &mut LeanBuf::default()),
        })
    }

    fn explain_in(&self, facts: &Facts, on: Date, buf: &mut LeanBuf) -> Decision {
        self.load(facts.values(), buf, &self.pool, &self.wide_constants);
        let given = self.given(facts);
        let results = self
            .explained
            .iter()
            .map(|f| {
                let mut r = Regs {
                    v: &mut buf.regs,
                    on,
                    syms: &self.syms,
                    wide: &buf.wide,
                    given,
                    heap: &buf.heap,
                };
                f.run(&mut r)
            })
            .collect();
        Decision {
            case_id: facts.case_id.clone(),
            on,
            ruleset: self.stamp.clone(),
            results,
        }
    }

    /// Family `k`'s full decision for inputs that lint explores (by slot, valid as a checked
    /// profile's are), `watch` told what its tables and lookups see.
    pub(crate) fn explore<W: explain::Watch>(
        &self,
        k: usize,
        inputs: &[Value],
        on: Date,
        buf: &mut LeanBuf,
        watch: &mut W,
    ) -> Option<FamilyResult> {
        let family = self.explained.get(k)?;
        self.load(inputs, buf, &self.pool, &self.wide_constants);
        let mut r = Regs {
            v: &mut buf.regs,
            on,
            syms: &self.syms,
            wide: &buf.wide,
            given: Given {
                inputs,
                constants: &self.constant_values,
            },
            heap: &buf.heap,
        };
        Some(family.run_watched(&mut r, watch))
    }

    /// A case's inputs into the registers, the constants laid out once per buffer.
    fn load(
        &self,
        values: &[Value],
        buf: &mut LeanBuf,
        pool: &[Value],
        wide_constants: &[Decimal],
    ) {
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
        wide.extend_from_slice(wide_constants);
        let heap = buf.heap.get_mut();
        heap.clear();
        if !pool.is_empty() {
            heap.extend_from_slice(pool);
        }
        for &i in &self.read_numbers {
            if let (Some(place), Some(v)) = (regs.get_mut(i), values.get(i)) {
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
            if let (Some(place), Some(v)) = (regs.get_mut(i), values.get(i)) {
                *place = match v {
                    Value::Text(t) => self.codes.label(i, t),
                    Value::Null => Some(V::NULL),
                    _ => None,
                }
                .unwrap_or_else(|| self.codes.code(i, v, &self.syms, wide));
            }
        }
        for &i in &self.read_others {
            if let (Some(place), Some(v)) = (regs.get_mut(i), values.get(i)) {
                *place = self.codes.code(i, v, &self.syms, wide);
            }
        }
    }

    /// `run`, as a decision.
    pub fn evaluate(&self, facts: &Facts, on: Date) -> Decision {
        let mut buf = LeanBuf::default();
        self.run(facts, on, &mut buf);
        let given = self.given(facts);
        let outs = std::mem::take(&mut buf.families);
        let results = self
            .families
            .iter()
            .zip(outs)
            .enumerate()
            .map(|(k, (f, out))| {
                let null_outputs = || {
                    f.outputs
                        .iter()
                        .map(|o| Output {
                            name: o.name.clone(),
                            value: Value::Null,
                            format: o.format,
                        })
                        .collect()
                };
                match out.verdict {
                    None => FamilyResult {
                        family: f.name.clone(),
                        status: Status::Error,
                        outputs: null_outputs(),
                        flags: Vec::new(),
                        reasons: out.error.into_iter().collect(),
                        trace: Vec::new(),
                    },
                    Some(v) => FamilyResult {
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
                        reasons: out.error.into_iter().collect(),
                        trace: Vec::new(),
                    },
                }
            })
            .collect();
        Decision {
            case_id: facts.case_id.clone(),
            on,
            ruleset: self.stamp.clone(),
            results,
        }
    }

    /// Output `i` of family `k` after a run into `buf`.
    fn output(&self, k: usize, i: usize, buf: &LeanBuf) -> Option<V> {
        let values = &buf.families.get(k)?.values;
        self.output_in(k, i, values, buf)
    }

    /// Output `i` of family `k`: in place in the registers, or in `values`.
    fn output_in(&self, k: usize, i: usize, values: &[V], buf: &LeanBuf) -> Option<V> {
        match self.lean.get()?.as_ref()?.families.get(k)?.output_slots() {
            Some(slots) => buf.regs.get(*slots.get(i)? as usize).copied(),
            None => values.get(i).copied(),
        }
    }

    /// An output as the batch writes it, text borrowed rather than shared.
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
        match v.view() {
            Ref::Opaque(slot) => regs::opaque_in(given, slot),
            _ => None,
        }
    }

    /// A compiled value as the decision shows it.
    fn value(&self, v: V, given: &Given, buf: &LeanBuf) -> Value {
        regs::value_of(v, &self.syms, given, &buf.wide, &buf.heap)
    }
}
