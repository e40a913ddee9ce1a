//! Declared inputs, compiled: the type, limits, default and wording of each field of a profile.
//! They validate profiles, and they are what forms, CSV columns and profile schemas are built from.

use crate::error::{At, LoadError};
use crate::expr::{Type, Value};
use crate::format::{Choice, InputKind, InputSpec, Level};
use crate::number::{cmp_decimal, exact_decimal, NumberError};
use crate::Date;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;

/// A declared input, checked and ready to validate values.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: Arc<str>,
    pub kind: InputKind,
    pub label: String,
    pub required: bool,
    /// The value when the profile leaves the input out (`Null` when there is none).
    pub default: Value,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub one_of: Vec<Decimal>,
    pub values: Vec<Choice>,
    /// Each enum value as a `Value`, made once: every profile shares them, so a case holds no
    /// text of its own for an enum and its values stay in cache.
    labels: Vec<Value>,
    pub levels: Vec<Level>,
    pub max_length: Option<u32>,
    /// The most decimal places a value may have (money: 2 unless declared).
    pub places: Option<u32>,
    /// Inputs that must be given whenever this one is.
    pub requires: Vec<Arc<str>>,
}

/// A raw field value before validation: from JSON, or a cell of text (CSV, forms).
#[derive(Debug, Clone, Copy)]
pub enum Raw<'a> {
    Null,
    Bool(bool),
    /// A JSON number, exactly as written.
    Number(&'a str),
    /// A JSON string.
    Str(&'a str),
    /// A CSV cell or form field: text that may stand for any type.
    Cell(&'a str),
    /// A JSON object or array where a single value belongs.
    Nested,
}

impl Raw<'_> {
    /// Null, or a cell of nothing but spaces: the input is not given a value.
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Raw::Null => true,
            Raw::Cell(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    fn describe(&self) -> String {
        match self {
            Raw::Null => "null".to_string(),
            Raw::Bool(b) => b.to_string(),
            Raw::Number(n) => n.to_string(),
            Raw::Str(s) => format!("text {s:?}"),
            Raw::Cell(s) => format!("{s:?}"),
            Raw::Nested => "an object or list".to_string(),
        }
    }
}

impl Input {
    /// Check a declaration: limits fit the type, the default is valid, enum values are unique.
    pub fn compile(spec: &InputSpec, at: &At) -> Result<Input, LoadError> {
        let name_ok = !spec.name.is_empty()
            && spec.name.split('.').all(|part| {
                let mut chars = part.chars();
                chars
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        if !name_ok {
            return Err(at.join(".name").invalid(format!(
                "{:?} is not a valid input name (letters, digits and _, parts joined by dots)",
                spec.name
            )));
        }
        let numeric = matches!(
            spec.kind,
            InputKind::Integer | InputKind::Decimal | InputKind::Money
        );
        if !numeric && (spec.min.is_some() || spec.max.is_some() || !spec.one_of.is_empty()) {
            return Err(
                at.invalid("min, max and one_of are only for integer, decimal and money inputs")
            );
        }
        if spec.kind != InputKind::Enum && !spec.values.is_empty() {
            return Err(at
                .join(".values")
                .invalid("values are only for enum inputs"));
        }
        if spec.kind == InputKind::Enum && spec.values.is_empty() {
            return Err(at
                .join(".values")
                .invalid("an enum input needs its list of values"));
        }
        for (i, choice) in spec.values.iter().enumerate() {
            if spec.values[..i].iter().any(|c| c.value == choice.value) {
                return Err(at
                    .join(&format!(".values[{i}].value"))
                    .invalid(format!("{:?} is listed twice", choice.value)));
            }
        }
        if !spec.levels.is_empty() && spec.kind != InputKind::Integer {
            return Err(at
                .join(".levels")
                .invalid("descriptor levels are only for integer inputs"));
        }
        if let Some(places) = spec.places {
            if !matches!(spec.kind, InputKind::Decimal | InputKind::Money) {
                return Err(at
                    .join(".places")
                    .invalid("places are only for decimal and money inputs"));
            }
            if places > 28 {
                return Err(at
                    .join(".places")
                    .invalid(format!("{places} places cannot be held: at most 28")));
            }
        }
        if let (Some(min), Some(max)) = (spec.min, spec.max) {
            if min.0 > max.0 {
                return Err(at
                    .join(".min")
                    .invalid(format!("min {} is above max {}", min.0, max.0)));
            }
        }
        let mut input = Input {
            name: Arc::from(spec.name.as_str()),
            kind: spec.kind,
            label: spec.label.clone(),
            required: spec.required,
            default: Value::Null,
            min: spec.min.map(|d| d.0),
            max: spec.max.map(|d| d.0),
            one_of: spec.one_of.iter().map(|d| d.0).collect(),
            values: spec.values.clone(),
            labels: spec.values.iter().map(|c| Value::text(&c.value)).collect(),
            levels: spec.levels.clone(),
            max_length: spec.max_length,
            places: match spec.kind {
                InputKind::Money => Some(spec.places.unwrap_or(2)),
                _ => spec.places,
            },
            requires: spec
                .requires
                .iter()
                .map(|r| Arc::from(r.as_str()))
                .collect(),
        };
        for (i, level) in spec.levels.iter().enumerate() {
            let v = Decimal::from(level.level);
            if input.check_limits(v).is_err() {
                return Err(at.join(&format!(".levels[{i}].level")).invalid(format!(
                    "level {} is outside the input's allowed values",
                    level.level
                )));
            }
        }
        if let Some(default) = &spec.default {
            if spec.required {
                return Err(at
                    .join(".default")
                    .invalid("a required input cannot have a default"));
            }
            let number_text;
            let raw = match default {
                serde_json::Value::Null => Raw::Null,
                serde_json::Value::Bool(b) => Raw::Bool(*b),
                serde_json::Value::String(s) => Raw::Str(s),
                serde_json::Value::Number(n) if n.is_f64() => {
                    return Err(at.join(".default").invalid(format!(
                        "write the number {n} as a string (\"{n}\") so that it stays exact"
                    )))
                }
                serde_json::Value::Number(n) => {
                    number_text = n.to_string();
                    Raw::Number(&number_text)
                }
                _ => Raw::Nested,
            };
            input.default = input.validate(raw).map_err(|e| {
                at.join(".default")
                    .invalid(format!("the default is invalid: {e}"))
            })?;
        }
        Ok(input)
    }

    /// The expression type of this input's values.
    /// The values the input can hold, when declared: an enum's values, a number's range.
    pub fn declared_values(&self) -> Option<crate::expr::Domain> {
        use crate::expr::Domain;
        match self.kind {
            InputKind::Enum => Some(Domain::Words(
                self.values
                    .iter()
                    .map(|c| Arc::from(c.value.as_str()))
                    .collect(),
            )),
            InputKind::Integer | InputKind::Decimal | InputKind::Money => {
                let bounded = self.min.is_some() || self.max.is_some() || !self.one_of.is_empty();
                let whole = self.kind == InputKind::Integer;
                (bounded || whole).then(|| Domain::Numbers {
                    whole,
                    min: self.min,
                    max: self.max,
                    one_of: self.one_of.clone().into(),
                })
            }
            _ => None,
        }
    }

    pub fn ty(&self) -> Type {
        match self.kind {
            InputKind::Integer => Type::Integer,
            InputKind::Decimal | InputKind::Money => Type::Number,
            InputKind::Enum | InputKind::String => Type::Text,
            InputKind::Boolean => Type::Bool,
            InputKind::Date => Type::Date,
        }
    }

    /// Validate one raw value. `Null` (an absent field) gives the default, or an error when
    /// the input is required. The error is in words, without the field name.
    pub fn validate(&self, raw: Raw<'_>) -> Result<Value, String> {
        if raw.is_blank() {
            return if self.required {
                Err("is required".to_string())
            } else {
                Ok(self.default.clone())
            };
        }
        match self.kind {
            InputKind::Integer | InputKind::Decimal | InputKind::Money => {
                let text = match raw {
                    Raw::Number(n) => n,
                    Raw::Cell(s) => s.trim(),
                    Raw::Str(s) if self.kind != InputKind::Integer => s.trim(),
                    _ => {
                        return Err(format!(
                            "expected {}, found {}",
                            self.expected(),
                            raw.describe()
                        ))
                    }
                };
                let n = exact_decimal(text).map_err(|e| match e {
                    NumberError::NotANumber => {
                        format!("expected {}, found {}", self.expected(), raw.describe())
                    }
                    e => format!("{text} {e}"),
                })?;
                // A number written without places is whole (fract is the dear test).
                if self.kind == InputKind::Integer && n.scale() > 0 && !n.fract().is_zero() {
                    return Err(format!("expected a whole number, found {text}"));
                }
                if let Some(places) = self.places {
                    if n.scale() > places && n.normalize().scale() > places {
                        let penny = if self.kind == InputKind::Money && places == 2 {
                            " (a fraction of a penny)"
                        } else {
                            ""
                        };
                        return Err(format!(
                            "{text} has more than {places} decimal places{penny}; \
                             it is refused rather than rounded"
                        ));
                    }
                }
                self.check_limits(n)?;
                Ok(Value::Number(n))
            }
            InputKind::Boolean => match raw {
                Raw::Bool(b) => Ok(Value::Bool(b)),
                Raw::Cell(s) => match s.trim().to_ascii_lowercase().as_str() {
                    "true" | "yes" | "y" | "1" => Ok(Value::Bool(true)),
                    "false" | "no" | "n" | "0" => Ok(Value::Bool(false)),
                    _ => Err(format!("expected true or false, found {}", raw.describe())),
                },
                _ => Err(format!("expected true or false, found {}", raw.describe())),
            },
            InputKind::Enum => {
                let text = self.text_of(raw)?;
                if let Some(i) = self.values.iter().position(|c| c.value == text) {
                    return Ok(self
                        .labels
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| Value::text(text)));
                }
                let allowed: Vec<&str> = self.values.iter().map(|c| c.value.as_str()).collect();
                let hint = crate::suggest::did_you_mean(text, allowed.iter().copied())
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                Err(format!(
                    "{text:?} is not one of {}{hint}",
                    allowed.join(", ")
                ))
            }
            InputKind::Date => {
                let text = self.text_of(raw)?;
                Date::from_str(text)
                    .map(Value::Date)
                    .map_err(|e| e.to_string())
            }
            InputKind::String => {
                let text = self.text_of(raw)?;
                if let Some(max) = self.max_length {
                    // No more bytes than allowed: no more characters either.
                    if text.len() > max as usize && text.chars().count() > max as usize {
                        return Err(format!("is longer than {max} characters"));
                    }
                }
                Ok(Value::text(text))
            }
        }
    }

    fn text_of<'a>(&self, raw: Raw<'a>) -> Result<&'a str, String> {
        match raw {
            Raw::Str(s) => Ok(s),
            Raw::Cell(s) => Ok(s.trim()),
            _ => Err(format!(
                "expected {}, found {}",
                self.expected(),
                raw.describe()
            )),
        }
    }

    fn expected(&self) -> &'static str {
        match self.kind {
            InputKind::Integer => "a whole number",
            InputKind::Decimal => "a number",
            InputKind::Money => "an amount of money",
            InputKind::Enum => "one of the listed values",
            InputKind::Boolean => "true or false",
            InputKind::Date => "a date (YYYY-MM-DD)",
            InputKind::String => "text",
        }
    }

    fn check_limits(&self, n: Decimal) -> Result<(), String> {
        if !self.one_of.is_empty() && !self.one_of.contains(&n) {
            let allowed: Vec<String> = self
                .one_of
                .iter()
                .map(|d| d.normalize().to_string())
                .collect();
            return Err(format!(
                "{} is not one of {}",
                n.normalize(),
                allowed.join(", ")
            ));
        }
        if let Some(min) = self.min {
            if cmp_decimal(n, min).is_lt() {
                return Err(format!(
                    "{} is below the minimum {}",
                    n.normalize(),
                    min.normalize()
                ));
            }
        }
        if let Some(max) = self.max {
            if cmp_decimal(n, max).is_gt() {
                return Err(format!(
                    "{} is above the maximum {}",
                    n.normalize(),
                    max.normalize()
                ));
            }
        }
        Ok(())
    }

    /// Each enum value as the shared `Value` every validated profile holds.
    pub(crate) fn labels(&self) -> &[Value] {
        &self.labels
    }

    /// The descriptor level with this value, if the input declares levels.
    pub fn level(&self, value: &Value) -> Option<&Level> {
        let n = value.as_number()?;
        self.levels.iter().find(|l| Decimal::from(l.level) == n)
    }

    /// Every value this input can take, as labels, when there are few enough to list
    /// (enum values, one_of, or an integer range of at most 100 values).
    pub fn domain(&self) -> Option<Vec<String>> {
        match self.kind {
            InputKind::Enum => Some(self.values.iter().map(|c| c.value.clone()).collect()),
            InputKind::Boolean => Some(vec!["true".into(), "false".into()]),
            _ if !self.one_of.is_empty() => Some(
                self.one_of
                    .iter()
                    .map(|d| d.normalize().to_string())
                    .collect(),
            ),
            InputKind::Integer => {
                let (min, max) = (
                    i64::try_from(self.min?).ok()?,
                    i64::try_from(self.max?).ok()?,
                );
                (max - min < 100).then(|| (min..=max).map(|i| i.to_string()).collect())
            }
            _ => None,
        }
    }
}

/// An exact decimal from text such as `6200.00`, `-3`, `1e3`; `None` when it is not a number
/// or cannot be held exactly (see [`exact_decimal`]).
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    exact_decimal(text).ok()
}

/// Check every input's `ask_when`: each condition names another declared enum or boolean input
/// and lists values that input can take. `at` is the location of the inputs list.
pub fn check_ask_when(specs: &[InputSpec], inputs: &[Input], at: &At) -> Result<(), LoadError> {
    for (i, spec) in specs.iter().enumerate() {
        for (name, values) in &spec.ask_when {
            let here = at.join(&format!("[{i}].ask_when.{name}"));
            let Some(other) = inputs.iter().find(|x| &*x.name == name.as_str()) else {
                return Err(here.invalid_with(
                    format!("{name:?} is not a declared input"),
                    crate::suggest::did_you_mean(name, inputs.iter().map(|x| &*x.name)),
                ));
            };
            if other.name.as_ref() == spec.name {
                return Err(here.invalid("an input cannot be asked depending on itself"));
            }
            if !matches!(other.kind, InputKind::Enum | InputKind::Boolean) {
                return Err(here.invalid(format!(
                    "{name:?} is {} input; a form can only depend on enum and boolean inputs",
                    kind_name(other.kind)
                )));
            }
            if values.is_empty() {
                return Err(here.invalid("list at least one value"));
            }
            for (j, value) in values.iter().enumerate() {
                let raw = match value {
                    serde_json::Value::Bool(b) => Raw::Bool(*b),
                    serde_json::Value::String(s) => Raw::Str(s),
                    _ => Raw::Nested,
                };
                if let Err(e) = other.validate(raw) {
                    return Err(here
                        .join(&format!("[{j}]"))
                        .invalid(format!("{value} is not a value of {name:?}: {e}")));
                }
            }
        }
    }
    Ok(())
}

fn kind_name(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Integer => "an integer",
        InputKind::Decimal => "a decimal",
        InputKind::Money => "a money",
        InputKind::Enum => "an enum",
        InputKind::Boolean => "a boolean",
        InputKind::Date => "a date",
        InputKind::String => "a string",
    }
}
