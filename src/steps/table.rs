//! The `table` step: a decision table with the DMN hit policies. Rows test named values (as a
//! boolean expression, or one cell per table input) and give outputs.

use super::Ctx;
use crate::error::LoadError;
use crate::expr::{Expr, Template, Type, Value};
use crate::format::{HitPolicy, TableSpec, When};
use std::sync::Arc;

/// The most rows a table may have. A banding grid has tens; every row is tried for a case, so
/// a table this long is a mistake (or an attempt to slow every evaluation down).
pub const MAX_ROWS: usize = 10_000;

/// A compiled decision table.
#[derive(Debug, Clone)]
pub struct Table {
    pub(crate) policy: HitPolicy,
    pub(crate) outputs: Vec<Arc<str>>,
    pub(crate) rows: Vec<Row>,
    pub(crate) priority: Vec<Value>,
    pub(crate) default: Option<Vec<Expr>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// Every condition must hold (one per non-blank cell, or one expression).
    pub(crate) when: Vec<Expr>,
    /// One expression per output, in output order.
    pub(crate) then: Vec<Expr>,
    pub(crate) reason: Option<Template>,
}

impl Row {}

/// The expression a grid cell stands for, given the table input it tests.
fn cell_expr(input: &str, cell: &str) -> Option<String> {
    let cell = cell.trim();
    if cell.is_empty() || cell == "-" {
        return None;
    }
    let operator = ["<=", ">=", "==", "!=", "<", ">", "in ", "not in "]
        .iter()
        .any(|op| cell.starts_with(op));
    Some(if operator {
        format!("({input}) {cell}")
    } else {
        format!("({input}) == ({cell})")
    })
}

impl Table {
    /// Compile; returns the table and each output's name and type.
    pub fn compile(spec: &TableSpec, ctx: &Ctx) -> Result<(Table, Vec<(String, Type)>), LoadError> {
        if spec.outputs.is_empty() {
            return Err(ctx
                .at
                .join(".table.outputs")
                .invalid("a table needs at least one output"));
        }
        if spec.rows.is_empty() {
            return Err(ctx
                .at
                .join(".table.rows")
                .invalid("a table needs at least one row"));
        }
        if spec.rows.len() > MAX_ROWS {
            return Err(ctx.at.join(".table.rows").invalid(format!(
                "the table has {} rows, but a table may have at most {MAX_ROWS}",
                spec.rows.len()
            )));
        }
        for (i, input) in spec.inputs.iter().enumerate() {
            ctx.expr(input, &format!(".table.inputs[{i}]"))?;
        }
        let mut types: Vec<Type> = vec![Type::Null; spec.outputs.len()];
        let mut compile_then = |then: &std::collections::BTreeMap<String, String>, at: &str| {
            let mut exprs = Vec::new();
            for name in then.keys() {
                if !spec.outputs.contains(name) {
                    return Err(ctx.at.join(at).invalid_with(
                        format!("{name:?} is not an output of this table"),
                        crate::suggest::did_you_mean(name, spec.outputs.iter().map(String::as_str)),
                    ));
                }
            }
            for (k, name) in spec.outputs.iter().enumerate() {
                let text = then.get(name).ok_or_else(|| {
                    ctx.at
                        .join(at)
                        .invalid(format!("output {name:?} is missing"))
                })?;
                let e = ctx.expr(text, &format!("{at}.{name}"))?;
                types[k] = types[k].unify(e.ty()).ok_or_else(|| {
                    ctx.at.join(&format!("{at}.{name}")).invalid(format!(
                        "{text:?} gives {}, but other rows give {} for {name:?}",
                        e.ty(),
                        types[k]
                    ))
                })?;
                exprs.push(e);
            }
            Ok(exprs)
        };
        let mut rows = Vec::new();
        for (i, row) in spec.rows.iter().enumerate() {
            let at = format!(".table.rows[{i}]");
            let when = match &row.when {
                When::Expr(text) => {
                    vec![ctx.typed_expr(text, &format!("{at}.when"), &Type::Bool)?]
                }
                When::Cells(cells) => {
                    if cells.len() != spec.inputs.len() {
                        return Err(ctx.at.join(&format!("{at}.when")).invalid(format!(
                            "this row has {} cells but the table has {} inputs",
                            cells.len(),
                            spec.inputs.len()
                        )));
                    }
                    let mut conds = Vec::new();
                    for (j, (cell, input)) in cells.iter().zip(&spec.inputs).enumerate() {
                        if let Some(text) = cell_expr(input, cell) {
                            conds.push(ctx.typed_expr(
                                &text,
                                &format!("{at}.when[{j}]"),
                                &Type::Bool,
                            )?);
                        }
                    }
                    conds
                }
            };
            let then = compile_then(&row.then, &format!("{at}.then"))?;
            let reason = match &row.reason {
                Some(text) => Some(ctx.template(text, &format!("{at}.reason"))?),
                None => None,
            };
            rows.push(Row { when, then, reason });
        }
        let default = match &spec.default {
            Some(_) if spec.hit_policy == HitPolicy::CollectCount => {
                return Err(ctx.at.join(".table.default").invalid(
                    "COLLECT COUNT counts the matching rows (0 when none matches), so it takes no default",
                ))
            }
            Some(d) => Some(compile_then(d, ".table.default")?),
            None => None,
        };
        let numeric = matches!(
            spec.hit_policy,
            HitPolicy::CollectSum | HitPolicy::CollectMin | HitPolicy::CollectMax
        );
        if numeric {
            if let Some(k) = types.iter().position(|t| !t.is_numeric()) {
                return Err(ctx.at.join(".table.outputs").invalid(format!(
                    "{:?} needs numbers, but output {:?} gives {}",
                    hit_policy_name(spec.hit_policy),
                    spec.outputs[k],
                    types[k]
                )));
            }
        }
        if spec.hit_policy == HitPolicy::Priority && spec.priority.is_empty() {
            return Err(ctx
                .at
                .join(".table.priority")
                .invalid("PRIORITY needs the values of the first output, highest priority first"));
        }
        let out_types = spec
            .outputs
            .iter()
            .zip(types)
            .map(|(name, t)| {
                let t = match spec.hit_policy {
                    HitPolicy::RuleOrder | HitPolicy::Collect => Type::List(Box::new(t)),
                    HitPolicy::CollectCount => Type::Integer,
                    _ => t,
                };
                (name.clone(), t)
            })
            .collect();
        Ok((
            Table {
                policy: spec.hit_policy,
                outputs: spec.outputs.iter().map(|o| Arc::from(o.as_str())).collect(),
                rows,
                priority: spec.priority.iter().map(|p| Value::text(p)).collect(),
                default,
            },
            out_types,
        ))
    }
}

/// The hit policy as written in rule files.
pub fn hit_policy_name(p: HitPolicy) -> &'static str {
    match p {
        HitPolicy::Unique => "UNIQUE",
        HitPolicy::First => "FIRST",
        HitPolicy::Priority => "PRIORITY",
        HitPolicy::Any => "ANY",
        HitPolicy::RuleOrder => "RULE ORDER",
        HitPolicy::Collect => "COLLECT",
        HitPolicy::CollectSum => "COLLECT SUM",
        HitPolicy::CollectMin => "COLLECT MIN",
        HitPolicy::CollectMax => "COLLECT MAX",
        HitPolicy::CollectCount => "COLLECT COUNT",
    }
}
