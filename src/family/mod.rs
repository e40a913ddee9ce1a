//! A family: one decision (e.g. `topup`) as an ordered pipeline of named steps, then outputs,
//! flags and reasons, checked at load; `fast` compiles it to the code that decides cases.

use crate::error::{At, LoadError};
use crate::expr::{Expr, Scope, Slot, Template, Type};
use crate::format::{FamilySpec, OutputFormat, OutputKind};
use crate::input::Input;
use crate::steps::{Ctx, Kind, Names};
use std::sync::Arc;

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
    /// For money outputs: what the amount is (an amount paid unless declared).
    kind: Option<OutputKind>,
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
            // The values a step gives come from names before it, so they are known now.
            let domains = kind.domains(&names);
            let mut slots = Vec::new();
            for ((name, ty), domain) in values.iter().zip(&domains) {
                let slot = u32::try_from(*next_slot).unwrap_or(u32::MAX);
                *next_slot += 1;
                names.add(name, slot, ty.clone());
                if matches!(kind, Kind::Money(_)) {
                    names.mark_money(slot);
                }
                if let Some(d) = domain {
                    names.set_domain(name, d.clone());
                }
                slots.push(slot);
            }
            if let (Kind::Table(_), [(_, ty)]) = (&kind, values.as_slice()) {
                names.add(&s.name, slots[0], ty.clone());
                if let [Some(d)] = domains.as_slice() {
                    names.set_domain(&s.name, d.clone());
                }
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
            let kind = match (o.kind, format) {
                (kind, OutputFormat::Money) => Some(kind.unwrap_or(OutputKind::Amount)),
                (None, _) => None,
                (Some(k), f) => {
                    return Err(at.join(&format!("{path}.kind")).invalid(format!(
                        "kind {:?} is for money outputs, and output {:?} is written as {}",
                        k.as_str(),
                        o.name,
                        serde_json::to_value(f)
                            .ok()
                            .and_then(|v| v.as_str().map(String::from))
                            .unwrap_or_default()
                    )))
                }
            };
            outputs.push(OutputDef {
                name: Arc::from(o.name.as_str()),
                label: o.label.clone(),
                expr,
                format,
                kind,
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

    /// Where the family's band is among its outputs: the output named `band`, else its first
    /// text output (an outcome). Batch groups its totals by it; what-if tells results apart by it.
    pub(crate) fn band_output(&self) -> Option<usize> {
        self.outputs
            .iter()
            .position(|o| &*o.name == "band")
            .or_else(|| {
                self.outputs
                    .iter()
                    .position(|o| o.format == OutputFormat::Text)
            })
    }

    /// Each output's name, label (when the rule file gives one) and format, in order.
    pub fn outputs(&self) -> impl Iterator<Item = (&str, Option<&str>, OutputFormat)> {
        self.outputs
            .iter()
            .map(|o| (&*o.name, o.label.as_deref(), o.format))
    }

    /// What each output is when it is money (an amount paid, a rate, a cap or a count), in
    /// order; `None` for outputs that are not money.
    pub fn output_kinds(&self) -> impl Iterator<Item = Option<OutputKind>> + '_ {
        self.outputs.iter().map(|o| o.kind)
    }

    /// The names of the outputs, in order.
    pub fn output_names(&self) -> impl Iterator<Item = &str> {
        self.outputs.iter().map(|o| &*o.name)
    }

    /// The compiled steps, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
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
