//! Case profiles: a JSON object (nested objects map to dotted names) or a set of named fields,
//! validated against the declared inputs into facts. Errors name the case id and the field.

use crate::expr::Value;
use crate::input::Input;
use crate::input::Raw;
use crate::suggest::did_you_mean;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::fmt;

/// A validated profile: one value per declared input (defaults filled in), in input order.
///
/// Only validation makes one ([`RuleSet::facts_from_json`](crate::RuleSet::facts_from_json)), so every `Facts` holds a value of
/// the right type for every declared input: a hand-made one could hold too few, and a reused
/// evaluation buffer would then decide it with the previous case's inputs.
///
/// ```compile_fail
/// let facts = sendband::Facts { case_id: None, values: Vec::new() };
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub(crate) case_id: Option<String>,
    pub(crate) values: Vec<Value>,
}

impl Facts {
    /// The profile's `case_id`, when it has one.
    pub fn case_id(&self) -> Option<&str> {
        self.case_id.as_deref()
    }

    /// One value per declared input, in the rule set's input order (defaults filled in, null
    /// for an optional input not given).
    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

/// One thing wrong with one field of a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The dotted field name, e.g. `needs.semh`, or `(profile)` for the whole.
    pub field: String,
    pub message: String,
}

/// Everything wrong with a profile, with its case id when it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProfileErrors {
    pub case_id: Option<String>,
    pub errors: Vec<FieldError>,
}

impl fmt::Display for ProfileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let case = match &self.case_id {
            Some(id) => format!("case {id:?}"),
            None => "case without case_id".to_string(),
        };
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{case}: {}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

/// The name of the field that identifies a case; allowed in every profile.
pub const CASE_ID: &str = "case_id";

/// Validate a JSON profile against declared inputs (see [`RuleSet::facts_from_json`](crate::RuleSet::facts_from_json)).
pub(crate) fn from_json(inputs: &[Input], text: &str) -> Result<Facts, ProfileErrors> {
    let fail = |message: String| ProfileErrors {
        case_id: None,
        errors: vec![FieldError {
            field: "(profile)".to_string(),
            message,
        }],
    };
    let top: BTreeMap<String, &RawValue> = serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            fail("expected a JSON object".to_string())
        } else {
            fail(format!("not valid JSON: {e}"))
        }
    })?;
    let mut fields: Vec<(String, Raw<'_>)> = Vec::new();
    let mut errors = Vec::new();
    let mut strings: Vec<(String, String)> = Vec::new();
    flatten("", 1, &top, &mut fields, &mut strings, &mut errors);
    let owned: Vec<(String, RawOwned)> = fields
        .into_iter()
        .map(|(k, r)| (k, RawOwned::from(r)))
        .chain(strings.into_iter().map(|(k, s)| (k, RawOwned::Str(s))))
        .collect();
    from_fields(
        inputs,
        owned.iter().map(|(k, r)| (k.as_str(), r.as_raw())),
        errors,
    )
}

/// Validate named fields against declared inputs (see [`RuleSet::facts_from_fields`](crate::RuleSet::facts_from_fields)).
pub(crate) fn from_fields<'a>(
    inputs: &[Input],
    fields: impl IntoIterator<Item = (&'a str, Raw<'a>)>,
    mut errors: Vec<FieldError>,
) -> Result<Facts, ProfileErrors> {
    let mut given: Vec<Option<Raw<'a>>> = vec![None; inputs.len()];
    let mut case_id = None;
    for (name, raw) in fields {
        if name == CASE_ID {
            case_id = match raw {
                Raw::Str(s) | Raw::Cell(s) | Raw::Number(s) if !s.trim().is_empty() => {
                    Some(s.trim().to_string())
                }
                _ => None,
            };
        }
        match inputs.iter().position(|i| &*i.name == name) {
            Some(i) => given[i] = Some(raw),
            None if name == CASE_ID => {}
            None => errors.push(FieldError {
                field: name.to_string(),
                message: unknown(name, inputs),
            }),
        }
    }
    let present = |raw: &Option<Raw<'_>>| match raw {
        None | Some(Raw::Null) => false,
        Some(Raw::Cell(s)) => !s.trim().is_empty(),
        Some(_) => true,
    };
    for (input, raw) in inputs.iter().zip(&given) {
        if !present(raw) {
            continue;
        }
        for needed in &input.requires {
            let needed_given = inputs
                .iter()
                .position(|i| i.name == *needed)
                .is_some_and(|k| present(&given[k]));
            if !needed_given {
                errors.push(FieldError {
                    field: needed.to_string(),
                    message: format!("is required when {} is given", input.name),
                });
            }
        }
    }
    let mut values = Vec::with_capacity(inputs.len());
    for (input, raw) in inputs.iter().zip(given) {
        match input.validate(raw.unwrap_or(Raw::Null)) {
            Ok(v) => values.push(v),
            Err(message) => {
                values.push(Value::Null);
                errors.push(FieldError {
                    field: input.name.to_string(),
                    message,
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(Facts { case_id, values })
    } else {
        Err(ProfileErrors { case_id, errors })
    }
}

fn unknown(name: &str, inputs: &[Input]) -> String {
    let names = inputs
        .iter()
        .map(|i| &*i.name)
        .chain(std::iter::once(CASE_ID));
    match did_you_mean(name, names) {
        Some(hint) => format!("unknown field ({hint})"),
        None => "unknown field".to_string(),
    }
}

/// An owned copy of a raw field, so values decoded from JSON escapes can be borrowed.
enum RawOwned {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Nested,
}

impl From<Raw<'_>> for RawOwned {
    fn from(r: Raw<'_>) -> RawOwned {
        match r {
            Raw::Null => RawOwned::Null,
            Raw::Bool(b) => RawOwned::Bool(b),
            Raw::Number(n) => RawOwned::Number(n.to_string()),
            Raw::Str(s) | Raw::Cell(s) => RawOwned::Str(s.to_string()),
            Raw::Nested => RawOwned::Nested,
        }
    }
}

impl RawOwned {
    fn as_raw(&self) -> Raw<'_> {
        match self {
            RawOwned::Null => Raw::Null,
            RawOwned::Bool(b) => Raw::Bool(*b),
            RawOwned::Number(n) => Raw::Number(n),
            RawOwned::Str(s) => Raw::Str(s),
            RawOwned::Nested => Raw::Nested,
        }
    }
}

/// How deep the objects of a JSON profile may nest (`early_years.development.psed` is 3). Each
/// level is parsed on its own, so without a bound a deeply nested value would exhaust the stack.
pub const MAX_NESTING: usize = 8;

/// Walk nested objects into dotted names. Numbers keep their exact text; strings are decoded.
/// `depth` is the nesting of `map` (the profile itself is 1).
fn flatten<'a>(
    prefix: &str,
    depth: usize,
    map: &BTreeMap<String, &'a RawValue>,
    fields: &mut Vec<(String, Raw<'a>)>,
    strings: &mut Vec<(String, String)>,
    errors: &mut Vec<FieldError>,
) {
    for (key, raw) in map {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let text = raw.get().trim();
        match text.as_bytes().first() {
            Some(b'{') if depth >= MAX_NESTING => errors.push(FieldError {
                field: name,
                message: format!(
                    "objects nest more than {MAX_NESTING} deep here; no input is named that deep"
                ),
            }),
            Some(b'{') => match serde_json::from_str::<BTreeMap<String, &RawValue>>(text) {
                Ok(inner) => flatten(&name, depth + 1, &inner, fields, strings, errors),
                Err(e) => errors.push(FieldError {
                    field: name,
                    message: format!("not valid JSON: {e}"),
                }),
            },
            Some(b'"') => match serde_json::from_str::<String>(text) {
                Ok(s) => strings.push((name, s)),
                Err(e) => errors.push(FieldError {
                    field: name,
                    message: format!("not valid JSON: {e}"),
                }),
            },
            Some(b't') => fields.push((name, Raw::Bool(true))),
            Some(b'f') => fields.push((name, Raw::Bool(false))),
            Some(b'n') => fields.push((name, Raw::Null)),
            Some(b'[') => fields.push((name, Raw::Nested)),
            _ => fields.push((name, Raw::Number(text))),
        }
    }
}
