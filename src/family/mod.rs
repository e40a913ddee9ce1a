//! A family: one decision (e.g. `topup`) as an ordered pipeline of named steps, then outputs,
//! flags and reasons. Compiled once; evaluated per case into a status, outputs and a trace.

use crate::decision::{Detail, FamilyResult, Output, Status, TraceEntry};
use crate::expr::{Env, EvalError, Expr, Scope, Slot, Template, Type, Value};
use crate::input::Input;
use crate::ruleset::error::{At, LoadError};
use crate::ruleset::format::{FamilySpec, OutputFormat};
use crate::steps::{truth, Ctx, Kind, Names};
use crate::Date;
use std::sync::Arc;

mod case;
pub(crate) use case::evaluate;
use case::CaseEnv;
pub use case::Given;

/// A compiled family.
#[derive(Debug, Clone)]
pub struct Family {
    pub name: Arc<str>,
    pub title: String,
    pub(crate) steps: Vec<Step>,
    pub(crate) outputs: Vec<OutputDef>,
    pub(crate) flags: Vec<FlagDef>,
    pub(crate) reasons: Vec<ReasonDef>,
}

/// A compiled step with its slots.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: Arc<str>,
    /// Where its value goes (a table with several outputs has one slot per output).
    pub(crate) slots: Vec<Slot>,
    pub(crate) when: Option<Expr>,
    pub(crate) reason: Option<Template>,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub(crate) struct OutputDef {
    pub(crate) name: Arc<str>,
    label: Option<String>,
    pub(crate) expr: Expr,
    pub(crate) format: OutputFormat,
}

impl OutputDef {
    /// The output's value for a case; money must already be whole pence (never rounded here).
    fn value(&self, env: &CaseEnv) -> Result<Value, EvalError> {
        let value = self.expr.eval(env)?;
        if let (OutputFormat::Money, Value::Number(n)) = (self.format, &value) {
            if crate::money::to_pence_string(*n).is_none() {
                return Err(EvalError::Other(format!(
                    "{} is {}, which is not a whole number of pence; the rule must declare rounding",
                    self.name,
                    n.normalize()
                )));
            }
        }
        Ok(value)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct FlagDef {
    pub(crate) flag: String,
    pub(crate) when: Expr,
    pub(crate) reason: Template,
}

#[derive(Debug, Clone)]
pub(crate) struct ReasonDef {
    pub(crate) when: Option<Expr>,
    pub(crate) text: Template,
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Family {
    /// Compile a family; its steps take slots from `next_slot` on.
    pub fn compile(
        spec: &FamilySpec,
        base: &Names,
        inputs: &[Input],
        next_slot: &mut usize,
        at: At,
    ) -> Result<Family, LoadError> {
        let mut names = base.clone();
        let mut steps = Vec::new();
        for (i, s) in spec.steps.iter().enumerate() {
            let at_step = at.join(&format!(".steps[{i}]"));
            if !is_identifier(&s.name) {
                return Err(at_step.join(".name").invalid(format!(
                    "{:?} is not a valid step name (letters, digits and _, no dots)",
                    s.name
                )));
            }
            if names.resolve(&s.name).is_some() {
                return Err(at_step.join(".name").invalid(format!(
                    "the name {:?} is already used by an input, a constant or an earlier step",
                    s.name
                )));
            }
            let ctx = Ctx {
                names: &names,
                inputs,
                at: at_step.clone(),
            };
            let when = s
                .when
                .as_deref()
                .map(|w| ctx.typed_expr(w, ".when", &Type::Bool))
                .transpose()?;
            let (kind, values) = Kind::compile(s, &ctx)?;
            let mut slots = Vec::new();
            for (name, ty) in &values {
                let slot = u32::try_from(*next_slot).unwrap_or(u32::MAX);
                *next_slot += 1;
                names.add(name, slot, ty.clone());
                if matches!(kind, Kind::Money(_)) {
                    names.mark_money(slot);
                }
                slots.push(slot);
            }
            if let (Kind::Table(_), [(_, ty)]) = (&kind, values.as_slice()) {
                names.add(&s.name, slots[0], ty.clone());
            }
            // The step's own reason may mention the step's value, so it compiles after it.
            let ctx = Ctx {
                names: &names,
                inputs,
                at: at_step,
            };
            let reason = s
                .reason
                .as_deref()
                .map(|r| ctx.template(r, ".reason"))
                .transpose()?;
            steps.push(Step {
                name: Arc::from(s.name.as_str()),
                slots,
                when,
                reason,
                kind,
            });
        }
        let ctx = Ctx {
            names: &names,
            inputs,
            at: at.clone(),
        };
        let mut outputs: Vec<OutputDef> = Vec::new();
        for (i, o) in spec.outputs.iter().enumerate() {
            let path = format!(".outputs[{i}]");
            if outputs.iter().any(|x| *x.name == *o.name) {
                return Err(at
                    .join(&path)
                    .invalid(format!("output {:?} is declared twice", o.name)));
            }
            let expr = ctx.expr(&o.value, &format!("{path}.value"))?;
            let format = match o.format {
                Some(f) => {
                    if f == OutputFormat::Money
                        && !expr.ty().is_numeric()
                        && *expr.ty() != Type::Null
                    {
                        return Err(at.join(&path).invalid(format!(
                            "{:?} gives {}, which cannot be written as money",
                            o.value,
                            expr.ty()
                        )));
                    }
                    f
                }
                None => infer_format(&expr, &names),
            };
            outputs.push(OutputDef {
                name: Arc::from(o.name.as_str()),
                label: o.label.clone(),
                expr,
                format,
            });
        }
        let mut flags = Vec::new();
        for (i, f) in spec.flags.iter().enumerate() {
            flags.push(FlagDef {
                flag: f.flag.clone(),
                when: ctx.typed_expr(&f.when, &format!(".flags[{i}].when"), &Type::Bool)?,
                reason: ctx.template(&f.reason, &format!(".flags[{i}].reason"))?,
            });
        }
        let mut reasons = Vec::new();
        for (i, r) in spec.reasons.iter().enumerate() {
            reasons.push(ReasonDef {
                when: r
                    .when
                    .as_deref()
                    .map(|w| ctx.typed_expr(w, &format!(".reasons[{i}].when"), &Type::Bool))
                    .transpose()?,
                text: ctx.template(&r.text, &format!(".reasons[{i}].text"))?,
            });
        }
        Ok(Family {
            name: Arc::from(spec.name.as_str()),
            title: spec.title.clone(),
            steps,
            outputs,
            flags,
            reasons,
        })
    }

    /// The label of an output for people, when the rule file gives one.
    pub fn output_label(&self, name: &str) -> Option<&str> {
        self.outputs
            .iter()
            .find(|o| &*o.name == name)
            .and_then(|o| o.label.as_deref())
    }

    /// Each output's name, label (when the rule file gives one) and format, in order.
    pub fn outputs(&self) -> impl Iterator<Item = (&str, Option<&str>, OutputFormat)> {
        self.outputs
            .iter()
            .map(|o| (&*o.name, o.label.as_deref(), o.format))
    }

    /// The names of the outputs, in order.
    pub fn output_names(&self) -> impl Iterator<Item = &str> {
        self.outputs.iter().map(|o| &*o.name)
    }

    /// The outputs after a stop: what the steps run so far can give; the rest (steps that did
    /// not run hold no value) and anything that cannot be computed are null.
    fn outputs_so_far(&self, env: &CaseEnv) -> Vec<Output> {
        self.outputs
            .iter()
            .map(|o| {
                let value = o.value(env).unwrap_or(Value::Null);
                Output {
                    name: o.name.clone(),
                    value,
                    format: o.format,
                }
            })
            .collect()
    }

    /// The compiled steps, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Run the pipeline for one case: `given` holds the inputs and constants, read in place, and
    /// `steps` receives each step's value. `explain` false leaves out reasons and trace (and the
    /// work of building them) but gives the same status, outputs and flags.
    pub fn evaluate(
        &self,
        given: Given<'_>,
        steps: &mut [Value],
        on: Date,
        explain: bool,
    ) -> FamilyResult {
        self.evaluate_watched(given, steps, on, explain, &mut ())
    }

    /// `evaluate`, telling `watch` about each step just before it runs (lint uses it to see
    /// which table rows match and which lookup cells are asked for).
    pub(crate) fn evaluate_watched<W: Watch>(
        &self,
        given: Given<'_>,
        steps: &mut [Value],
        on: Date,
        explain: bool,
        watch: &mut W,
    ) -> FamilyResult {
        let mut run = Run {
            family: self,
            reasons: Vec::new(),
            trace: Vec::new(),
            explain,
        };
        for (index, step) in self.steps.iter().enumerate() {
            let env = CaseEnv {
                given,
                steps,
                on,
                explain,
            };
            if let Some(when) = &step.when {
                match truth(when, &env) {
                    Ok(true) => {}
                    Ok(false) => {
                        for &s in &step.slots {
                            given.set(steps, s, Value::Null);
                        }
                        run.push_trace(step, Value::Null, Detail::Skipped);
                        continue;
                    }
                    Err(e) => return run.fail(step, e),
                }
            }
            watch.before(index, &env);
            let outcome = match step.kind.eval(&env) {
                Ok(o) => o,
                Err(e) => return run.fail(step, e),
            };
            run.reasons.extend(outcome.reasons);
            if let Kind::Stop(stop) = &step.kind {
                if outcome.value == Value::Bool(true) {
                    run.push_trace(step, outcome.value, outcome.detail);
                    let outputs = self.outputs_so_far(&CaseEnv {
                        given,
                        steps,
                        on,
                        explain,
                    });
                    return run.finish(stop.status, outputs, Vec::new());
                }
            }
            let mut more = outcome.more.into_iter();
            for (k, &s) in step.slots.iter().enumerate() {
                let value = if k == 0 {
                    outcome.value.clone()
                } else {
                    more.next().unwrap_or(Value::Null)
                };
                given.set(steps, s, value);
            }
            run.push_trace(step, outcome.value, outcome.detail);
            if let Some(reason) = &step.reason {
                let env = CaseEnv {
                    given,
                    steps,
                    on,
                    explain,
                };
                match reason.reason(&env) {
                    Ok(text) => run.reasons.extend(text),
                    Err(e) => return run.fail(step, e),
                }
            }
        }
        let env = CaseEnv {
            given,
            steps,
            on,
            explain,
        };
        let mut outputs = Vec::with_capacity(self.outputs.len());
        for o in &self.outputs {
            let value = match o.value(&env) {
                Ok(v) => v,
                Err(e) => return run.fail_at(&format!("output {}", o.name), e),
            };
            outputs.push(Output {
                name: o.name.clone(),
                value,
                format: o.format,
            });
        }
        let mut flags = Vec::new();
        for f in &self.flags {
            match truth(&f.when, &env) {
                Ok(false) => {}
                Ok(true) => match f.reason.reason(&env) {
                    Ok(text) => {
                        flags.push(f.flag.clone());
                        run.reasons.extend(text);
                    }
                    Err(e) => return run.fail_at(&format!("flag {}", f.flag), e),
                },
                Err(e) => return run.fail_at(&format!("flag {}", f.flag), e),
            }
        }
        for r in &self.reasons {
            let holds = match &r.when {
                None => Ok(true),
                Some(w) => truth(w, &env),
            };
            match holds.and_then(|h| if h { r.text.reason(&env) } else { Ok(None) }) {
                Ok(Some(text)) => run.reasons.push(text),
                Ok(None) => {}
                Err(e) => return run.fail_at("reasons", e),
            }
        }
        run.finish(Status::Applied, outputs, flags)
    }
}

/// Sees each step of a case just before it runs, with the values so far.
pub(crate) trait Watch {
    fn before(&mut self, step: usize, env: &dyn Env);
}

/// Evaluation for its result alone: nothing watches.
impl Watch for () {
    #[inline(always)]
    fn before(&mut self, _: usize, _: &dyn Env) {}
}

/// The result being built for one family and case.
struct Run<'a> {
    family: &'a Family,
    reasons: Vec<String>,
    trace: Vec<TraceEntry>,
    explain: bool,
}

impl Run<'_> {
    fn push_trace(&mut self, step: &Step, value: Value, detail: Detail) {
        if self.explain {
            self.trace.push(TraceEntry {
                step: step.name.clone(),
                kind: step.kind.name(),
                value,
                detail,
            });
        }
    }

    fn fail(self, step: &Step, e: EvalError) -> FamilyResult {
        let at = format!("step {}", step.name);
        self.fail_at(&at, e)
    }

    fn fail_at(mut self, at: &str, e: EvalError) -> FamilyResult {
        // Even without explanations, an error says what went wrong: it is the only way to know.
        self.reasons.push(format!("{e} ({at})"));
        self.finish(Status::Error, Vec::new(), Vec::new())
    }

    /// Outputs not given (an error) are all present as null.
    fn finish(self, status: Status, mut outputs: Vec<Output>, flags: Vec<String>) -> FamilyResult {
        if outputs.is_empty() {
            outputs = self
                .family
                .outputs
                .iter()
                .map(|o| Output {
                    name: o.name.clone(),
                    value: Value::Null,
                    format: o.format,
                })
                .collect();
        }
        FamilyResult {
            family: self.family.name.clone(),
            status,
            outputs,
            flags,
            reasons: self.reasons,
            trace: self.trace,
        }
    }
}

fn infer_format(expr: &Expr, names: &Names) -> OutputFormat {
    if expr.as_name().is_some_and(|n| names.is_money(n)) {
        return OutputFormat::Money;
    }
    match expr.ty() {
        Type::Integer => OutputFormat::Integer,
        Type::Number => OutputFormat::Decimal,
        Type::Bool => OutputFormat::Boolean,
        Type::Date => OutputFormat::Date,
        Type::List(_) => OutputFormat::List,
        Type::Text | Type::Null | Type::Any => OutputFormat::Text,
    }
}
