//! sendband reads a profile's JSON with a reader of its own (src/profile/reader.rs). These
//! properties hold it to serde_json: the same texts are JSON, and a profile written with any
//! white space and any escapes decodes exactly as the plain text of the same value.

use proptest::prelude::*;
use sendband::{Facts, ProfileErrors, RuleSet};
use serde_json::{Map, Value};
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::embedded(sendband::Date::new(2025, 1, 15).expect("date"))
            .expect("the embedded rule set loads")
    })
}

fn decode(text: &str) -> Result<Facts, ProfileErrors> {
    rules().facts_from_json(text)
}

/// The whole profile's problem when it is not JSON.
fn not_json(result: &Result<Facts, ProfileErrors>) -> Option<&str> {
    let e = result.as_ref().err()?.errors.first()?;
    (e.field == "(profile)" && e.message.starts_with("not valid JSON"))
        .then_some(e.message.as_str())
}

/// Texts with characters that must be escaped, that may be, and that take four bytes.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('a'),
            Just('"'),
            Just('\\'),
            Just('/'),
            Just('\n'),
            Just('\u{1}'),
            Just('\u{1f}'),
            Just('é'),
            Just('\u{ffff}'),
            Just('😀'),
            any::<char>(),
        ],
        0..6,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Keys a profile of the embedded rule set has, may have, or should not have.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("case_id".to_string()),
        Just("date_of_birth".to_string()),
        Just("setting".to_string()),
        Just("ehcp".to_string()),
        Just("needs".to_string()),
        Just("semh".to_string()),
        Just("needs.semh".to_string()),
        Just("sen_support".to_string()),
        Just("notional_spend".to_string()),
        Just("early_years".to_string()),
        Just("development".to_string()),
        text(),
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-5i64..5).prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0u32..100_000, 0u32..4).prop_map(|(n, places)| {
            let text = format!("{}.{:0>w$}", n / 100, n % 100, w = places as usize);
            serde_json::from_str(text.trim_end_matches('.')).expect("a number")
        }),
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
        Just(Value::String("2018-08-16".into())),
        Just(Value::String("mainstream_school".into())),
    ]
}

/// A profile-shaped value: an object of scalars, lists and objects a few levels deep.
fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn profile() -> impl Strategy<Value = Value> {
    prop::collection::vec((key(), value()), 0..8)
        .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>()))
}

/// How `render` writes a value: the white space between tokens and the escapes in strings,
/// taken in turn from these choices.
#[derive(Debug, Clone)]
struct Style {
    spaces: Vec<&'static str>,
    escapes: Vec<u8>,
}

fn style() -> impl Strategy<Value = Style> {
    (
        prop::collection::vec(
            prop::sample::select(vec!["", " ", "\n", "\t", "\r\n  "]),
            1..8,
        ),
        prop::collection::vec(0u8..4, 1..8),
    )
        .prop_map(|(spaces, escapes)| Style { spaces, escapes })
}

/// `value` as JSON text in `style`, written here rather than by serde_json so that every escape
/// JSON allows is used.
fn render(value: &Value, style: &Style, turn: &mut usize, out: &mut String) {
    let space = |out: &mut String, turn: &mut usize| {
        out.push_str(style.spaces[*turn % style.spaces.len()]);
        *turn += 1;
    };
    match value {
        Value::String(s) => render_string(s, style, turn, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(out, turn);
                render(item, style, turn, out);
                space(out, turn);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(out, turn);
                render_string(k, style, turn, out);
                space(out, turn);
                out.push(':');
                space(out, turn);
                render(v, style, turn, out);
                space(out, turn);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn render_string(s: &str, style: &Style, turn: &mut usize, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        let choice = style.escapes[*turn % style.escapes.len()];
        *turn += 1;
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '/' if choice == 1 => Some("\\/"),
            '\t' => Some("\\t"),
            '\r' => Some("\\r"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            _ => None,
        };
        match short {
            Some(escape) if choice != 2 => out.push_str(escape),
            _ if c < ' ' || choice >= 2 => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    if choice == 3 {
                        out.push_str(&format!("\\u{unit:04X}"));
                    } else {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any white space and any escapes give the decoding of the plain text: the same facts, or
    /// the same problems by field.
    #[test]
    fn white_space_and_escapes_decode_as_the_plain_text(profile in profile(), style in style()) {
        let plain = serde_json::to_string(&profile).expect("serializes");
        let mut styled = String::new();
        render(&profile, &style, &mut 0, &mut styled);
        let (a, b) = (decode(&plain), decode(&styled));
        prop_assert!(not_json(&a).is_none(), "{plain}: {a:?}");
        prop_assert_eq!(&a, &b, "{} and {}", plain, styled);
        if let (Ok(facts), Some(Value::String(id))) = (&a, profile.get("case_id")) {
            let id = id.trim();
            prop_assert_eq!(facts.case_id(), (!id.is_empty()).then_some(id));
        }
    }

    /// A text is refused as not JSON exactly when serde_json refuses it.
    #[test]
    fn the_same_texts_are_json(
        profile in profile(),
        style in style(),
        cut in any::<prop::sample::Index>(),
        put in prop::sample::select(vec!["", "\"", "\\", "{", "}", "[", "]", ",", ":", "0", "-",
            ".", "t", "n", "\\u", "\\ud83d", "\u{1}", " "]),
        remove in any::<bool>(),
    ) {
        let mut text = String::new();
        render(&profile, &style, &mut 0, &mut text);
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        if remove && at < text.len() {
            let end = (at + 1..=text.len()).find(|&e| text.is_char_boundary(e)).unwrap_or(at);
            text.replace_range(at..end, "");
        }
        text.insert_str(at, put);
        // Read as a Value, whose strings are decoded (a lone surrogate is refused): no "e" is
        // put in, so no number is too large for it.
        let serde = serde_json::from_str::<Value>(&text);
        let ours = decode(&text);
        match serde {
            Ok(Value::Object(_)) => prop_assert!(not_json(&ours).is_none(), "{text}: {ours:?}"),
            Ok(_) => {
                let e = ours.as_ref().err().and_then(|e| e.errors.first());
                prop_assert_eq!(e.map(|e| e.message.as_str()), Some("expected a JSON object"));
            }
            Err(e) => prop_assert!(not_json(&ours).is_some(), "{text}: serde_json: {e}; ours: {ours:?}"),
        }
    }
}

#[test]
fn a_problem_is_placed_by_line_and_column() {
    let cases = [
        (
            "{\"case_id\": \"P-2\", ",
            "EOF while parsing a value at line 1 column 19",
        ),
        (
            "{\"a\": 1,\n \"b\": tru}",
            "expected ident at line 2 column 10",
        ),
        (
            "{\"a\": \"x\ty\"}",
            "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 9",
        ),
        (
            "{\"a\": \"\\ud800x\"}",
            "unexpected end of hex escape at line 1 column 14",
        ),
        (
            "{\"a\": \"\\udc00\"}",
            "lone leading surrogate in hex escape at line 1 column 14",
        ),
        ("{\"a\": \"\\q\"}", "invalid escape at line 1 column 9"),
        ("{\"a\": 01}", "invalid number at line 1 column 8"),
        ("{\"a\": 1,}", "trailing comma at line 1 column 9"),
        ("{\"a\": [1,]}", "trailing comma at line 1 column 10"),
        ("{\"a\" 1}", "expected `:` at line 1 column 6"),
        (
            "{\"a\": 1 \"b\": 2}",
            "expected `,` or `}` at line 1 column 9",
        ),
        ("{\"a\": [1 2]}", "expected `,` or `]` at line 1 column 10"),
        ("{1: 2}", "key must be a string at line 1 column 2"),
        ("{} x", "trailing characters at line 1 column 4"),
        ("[1, 2", "EOF while parsing a list at line 1 column 5"),
        ("{\"a\": 1e}", "invalid number at line 1 column 9"),
        ("{\"a\": -}", "invalid number at line 1 column 8"),
        ("{\"a\": 1.}", "invalid number at line 1 column 9"),
    ];
    for (text, problem) in cases {
        let result = decode(text);
        assert_eq!(
            not_json(&result),
            Some(format!("not valid JSON: {problem}").as_str()),
            "{text}"
        );
    }
}

#[test]
fn every_form_of_json_value_is_read_through() {
    let text = r#"{"a": 1E+2, "b": -0.5e-3, "c": [[], {}, [{"d": [1, "x\"]", true, null]}]],
        "e": {"f": {"g": {}}}, "h": "\/\b\f\r\t"}"#;
    let result = decode(text);
    assert_eq!(not_json(&result), None, "{result:?}");
    let fields: Vec<&str> = result
        .as_ref()
        .err()
        .map(|e| e.errors.iter().map(|e| e.field.as_str()).collect())
        .unwrap_or_default();
    // Unknown fields are named in the order written, nested ones by their dotted names.
    assert_eq!(fields[..5], ["a", "b", "c", "e.f.g", "h"]);
}

#[test]
fn escaped_keys_and_texts_are_read_as_their_characters() {
    let profile = r#"{"case\u005fid": "A\u00e9\ud83d\ude00\n", "date_of_birth": "2018-08-16",
        "setting": "mainstream\u005Fschool", "needs": {"se\u006dh": 2}}"#;
    let facts = decode(profile).expect("a valid profile");
    assert_eq!(facts.case_id(), Some("Aé😀"));
    let given = decode(
        r#"{"case_id": "Aé😀\n", "date_of_birth": "2018-08-16", "setting": "mainstream_school",
            "needs": {"semh": 2}}"#,
    )
    .expect("a valid profile");
    assert_eq!(facts.values(), given.values());
}
