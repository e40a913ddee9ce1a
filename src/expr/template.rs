//! Templates: literal text with `{expr}` / `{expr:money}` holes, compiled once and rendered per case.
//! `{{` and `}}` are literal braces; hole errors are reported at offsets in the whole template.

use super::{Expr, ExprError, Scope, Type, Value};
use crate::suggest::did_you_mean;
use std::fmt::Write;

/// How a hole's value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Numbers normalised, booleans `yes`/`no`, dates ISO, null `none`.
    Plain,
    /// Thousands separators and exactly two decimals: `1,234.50`.
    Money,
}

/// A piece of a template.
#[derive(Debug, Clone)]
pub(crate) enum Part {
    Lit(String),
    Hole(Expr, Format),
}

fn error(offset: usize, message: &str, help: &str) -> ExprError {
    ExprError {
        offset,
        message: message.to_string(),
        help: Some(help.to_string()),
    }
}

/// Split `text` into literal parts and compiled holes.
pub(crate) fn parse(text: &str, scope: &dyn Scope) -> Result<Vec<Part>, ExprError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |i: usize| chars.get(i).map_or(text.len(), |(b, _)| *b);
    let next = |i: usize| chars.get(i + 1).map(|(_, c)| *c);
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while let Some(&(_, c)) = chars.get(i) {
        match c {
            '{' | '}' if next(i) == Some(c) => {
                lit.push(c);
                i += 2;
            }
            '}' => {
                return Err(error(
                    i,
                    "unexpected \"}\"",
                    "write \"}}\" for a literal brace",
                ))
            }
            '{' => {
                let (end, colon) = hole_end(&chars, i + 1).ok_or_else(|| {
                    error(i, "\"{\" is not closed", "write \"{{\" for a literal brace")
                })?;
                let expr_end = colon.unwrap_or(end);
                let shift = |mut e: ExprError| {
                    e.offset += i + 1;
                    e
                };
                let expr =
                    Expr::compile(&text[byte(i + 1)..byte(expr_end)], scope).map_err(shift)?;
                let format = match colon {
                    None => Format::Plain,
                    Some(at) => {
                        format_of(text[byte(at + 1)..byte(end)].trim(), at + 1, &expr, i + 1)?
                    }
                };
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Hole(expr, format));
                i = end + 1;
            }
            c => {
                lit.push(c);
                i += 1;
            }
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    Ok(parts)
}

/// The char index of the `}` closing a hole starting at `from`, and of its format `:`, if any.
/// Braces and colons inside quoted text do not count.
fn hole_end(chars: &[(usize, char)], from: usize) -> Option<(usize, Option<usize>)> {
    let mut quote = None;
    let mut colon = None;
    let mut j = from;
    while let Some(&(_, c)) = chars.get(j) {
        match (quote, c) {
            (Some(_), '\\') => j += 1,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, ':') if colon.is_none() => colon = Some(j),
            (None, '}') => return Some((j, colon)),
            _ => {}
        }
        j += 1;
    }
    None
}

fn format_of(name: &str, at: usize, expr: &Expr, hole: usize) -> Result<Format, ExprError> {
    if name != "money" {
        let mut e = ExprError {
            offset: at,
            message: format!("unknown format \"{name}\""),
            help: None,
        };
        e.help = did_you_mean(name, ["money"]).or(Some("the only format is \"money\"".to_string()));
        return Err(e);
    }
    let numeric = |t: &Type| matches!(t, Type::Integer | Type::Number | Type::Null | Type::Any);
    let ok = match expr.ty() {
        Type::List(e) => numeric(e),
        t => numeric(t),
    };
    if !ok {
        let message = format!("\":money\" needs a number, but the value is {}", expr.ty());
        return Err(ExprError {
            offset: hole,
            message,
            help: None,
        });
    }
    Ok(Format::Money)
}

pub(crate) fn write_value(out: &mut String, v: &Value, f: Format) {
    match v {
        Value::Number(n) if f == Format::Money => out.push_str(&crate::money::for_people(*n)),
        Value::Number(n) => {
            let _ = write!(out, "{}", n.normalize());
        }
        Value::Text(s) => out.push_str(s),
        Value::Bool(b) => out.push_str(if *b { "yes" } else { "no" }),
        Value::Date(d) => {
            let _ = write!(out, "{d}");
        }
        Value::Null => out.push_str("none"),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item, f);
            }
        }
    }
}
