//! A JSON profile decoded in one pass: each key finds its input through the tree of names and
//! its value is checked into the input's slot, with no name built and no number converted twice.

use super::names::Level;
use super::{Decoder, FieldError, CASE_ID, MAX_NESTING};
use crate::input::Raw;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// Decode `text` into `d` (already begun). `Err` is the whole profile's one problem: not JSON,
/// or not an object.
pub(super) fn decode(d: &mut Decoder<'_>, text: &str) -> Result<(), String> {
    let names = d.names;
    let mut de = serde_json::Deserializer::from_str(text);
    let group = Group {
        d,
        level: &names.top,
        top: true,
    };
    let read = de::Deserializer::deserialize_any(&mut de, group).and_then(|()| de.end());
    read.map_err(|e| {
        if e.is_data() {
            "expected a JSON object".to_string()
        } else {
            format!("not valid JSON: {e}")
        }
    })
}

/// The fields of one object, below `level`.
struct Group<'a, 'r> {
    d: &'a mut Decoder<'r>,
    level: &'r Level,
    /// The profile itself, which must be an object.
    top: bool,
}

impl<'de> DeserializeSeed<'de> for Group<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Group<'_, '_> {
    /// A value where this level's object belongs: a problem of the field (null gives nothing).
    fn not_object<E: de::Error>(self, found: &str, unexpected: de::Unexpected) -> Result<(), E> {
        if self.top {
            return Err(E::invalid_type(unexpected, &"a JSON object"));
        }
        self.d.errors.push(FieldError {
            field: self.level.prefix.to_string(),
            message: format!(
                "expected an object of fields ({}), found {found}",
                self.level.examples()
            ),
        });
        Ok(())
    }
}

impl<'de> Visitor<'de> for Group<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Group { d, level, top } = self;
        let mut next = 0;
        while let Some(key) = map.next_key_seed(Key)? {
            let node = level.find_next(&key, &mut next);
            if let Some(sub) = node.and_then(|n| n.level.as_ref().filter(|_| n.input.is_none())) {
                if d.object_given(sub) {
                    map.next_value::<IgnoredAny>()?;
                } else {
                    map.next_value_seed(Group {
                        d: &mut *d,
                        level: sub,
                        top: false,
                    })?;
                }
                continue;
            }
            let raw: &'de RawValue = map.next_value()?;
            let text = raw.get();
            if top && *key == *CASE_ID {
                d.case_id(text);
            }
            match node.and_then(|n| n.input.map(|i| (i, n))) {
                Some((_, n)) if text.starts_with('{') && n.level.is_some() => {
                    // An input and a group share this name: the object is the group's.
                    if let Some(sub) = n.level.as_ref().filter(|sub| !d.object_given(sub)) {
                        let mut inner = serde_json::Deserializer::from_str(text);
                        de::Deserializer::deserialize_any(
                            &mut inner,
                            Group {
                                d: &mut *d,
                                level: sub,
                                top: false,
                            },
                        )
                        .map_err(de::Error::custom)?;
                    }
                }
                Some((_, n)) if text.starts_with('{') && n.level.is_none() => {
                    // Fields below an input's name: no input is named so, as in a dotted key.
                    unknown(d, &level.full_name(&key), text, 1 + level_depth(level))
                }
                Some((slot, _)) => with_raw(text, |raw| d.input(slot, raw))
                    .map_err(|e| de::Error::custom(format!("{e}")))?,
                None if top && *key == *CASE_ID => {}
                None => unknown(d, &level.full_name(&key), text, 1 + level_depth(level)),
            }
        }
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.not_object(&v.to_string(), de::Unexpected::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.not_object(&v.to_string(), de::Unexpected::Signed(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.not_object(&v.to_string(), de::Unexpected::Unsigned(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.not_object(&v.to_string(), de::Unexpected::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.not_object(&format!("text {v:?}"), de::Unexpected::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if self.top {
            return Err(E::invalid_type(de::Unexpected::Unit, &"a JSON object"));
        }
        // An object of fields given as null gives none of them.
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_object("a list", de::Unexpected::Seq)
    }
}

/// How deep a level is, the top being 0.
fn level_depth(level: &Level) -> usize {
    if level.prefix.is_empty() {
        0
    } else {
        1 + level.prefix.matches('.').count()
    }
}

/// A key, borrowed from the profile unless it has escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// A value's JSON text as a raw field: numbers exactly as written, strings decoded (copied only
/// when they hold escapes).
pub(super) fn with_raw<T>(
    text: &str,
    f: impl FnOnce(Raw<'_>) -> T,
) -> Result<T, serde_json::Error> {
    Ok(match text.as_bytes().first() {
        Some(b'"') => {
            let inner = &text[1..text.len() - 1];
            // A plain loop: these strings are short, and a call to memchr costs more.
            if inner.bytes().any(|b| b == b'\\') {
                let s: String = serde_json::from_str(text)?;
                f(Raw::Str(&s))
            } else {
                f(Raw::Str(inner))
            }
        }
        Some(b't') => f(Raw::Bool(true)),
        Some(b'f') => f(Raw::Bool(false)),
        Some(b'n') => f(Raw::Null),
        Some(b'{' | b'[') => f(Raw::Nested),
        _ => f(Raw::Number(text)),
    })
}

/// A key no input has: each of its fields is reported as unknown, by its dotted name.
fn unknown(d: &mut Decoder<'_>, name: &str, text: &str, depth: usize) {
    if !text.starts_with('{') {
        d.unknown(name);
        return;
    }
    if depth >= MAX_NESTING {
        d.errors.push(FieldError {
            field: name.to_string(),
            message: format!(
                "objects nest more than {MAX_NESTING} deep here; no input is named that deep"
            ),
        });
        return;
    }
    match serde_json::from_str::<BTreeMap<String, &RawValue>>(text) {
        Ok(inner) if inner.is_empty() => d.unknown(name),
        Ok(inner) => {
            for (key, raw) in inner {
                unknown(d, &format!("{name}.{key}"), raw.get(), depth + 1);
            }
        }
        Err(e) => d.errors.push(FieldError {
            field: name.to_string(),
            message: format!("not valid JSON: {e}"),
        }),
    }
}
