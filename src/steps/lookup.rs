//! The `lookup` step: a value keyed by one or two labels (e.g. band x setting). A missing cell
//! is an error for the case, never zero.

use super::Ctx;
use crate::error::{At, LoadError};
use crate::expr::{Expr, Type, Value};
use crate::format::LookupSpec;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A compiled lookup table.
#[derive(Debug, Clone)]
pub struct Lookup {
    pub(crate) keys: Vec<Expr>,
    /// (first label, second label or null, value); a JSON null cell is left out (no value).
    /// Labels are kept as values of the key's type, so finding a cell compares values and
    /// formats nothing.
    pub(crate) cells: Vec<(Value, Value, Decimal)>,
    /// Cells written as JSON null: no value there, on purpose (lint does not report them).
    pub(crate) declared_empty: Vec<(Value, Value)>,
}

impl Lookup {
    /// Compile; the values must nest one level per key and end in exact decimals.
    pub fn compile(spec: &LookupSpec, ctx: &Ctx) -> Result<Lookup, LoadError> {
        if spec.keys.is_empty() || spec.keys.len() > 2 {
            return Err(ctx
                .at
                .join(".lookup.keys")
                .invalid("a lookup takes one or two keys"));
        }
        let mut keys = Vec::new();
        for (i, k) in spec.keys.iter().enumerate() {
            let e = ctx.expr(k, &format!(".lookup.keys[{i}]"))?;
            if !matches!(
                e.ty(),
                Type::Text | Type::Integer | Type::Number | Type::Bool
            ) {
                return Err(ctx.at.join(&format!(".lookup.keys[{i}]")).invalid(format!(
                    "{k:?} gives {}, but a key must be a label, a number or true/false",
                    e.ty()
                )));
            }
            keys.push(e);
        }
        // A number key is matched as a number, so a cell written "2.50" is found by 2.5.
        let label = |k: usize, text: &str| -> Value {
            match (keys[k].ty(), crate::input::parse_decimal(text), text) {
                (t, Some(n), _) if t.is_numeric() => Value::Number(n),
                (Type::Bool, _, "true") => Value::Bool(true),
                (Type::Bool, _, "false") => Value::Bool(false),
                _ => Value::Text(Arc::from(text)),
            }
        };
        // Each key label must be a value its key can have, and said once: `"under2"` for
        // `under_2`, or `"2"` and `"2.0"` both, would be a cell no case ever reaches.
        let checked = |k: usize, text: &str, at: &At, seen: &mut Vec<Value>| {
            let v = label(k, text);
            let key = &keys[k];
            if key.ty().is_numeric() && !matches!(v, Value::Number(_)) {
                return Err(at.invalid(format!(
                    "{text:?} is not a number, but the key {:?} is",
                    key.source()
                )));
            }
            if *key.ty() == Type::Bool && !matches!(v, Value::Bool(_)) {
                return Err(at.invalid(format!(
                    "{text:?} is not true or false, but the key {:?} is",
                    key.source()
                )));
            }
            if let Some((message, help)) = key
                .as_name()
                .and_then(|name| Some((name, ctx.names.domain_of(name)?)))
                .and_then(|(name, d)| d.refuse(name, &v))
            {
                return Err(at.invalid_with(message, help));
            }
            if seen.contains(&v) {
                return Err(at.invalid(format!(
                    "{text:?} is the same key as one before it, so one of the two is never used"
                )));
            }
            seen.push(v.clone());
            Ok(v)
        };
        let mut cells = Vec::new();
        let mut declared_empty = Vec::new();
        let at = ctx.at.join(".lookup.values");
        let outer = as_object(&spec.values, &at)?;
        let mut seen1 = Vec::new();
        for (k1, v1) in outer {
            let at1 = at.join(&format!(".{k1}"));
            let l1 = checked(0, k1, &at1, &mut seen1)?;
            if keys.len() == 1 {
                match leaf(v1, &at1)? {
                    Some(n) => cells.push((l1, Value::Null, n)),
                    None => declared_empty.push((l1, Value::Null)),
                }
                continue;
            }
            let mut seen2 = Vec::new();
            for (k2, v2) in as_object(v1, &at1)? {
                let at2 = at1.join(&format!(".{k2}"));
                let l2 = checked(1, k2, &at2, &mut seen2)?;
                match leaf(v2, &at2)? {
                    Some(n) => cells.push((l1.clone(), l2, n)),
                    None => declared_empty.push((l1.clone(), l2)),
                }
            }
        }
        Ok(Lookup {
            keys,
            cells,
            declared_empty,
        })
    }
}

fn as_object<'a>(
    v: &'a serde_json::Value,
    at: &At,
) -> Result<&'a serde_json::Map<String, serde_json::Value>, LoadError> {
    v.as_object()
        .ok_or_else(|| at.invalid("expected an object of labels, one level per key"))
}

/// A lookup cell's number, or `None` for a cell with no value (`null`).
pub(crate) fn leaf(v: &serde_json::Value, at: &At) -> Result<Option<Decimal>, LoadError> {
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) if n.is_f64() => Err(at.invalid(format!(
            "write the number {n} as a string (\"{n}\") so that it stays exact"
        ))),
        // A whole number: serde_json holds it as an i64 or a u64, both exact in a decimal.
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Decimal::from)
            .or_else(|| n.as_u64().map(Decimal::from))
            .map(Some)
            .ok_or_else(|| at.invalid("number out of range")),
        serde_json::Value::String(s) => crate::expr::rule_number(s)
            .map(Some)
            .map_err(|e| at.invalid(e)),
        _ => Err(at.invalid("expected a decimal (a string such as \"4000.00\" or a whole number), or null for no value")),
    }
}
