//! A JSON profile decoded in one pass: each key finds its input through the tree of names and
//! its value is checked into the input's slot, with no name built and no number converted twice.

use super::names::Level;
use super::reader::{Key, Reader, Syntax};
use super::{Decoder, FieldError, CASE_ID, MAX_NESTING};
use crate::input::Raw;

/// Decode `text` into `d` (already begun). `Err` is the whole profile's one problem: not JSON,
/// or not an object.
pub(super) fn decode(d: &mut Decoder<'_>, text: &str) -> Result<(), String> {
    let mut r = Reader::new(text);
    let read = if r.peek() == Some(b'{') {
        group(d, &mut r, &d.names.top, true).and_then(|()| r.end())
    } else {
        match r.skip().and_then(|()| r.end()) {
            Ok(()) => return Err("expected a JSON object".to_string()),
            Err(e) => Err(e),
        }
    };
    read.map_err(|e| format!("not valid JSON: {}", e.message(text)))
}

/// The fields of the object that is next, below `level`; `top` for the profile itself.
fn group(d: &mut Decoder<'_>, r: &mut Reader<'_>, level: &Level, top: bool) -> Result<(), Syntax> {
    r.open();
    let mut first = true;
    let mut next = 0;
    while let Some(key) = r.next_key(&mut first, level.next_name(next))? {
        let (key, node) = match key {
            Key::Expected => (level.next_name(next).into(), level.take_next(&mut next)),
            Key::Named(key) => {
                let node = level.find_next(&key, &mut next);
                (key, node)
            }
        };
        let is_case_id = top && *key == *CASE_ID;
        if let Some(sub) = node.and_then(|n| n.level.as_ref().filter(|_| n.input.is_none())) {
            if d.object_given(sub) {
                r.skip()?;
            } else if r.peek() == Some(b'{') {
                group(d, r, sub, false)?;
            } else {
                not_object(d, sub, r.value()?);
            }
            continue;
        }
        if r.peek() == Some(b'{') {
            if is_case_id {
                d.case_id_raw(Raw::Nested);
            }
            match node.filter(|n| n.input.is_some()).map(|n| n.level.as_ref()) {
                // An input and a group share this name: the object is the group's.
                Some(Some(sub)) if d.object_given(sub) => r.skip()?,
                Some(Some(sub)) => group(d, r, sub, false)?,
                // Fields below an input's name: no input is named so, as in a dotted key.
                Some(None) => unknown(d, r, &level.full_name(&key), 1 + level_depth(level))?,
                None if is_case_id => r.skip()?,
                None => unknown(d, r, &level.full_name(&key), 1 + level_depth(level))?,
            }
            continue;
        }
        let raw = r.value()?;
        if is_case_id {
            d.case_id_raw(raw);
        }
        match node.and_then(|n| n.input) {
            Some(slot) => d.input(slot, raw),
            None if is_case_id => {}
            None => d.unknown(&level.full_name(&key)),
        }
    }
    Ok(())
}

/// A value where `level`'s object of fields belongs: a problem of the field (null gives none).
fn not_object(d: &mut Decoder<'_>, level: &Level, raw: Raw<'_>) {
    let found = match raw {
        Raw::Null => return,
        Raw::Bool(b) => b.to_string(),
        Raw::Number(n) | Raw::Cell(n) => n.to_string(),
        Raw::Str(s) => format!("text {s:?}"),
        Raw::Nested => "a list".to_string(),
    };
    d.errors.push(FieldError {
        field: level.prefix.to_string(),
        message: format!(
            "expected an object of fields ({}), found {found}",
            level.examples()
        ),
    });
}

/// How deep a level is, the top being 0.
fn level_depth(level: &Level) -> usize {
    if level.prefix.is_empty() {
        0
    } else {
        1 + level.prefix.matches('.').count()
    }
}

/// The object that is next, under a name no input has: each of its fields is reported as
/// unknown, by its dotted name.
fn unknown(
    d: &mut Decoder<'_>,
    r: &mut Reader<'_>,
    name: &str,
    depth: usize,
) -> Result<(), Syntax> {
    if depth >= MAX_NESTING {
        d.errors.push(FieldError {
            field: name.to_string(),
            message: format!(
                "objects nest more than {MAX_NESTING} deep here; no input is named that deep"
            ),
        });
        return r.skip();
    }
    r.open();
    let mut first = true;
    while let Some(Key::Named(key)) = r.next_key(&mut first, "")? {
        let field = format!("{name}.{key}");
        if r.peek() == Some(b'{') {
            unknown(d, r, &field, depth + 1)?;
        } else {
            r.skip()?;
            d.unknown(&field);
        }
    }
    if first {
        d.unknown(name);
    }
    Ok(())
}
