//! One case's values during a compiled run, and what every node needs of them: a value as the
//! decision shows it, equality and order across every kind, and the words for a failure.

use super::{Ref, Syms, V};
use crate::expr::{EvalError, Value};
use crate::Date;
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::cmp::Ordering;

/// A failure of one case, in words (boxed, so a result is as small as its value).
pub(crate) type Fail = Box<EvalError>;
/// A result of compiled code.
pub(crate) type R<T> = Result<T, Fail>;

/// What a case starts with, read where it lies rather than copied for every case: the
/// validated inputs (slots from 0), then the rule set's constants. Step values follow them.
#[derive(Clone, Copy)]
pub(crate) struct Given<'a> {
    pub inputs: &'a [Value],
    pub constants: &'a [Value],
}

/// One case's values during a compiled run: inputs, then constants, then step values.
pub(crate) struct Regs<'a> {
    pub v: &'a mut [V],
    pub on: Date,
    pub syms: &'a Syms,
    /// The case's numbers too wide to hold in place ([`V::wide`], [`Ref::Wide`]); only pushed to.
    pub wide: &'a RefCell<Vec<Decimal>>,
    /// The case's inputs and the rule set's constants, where opaque values ([`Ref::Opaque`]) are.
    pub given: Given<'a>,
    /// Lists ([`Ref::Boxed`]): the rule set's constant lists, then those the case made.
    pub heap: &'a RefCell<Vec<Value>>,
}

impl Regs<'_> {
    /// The value in a slot (`None` only for a slot that does not exist).
    #[inline]
    pub fn at(&self, slot: u32) -> Option<V> {
        self.v.get(slot as usize).copied()
    }

    /// Store a step's value.
    #[inline]
    pub fn set(&mut self, slot: u32, value: V) {
        if let Some(place) = self.v.get_mut(slot as usize) {
            *place = value;
        }
    }

    /// A list made for this case, kept until the next case.
    pub fn boxed(&self, value: Value) -> V {
        match self.heap.try_borrow_mut() {
            Ok(mut heap) => {
                heap.push(value);
                V::boxed(u32::try_from(heap.len() - 1).unwrap_or(u32::MAX))
            }
            Err(_) => V::NULL,
        }
    }

    /// The value of an opaque slot (an input or a constant).
    fn opaque(&self, slot: u32) -> Option<&Value> {
        opaque_in(&self.given, slot)
    }

    /// The value as the decision shows it.
    pub fn value(&self, v: V) -> Value {
        value_of(v, self.syms, &self.given, self.wide, self.heap)
    }

    /// The text of a text value (interned or the case's own).
    pub fn text(&self, v: V) -> Option<&str> {
        match v.view() {
            Ref::Text(id) => self.syms.text(id).map(|t| &**t),
            Ref::Opaque(slot) => self.opaque(slot)?.as_text(),
            _ => None,
        }
    }

    /// The name of a value's kind, for error messages.
    pub fn kind_name(&self, v: V) -> &'static str {
        match v.view() {
            Ref::Null => "no value",
            Ref::Num(_) | Ref::Wide(_) => "number",
            Ref::Bool(_) => "boolean",
            Ref::Text(_) => "text",
            Ref::Date(_) => "date",
            Ref::Opaque(_) | Ref::Boxed(_) => self.value(v).kind_name(),
        }
    }

    /// `==`: numbers by value (`2 == 2.0`), null equal only to null, anything else by kind and
    /// content.
    #[inline(always)]
    pub fn same(&self, a: V, b: V) -> bool {
        if a.is_number() && b.is_number() {
            if let Some(o) = self.cmp_num(a, b) {
                return o == Ordering::Equal;
            }
        }
        match (a.view(), b.view()) {
            (Ref::Opaque(_) | Ref::Boxed(_), _) | (_, Ref::Opaque(_) | Ref::Boxed(_)) => {
                self.value(a) == self.value(b)
            }
            // Nulls, booleans, interned texts and dates are equal exactly when their words are.
            _ => a == b,
        }
    }

    /// The order of two values of one orderable kind (numbers, texts or dates).
    pub fn order(&self, x: V, y: V) -> Option<Ordering> {
        match (x.view(), y.view()) {
            (Ref::Num(_) | Ref::Wide(_), Ref::Num(_) | Ref::Wide(_)) => self.cmp_num(x, y),
            (Ref::Date(p), Ref::Date(q)) => Some(p.cmp(&q)),
            _ => Some(self.text(x)?.cmp(self.text(y)?)),
        }
    }
}

/// The value of an opaque slot: an input, or a constant after the inputs.
pub(crate) fn opaque_in<'a>(given: &Given<'a>, slot: u32) -> Option<&'a Value> {
    let s = slot as usize;
    let inputs = given.inputs.len();
    if s < inputs {
        given.inputs.get(s)
    } else {
        given.constants.get(s - inputs)
    }
}

/// A compiled value as the decision shows it, read from where a case keeps it.
pub(crate) fn value_of(
    v: V,
    syms: &Syms,
    given: &Given,
    wide: &RefCell<Vec<Decimal>>,
    heap: &RefCell<Vec<Value>>,
) -> Value {
    match v.view() {
        Ref::Null => Value::Null,
        Ref::Num(n) => Value::Number(n.dec()),
        Ref::Wide(i) => wide
            .try_borrow()
            .ok()
            .and_then(|w| w.get(i as usize).copied())
            .map_or(Value::Null, Value::Number),
        Ref::Bool(b) => Value::Bool(b),
        Ref::Date(d) => d.date().map_or(Value::Null, Value::Date),
        Ref::Text(id) => syms
            .text(id)
            .map_or(Value::Null, |t| Value::Text(t.clone())),
        Ref::Opaque(slot) => opaque_in(given, slot).cloned().unwrap_or(Value::Null),
        Ref::Boxed(i) => heap
            .try_borrow()
            .ok()
            .and_then(|h| h.get(i as usize).cloned())
            .unwrap_or(Value::Null),
    }
}

/// `label has no value`.
#[cold]
pub(crate) fn no_value(label: &str) -> Fail {
    Box::new(EvalError::NoValue {
        name: label.to_string(),
    })
}

/// The error for a value of the wrong kind (no value is [`no_value`]).
#[cold]
pub(crate) fn bad(r: &Regs, label: &str, v: V, wanted: &str) -> Fail {
    if v.is_null() {
        return no_value(label);
    }
    Box::new(EvalError::Other(format!(
        "{label} is {}, but {wanted} was needed",
        r.kind_name(v)
    )))
}

/// Any other failure, in words.
#[cold]
pub(crate) fn other(message: String) -> Fail {
    Box::new(EvalError::Other(message))
}

/// A result too large for an exact decimal, in `expr`.
#[cold]
pub(crate) fn overflow(expr: &str) -> Fail {
    Box::new(EvalError::Overflow {
        expr: expr.to_string(),
    })
}

/// A division by zero, in `expr`.
#[cold]
pub(crate) fn division_by_zero(expr: &str) -> Fail {
    Box::new(EvalError::DivisionByZero {
        expr: expr.to_string(),
    })
}
