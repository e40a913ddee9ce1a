//! Rule-file values that take one of two JSON shapes (a condition as text or as cells, a
//! priority as a list or by output), read by hand: an error points at the value itself.
//!
//! serde's `untagged` enums read a value whole before trying each shape, so a mistake was
//! reported after the end of the object holding it, with the path of that object.

use super::family::{Priority, PriorityValue, When};
use serde::de::{Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<When, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = When;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a condition: an expression as text, or a list of cells as text")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<When, E> {
                Ok(When::Expr(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<When, A::Error> {
                let mut cells = Vec::new();
                while let Some(cell) = seq.next_element()? {
                    cells.push(cell);
                }
                Ok(When::Cells(cells))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for PriorityValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PriorityValue, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = PriorityValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value: a label or a decimal as text, or a whole number")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<PriorityValue, E> {
                Ok(PriorityValue::Text(v.to_string()))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<PriorityValue, E> {
                Ok(PriorityValue::Whole(v))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<PriorityValue, E> {
                i64::try_from(v)
                    .map(PriorityValue::Whole)
                    .map_err(|_| E::custom(format!("{v} is too large a whole number")))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Priority {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Priority, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Priority;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the first output's values in order, or an object of them by output")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Priority, A::Error> {
                let mut values = Vec::new();
                while let Some(v) = seq.next_element()? {
                    values.push(v);
                }
                Ok(Priority::First(values))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Priority, A::Error> {
                let mut by_output = BTreeMap::new();
                while let Some((output, values)) = map.next_entry::<String, Vec<PriorityValue>>()? {
                    if by_output.contains_key(&output) {
                        return Err(A::Error::custom(format!("duplicate output `{output}`")));
                    }
                    by_output.insert(output, values);
                }
                Ok(Priority::ByOutput(by_output))
            }
        }
        d.deserialize_any(V)
    }
}
