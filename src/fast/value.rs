//! The compiled tier's values: copyable, with every text the rule set knows interned as a
//! number, so a case is a flat array that is cheap to fill, read and compare.

use crate::expr::Value;
use crate::input::Input;
use crate::Date;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;

/// A value in the compiled tier. Texts the rule set mentions (constants, enum values, range
/// and lookup labels) are interned as [`Syms`] ids; anything else (free text, lists) is
/// `Opaque`, a pointer back to the slot of the case's own value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum V {
    Null,
    Num(Decimal),
    Bool(bool),
    Text(u32),
    Date(Date),
    /// A value the compiled tier holds only by reference: the slot where the interpreter's
    /// value lies (an input or a constant).
    Opaque(u32),
}

impl V {
    pub fn is_null(self) -> bool {
        matches!(self, V::Null)
    }
}

/// `==` as the interpreter has it, or `None` when only the texts themselves could tell.
///
/// Every interned text is known, so an opaque value (a text the rule set never mentions, or a
/// list) differs from each of them; two opaque values could still be equal.
#[inline]
pub(crate) fn same(a: V, b: V) -> Option<bool> {
    Some(match (a, b) {
        (V::Opaque(_), V::Opaque(_)) => return None,
        (V::Null, V::Null) => true,
        (V::Num(x), V::Num(y)) => cmp_num(x, y) == std::cmp::Ordering::Equal,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Text(x), V::Text(y)) => x == y,
        (V::Date(x), V::Date(y)) => x == y,
        _ => false,
    })
}

/// The order of two numbers, comparing whole numbers written without decimals directly (most
/// values in rules are levels, counts and scores) rather than aligning scales first.
#[inline]
pub(crate) fn cmp_num(x: Decimal, y: Decimal) -> std::cmp::Ordering {
    if x.scale() == 0 && y.scale() == 0 {
        x.mantissa().cmp(&y.mantissa())
    } else {
        x.cmp(&y)
    }
}

/// The interned texts of one rule set.
#[derive(Debug, Clone, Default)]
pub(crate) struct Syms {
    texts: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32>,
}

impl Syms {
    /// The id of a text, added when new.
    pub fn intern(&mut self, text: &Arc<str>) -> Option<u32> {
        if let Some(&id) = self.ids.get(text) {
            return Some(id);
        }
        let id = u32::try_from(self.texts.len()).ok()?;
        self.texts.push(text.clone());
        self.ids.insert(text.clone(), id);
        Some(id)
    }

    /// The id of a text already interned.
    pub fn find(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }

    /// The text of an id.
    pub fn text(&self, id: u32) -> Option<&Arc<str>> {
        self.texts.get(id as usize)
    }

    /// A constant of the interpreter as a compiled value; lists have no compiled form.
    pub fn constant(&mut self, v: &Value) -> Option<V> {
        Some(match v {
            Value::Null => V::Null,
            Value::Number(n) => V::Num(*n),
            Value::Bool(b) => V::Bool(*b),
            Value::Text(t) => V::Text(self.intern(t)?),
            Value::Date(d) => V::Date(*d),
            Value::List(_) => return None,
        })
    }
}

/// How each input's values become compiled values: an enum's shared labels are recognised by
/// address first (every validated profile holds those very labels), then by their text.
#[derive(Debug, Clone)]
pub(crate) struct InputCodes {
    labels: Vec<Vec<(Arc<str>, u32)>>,
}

impl InputCodes {
    pub fn new(inputs: &[Input], syms: &mut Syms) -> InputCodes {
        let labels = inputs
            .iter()
            .map(|i| {
                i.labels()
                    .iter()
                    .filter_map(|l| match l {
                        Value::Text(t) => Some((t.clone(), syms.intern(t)?)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        InputCodes { labels }
    }

    /// The compiled value of input `slot`'s value.
    #[inline]
    pub fn code(&self, slot: usize, v: &Value, syms: &Syms) -> V {
        match v {
            Value::Null => V::Null,
            Value::Number(n) => V::Num(*n),
            Value::Bool(b) => V::Bool(*b),
            Value::Date(d) => V::Date(*d),
            Value::Text(t) => {
                let shared = self
                    .labels
                    .get(slot)
                    .and_then(|ls| ls.iter().find(|(l, _)| Arc::ptr_eq(l, t)));
                match shared {
                    Some((_, id)) => V::Text(*id),
                    None => syms.find(t).map_or(V::Opaque(slot as u32), V::Text),
                }
            }
            Value::List(_) => V::Opaque(slot as u32),
        }
    }
}
