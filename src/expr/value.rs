//! Run-time values and static types of the expression language.
//! Numbers are exact decimals (`rust_decimal`), never floats.

use crate::Date;
use rust_decimal::Decimal;
use std::fmt;
use std::sync::Arc;

/// A value in a case: an input, a step's result, or an intermediate result of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// No value: an optional input not given, or a step that did not run or found nothing.
    Null,
    /// An exact decimal number (integers are numbers with no fraction).
    Number(Decimal),
    Bool(bool),
    Text(Arc<str>),
    Date(Date),
    List(Arc<[Value]>),
}

impl Value {
    /// A text value.
    pub fn text(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }

    /// True for `Value::Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The name of this value's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "no value",
            Value::Number(_) => "number",
            Value::Bool(_) => "boolean",
            Value::Text(_) => "text",
            Value::Date(_) => "date",
            Value::List(_) => "list",
        }
    }
}

/// Shown as a person would read it in a trace: numbers normalised (`20`, `125.5`), text bare.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("none"),
            Value::Number(n) => write!(f, "{}", n.normalize()),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Text(s) => f.write_str(s),
            Value::Date(d) => write!(f, "{d}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// The static type of an expression or a named value, checked at load.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// A whole number. An `Integer` is accepted wherever a `Number` is.
    Integer,
    /// Any decimal number.
    Number,
    Bool,
    Text,
    Date,
    List(Box<Type>),
    /// The type of the literal `null`: compatible with every type.
    Null,
    /// Unknown element type (e.g. of an empty list literal): compatible with every type.
    Any,
}

impl Type {
    /// True for `Integer` and `Number`.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Integer | Type::Number)
    }

    /// The type both `self` and `other` fit in, if any (`Integer` + `Number` = `Number`;
    /// `Null` and `Any` fit anything).
    pub fn unify(&self, other: &Type) -> Option<Type> {
        match (self, other) {
            (a, b) if a == b => Some(a.clone()),
            (Type::Null | Type::Any, t) | (t, Type::Null | Type::Any) => Some(t.clone()),
            (Type::Integer, Type::Number) | (Type::Number, Type::Integer) => Some(Type::Number),
            (Type::List(a), Type::List(b)) => a.unify(b).map(|t| Type::List(Box::new(t))),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Integer => f.write_str("whole number"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("boolean"),
            Type::Text => f.write_str("text"),
            Type::Date => f.write_str("date"),
            Type::List(t) => write!(f, "list of {t}"),
            Type::Null => f.write_str("null"),
            Type::Any => f.write_str("any value"),
        }
    }
}
