//! The `table` step: a decision table with the DMN hit policies. Rows test named values (as a
//! boolean expression, or one cell per table input) and give outputs.

use super::Ctx;
use crate::error::LoadError;
use crate::expr::{Expr, Template, Type, Value};
use crate::format::{HitPolicy, NoMatch, Priority, PriorityValue, TableSpec, When};
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
    /// PRIORITY and OUTPUT ORDER: per output, its values highest priority first (empty when
    /// that output does not rank).
    pub(crate) priority: Vec<Vec<Value>>,
    pub(crate) default: Option<Vec<Expr>>,
    pub(crate) no_match: Option<NoMatch>,
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

/// The expression a grid cell stands for, given the table input it tests: `-` is none;
/// `not(t, ...)` negates; tests separated by commas hold when any does; an interval
/// (`[15..30)`) is two comparisons; an operator applies to the input; a value is equality.
fn cell_expr(input: &str, cell: &str) -> Option<String> {
    let cell = cell.trim();
    if cell.is_empty() || cell == "-" {
        return None;
    }
    if let Some(inner) = cell
        .strip_prefix("not(")
        .or_else(|| cell.strip_prefix("not ("))
        .and_then(|rest| rest.strip_suffix(')'))
        .filter(|inner| split_top(inner).is_some())
    {
        return Some(format!("not ({})", tests_expr(input, inner)?));
    }
    tests_expr(input, cell)
}

/// Unary tests separated by top-level commas, any of which may hold.
fn tests_expr(input: &str, tests: &str) -> Option<String> {
    let parts = split_top(tests)?;
    let exprs: Vec<String> = parts
        .iter()
        .map(|t| test_expr(input, t.trim()))
        .collect::<Option<_>>()?;
    Some(match exprs.as_slice() {
        [one] => one.clone(),
        _ => exprs
            .iter()
            .map(|e| format!("({e})"))
            .collect::<Vec<_>>()
            .join(" or "),
    })
}

/// One unary test on the input.
fn test_expr(input: &str, test: &str) -> Option<String> {
    if test.is_empty() {
        return None;
    }
    if let Some(e) = interval(input, test) {
        return Some(e);
    }
    let operator = ["<=", ">=", "==", "!=", "<", ">", "in ", "not in "]
        .iter()
        .any(|op| test.starts_with(op));
    Some(if operator {
        format!("({input}) {test}")
    } else {
        format!("({input}) == ({test})")
    })
}

/// `[a..b]`, `(a..b]`, `]a..b]`, `[a..b)`, `[a..b[` and the like: DMN's intervals, a round
/// bracket or an outward square one leaving its end out.
fn interval(input: &str, test: &str) -> Option<String> {
    let open = test.chars().next()?;
    let close = test.chars().last()?;
    if !matches!(open, '[' | '(' | ']') || !matches!(close, ']' | ')' | '[') || test.len() < 2 {
        return None;
    }
    let body = &test[1..test.len() - 1];
    let (lo, hi) = body.split_once("..")?;
    if split_top(body)?.len() != 1 {
        return None;
    }
    let lo_op = if open == '[' { ">=" } else { ">" };
    let hi_op = if close == ']' { "<=" } else { "<" };
    Some(format!(
        "({input}) {lo_op} ({}) and ({input}) {hi_op} ({})",
        lo.trim(),
        hi.trim()
    ))
}

/// Split at commas outside brackets, parentheses and quotes; `None` when they do not balance.
fn split_top(text: &str) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if quote.is_none() && matches!(c, '[' | '(' | ']') {
            if let Some(len) = interval_len(&text[i..]) {
                // An interval is one test, whatever its brackets: skip to its end.
                for _ in 1..len {
                    chars.next();
                }
                continue;
            }
        }
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    (quote.is_none() && depth == 0).then_some(parts)
}

/// When `text` starts with an interval (`[a..b)`: a bracket, two ends, a bracket; an end may
/// be a call such as `date('2024-09-01')`), its length in characters.
fn interval_len(text: &str) -> Option<usize> {
    let (mut parens, mut quote, mut dots, mut prev) = (0u32, None::<char>, false, ' ');
    for (k, c) in text.chars().enumerate().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => parens += 1,
            (None, ')') if parens > 0 => parens -= 1,
            (None, '.') if prev == '.' && parens == 0 => dots = true,
            (None, ']' | ')' | '[') if dots => return Some(k + 1),
            (None, '[' | ']' | ')' | ',') => return None,
            _ => {}
        }
        prev = c;
    }
    None
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
        match spec.hit_policy {
            HitPolicy::CollectSum => {
                if let Some(k) = types.iter().position(|t| !t.is_numeric()) {
                    return Err(ctx.at.join(".table.outputs").invalid(format!(
                        "\"COLLECT SUM\" needs numbers, but output {:?} gives {}",
                        spec.outputs[k], types[k]
                    )));
                }
            }
            HitPolicy::CollectMin | HitPolicy::CollectMax => {
                let ordered =
                    |t: &Type| t.is_numeric() || matches!(t, Type::Text | Type::Date | Type::Null);
                if let Some(k) = types.iter().position(|t| !ordered(t)) {
                    return Err(ctx.at.join(".table.outputs").invalid(format!(
                        "{:?} needs numbers, texts or dates, which can be ordered, but output {:?} gives {}",
                        hit_policy_name(spec.hit_policy),
                        spec.outputs[k],
                        types[k]
                    )));
                }
            }
            _ => {}
        }
        if spec.default.is_some() && spec.no_match.is_some() {
            return Err(ctx.at.join(".table.no_match").invalid(
                "a table takes a default or a no_match, not both: the default is what no match gives",
            ));
        }
        let ranked = matches!(
            spec.hit_policy,
            HitPolicy::Priority | HitPolicy::OutputOrder
        );
        if ranked && spec.priority.is_empty() {
            return Err(ctx.at.join(".table.priority").invalid(format!(
                "{} needs the outputs' values, highest priority first",
                hit_policy_name(spec.hit_policy)
            )));
        }
        if !ranked && !spec.priority.is_empty() {
            return Err(ctx.at.join(".table.priority").invalid(format!(
                "only PRIORITY and OUTPUT ORDER tables rank outputs, but this table is {}",
                hit_policy_name(spec.hit_policy)
            )));
        }
        let priority =
            priority_values(spec, &rows, default.as_deref().unwrap_or(&[]), &types, ctx)?;
        let out_types = spec
            .outputs
            .iter()
            .zip(types)
            .map(|(name, t)| {
                let t = match spec.hit_policy {
                    p if p.lists() => Type::List(Box::new(t)),
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
                priority,
                default,
                no_match: spec.no_match,
            },
            out_types,
        ))
    }
}

/// Each output's priority list as values of the output's type. A label no row gives is allowed
/// (one order for every band), unless it is a step from a label the rows give and the list
/// lacks: that is a typo, a load error with a suggestion.
fn priority_values(
    spec: &TableSpec,
    rows: &[Row],
    default: &[Expr],
    types: &[Type],
    ctx: &Ctx,
) -> Result<Vec<Vec<Value>>, LoadError> {
    let mut out = vec![Vec::new(); spec.outputs.len()];
    let lists: Vec<(usize, &Vec<PriorityValue>, String)> = match &spec.priority {
        Priority::First(list) => vec![(0, list, ".table.priority".to_string())],
        Priority::ByOutput(map) => {
            let mut lists = Vec::new();
            for (name, list) in map {
                let k = spec.outputs.iter().position(|o| o == name).ok_or_else(|| {
                    ctx.at
                        .join(&format!(".table.priority.{name}"))
                        .invalid_with(
                            format!("{name:?} is not an output of this table"),
                            crate::suggest::did_you_mean(
                                name,
                                spec.outputs.iter().map(String::as_str),
                            ),
                        )
                })?;
                lists.push((k, list, format!(".table.priority.{name}")));
            }
            lists
        }
    };
    for (k, list, at) in lists {
        let ty = types.get(k).cloned().unwrap_or(Type::Any);
        let given = rows
            .iter()
            .filter_map(|r| r.then.get(k))
            .chain(default.get(k));
        let domain = super::words_of(given, ctx.names);
        for (i, p) in list.iter().enumerate() {
            let at = ctx.at.join(&format!("{at}[{i}]"));
            let v = match (p, &ty) {
                (PriorityValue::Whole(n), t) if t.is_numeric() => Value::Number((*n).into()),
                (PriorityValue::Text(t), ty) if ty.is_numeric() => {
                    Value::Number(crate::input::parse_decimal(t).ok_or_else(|| {
                        at.invalid(format!(
                            "{t:?} is not a number, but the output gives numbers"
                        ))
                    })?)
                }
                (PriorityValue::Text(t), Type::Bool) if t == "true" || t == "false" => {
                    Value::Bool(t == "true")
                }
                (PriorityValue::Text(t), Type::Text | Type::Null | Type::Any) => Value::text(t),
                (p, ty) => {
                    return Err(at.invalid(format!(
                        "{p:?} is not a value of the output, which gives {ty}"
                    )))
                }
            };
            let refused = domain.as_ref().and_then(|d| d.refuse(&spec.outputs[k], &v));
            if let (Some((message, _)), Some(crate::expr::Domain::Words(words)), Value::Text(t)) =
                (refused, &domain, &v)
            {
                let unlisted = words.iter().filter(|w| {
                    !list
                        .iter()
                        .any(|p| matches!(p, PriorityValue::Text(x) if x == &***w))
                });
                if let Some(help) = crate::suggest::did_you_mean(t, unlisted.map(|w| &**w)) {
                    return Err(at.invalid_with(message, Some(help)));
                }
            }
            if out[k].contains(&v) {
                return Err(at.invalid(format!("{v} is listed twice")));
            }
            out[k].push(v);
        }
    }
    Ok(out)
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
        HitPolicy::OutputOrder => "OUTPUT ORDER",
        HitPolicy::CollectSum => "COLLECT SUM",
        HitPolicy::CollectMin => "COLLECT MIN",
        HitPolicy::CollectMax => "COLLECT MAX",
        HitPolicy::CollectCount => "COLLECT COUNT",
    }
}
