//! The JSON path at a place in a rule file's text: where a parse error points, named as the
//! rule author wrote it (`$.steps[2].ranges`), found by reading the text up to that place.

/// Where the reading is: one entry per object or array opened and not yet closed.
enum Frame {
    /// An object, the key whose value is being read (from the key on, until the next comma),
    /// and whether the colon after the key has been read.
    Object(Option<String>, bool),
    /// An array, the index of the element being read, and whether anything of the array but
    /// white space has been read since its opening bracket.
    Array(usize, bool),
}

/// What went wrong where the path is asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Any error: a key just read is where it is.
    Any,
    /// A name that is not one of an enum's variants: a key just read (with no colon after it
    /// yet) is that name, so the path is the enum's own.
    UnknownVariant,
    /// An array where something else belongs: an array just opened is that array, not its
    /// first element.
    Sequence,
}

/// The JSON path (`$`, `$.families[1]`, `$.steps[0].lookup.values.A1`) of the value being read
/// after the first `offset` bytes of `text`: a key counts from when its closing quote is read,
/// an object or array ends at its closing bracket. The text before `offset` need not be valid
/// JSON to the end; a parse error's position is where reading stopped.
pub(crate) fn at_offset(text: &str, offset: usize, stop: Stop) -> String {
    let bytes = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii_whitespace() {
            if let Some(Frame::Array(_, began)) = frames.last_mut() {
                *began = true;
            }
        }
        match b {
            b'{' => frames.push(Frame::Object(None, false)),
            b'[' => frames.push(Frame::Array(0, false)),
            b':' => {
                if let Some(Frame::Object(_, colon)) = frames.last_mut() {
                    *colon = true;
                }
            }
            b'}' | b']' => {
                frames.pop();
            }
            b',' => match frames.last_mut() {
                Some(Frame::Object(key, colon)) => (*key, *colon) = (None, false),
                Some(Frame::Array(index, _)) => *index += 1,
                None => {}
            },
            b'"' => {
                let end = string_end(bytes, i + 1);
                if let (Some(Frame::Object(key @ None, _)), Some(end)) = (frames.last_mut(), end) {
                    // A string where a key is expected is the key.
                    let raw = text.get(i..=end).unwrap_or_default();
                    *key = Some(serde_json::from_str::<String>(raw).unwrap_or_default());
                }
                match end {
                    Some(end) => i = end,
                    None => break,
                }
            }
            _ => {}
        }
        i += 1;
    }
    // serde_json stops before the array it refuses when that array is an element, and inside
    // it when it is a value (having read its bracket): the next byte tells which.
    let next = text.as_bytes().get(offset..).unwrap_or_default();
    let refused_is_next = next.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let stop = match stop {
        Stop::Sequence if refused_is_next => Stop::Any,
        other => other,
    };
    let mut path = "$".to_string();
    for frame in &frames {
        match frame {
            Frame::Object(Some(_), false) if stop == Stop::UnknownVariant => break,
            Frame::Array(_, false) if stop == Stop::Sequence => break,
            Frame::Object(Some(key), _) => {
                path.push('.');
                path.push_str(key);
            }
            Frame::Array(index, _) => path.push_str(&format!("[{index}]")),
            Frame::Object(None, _) => break,
        }
    }
    path
}

/// The index of the quote that closes a string whose text starts at `from`, if it is there.
fn string_end(bytes: &[u8], mut from: usize) -> Option<usize> {
    while let Some(&b) = bytes.get(from) {
        match b {
            b'"' => return Some(from),
            b'\\' => from += 2,
            _ => from += 1,
        }
    }
    None
}

/// The byte offset of a 1-based line and a column counted in bytes, as serde_json reports them.
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start = match line {
        0 | 1 => 0,
        _ => text
            .match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    (start + column).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::{at_offset, offset_of, Stop};

    /// The path after the text up to the marker `|`.
    fn path(marked: &str) -> String {
        let at = marked.find('|').expect("a marker");
        at_offset(&marked.replace('|', ""), at, Stop::Any)
    }

    #[test]
    fn paths_name_keys_and_indexes_as_written() {
        assert_eq!(path("|{}"), "$");
        assert_eq!(
            path(r#"{"steps": [{"a": 1}, {"reasn"|: 2}]}"#),
            "$.steps[1].reasn"
        );
        assert_eq!(path(r#"{"steps": [{"a": 1}, {"b": 2}|]}"#), "$.steps[1]");
        assert_eq!(path(r#"{"steps": [{"a": 1}, {"b": 2}], |"c": 3}"#), "$");
        assert_eq!(
            path(r#"{"a": {"values": {"A1": {"15": 125.5|}}}}"#),
            "$.a.values.A1.15"
        );
        // Brackets, commas and escaped quotes inside strings are text, not structure.
        assert_eq!(path(r#"{"x": "[{,\"", "k\"ey": [1, 2|]}"#), "$.k\"ey[1]");
        assert_eq!(path(r#"{"a": [[1, 2], [3|"#), "$.a[1][0]");
        // An element is being read from its array's opening bracket or comma on.
        assert_eq!(path(r#"{"a": [1, 2], "b": [|"#), "$.b[0]");
        assert_eq!(path(r#"{"a": [1, |"#), "$.a[1]");
        // The name of an enum's variant, in `{"variant": ...}`, is not a field.
        let text = r#"{"basis": {"zz": 1}}"#;
        assert_eq!(at_offset(text, 15, Stop::UnknownVariant), "$.basis");
        assert_eq!(at_offset(text, 15, Stop::Any), "$.basis.zz");
        // An array where a value belongs is that value; a wrong element is the element.
        let text = r#"{"min": [ "a"]}"#;
        assert_eq!(at_offset(text, 10, Stop::Sequence), "$.min");
        assert_eq!(at_offset(text, 10, Stop::Any), "$.min[0]");
        let text = r#"{"families": [[1]]}"#;
        assert_eq!(at_offset(text, 14, Stop::Sequence), "$.families[0]");
        // A key not yet read in full is not part of the path.
        assert_eq!(path(r#"{"a": {"b": 1, "unfin|"#), "$.a");
    }

    #[test]
    fn offsets_count_lines_from_one_and_columns_in_bytes() {
        let text = "{\n  \"é\": 1,\n  \"b\": x\n}";
        assert_eq!(offset_of(text, 1, 1), 1);
        assert_eq!(&text[..offset_of(text, 3, 8)], "{\n  \"é\": 1,\n  \"b\": x");
        assert_eq!(offset_of(text, 9, 9), text.len());
    }
}
