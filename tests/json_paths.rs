//! The JSON path of a rule file's parse error, found from where serde_json stopped, against
//! serde_path_to_error (which tracks the path while reading, and which the loader used before
//! it cost the browser's module a sixth of its size): the same path for every error of a
//! value's type or content in thousands of damaged copies of the shipped rule files.

use sendband::format::{FamilySpec, InputSpec, Manifest, RowSpec, TableSpec};
use sendband::ruleset::source::parse_json;
use sendband::LoadError;
use serde::de::DeserializeOwned;
use std::path::Path;

/// serde_path_to_error's path in the loader's notation (`$`, `$.steps[0].when`, `$[3].name`).
fn tracked<T: DeserializeOwned>(text: &str) -> Option<(String, serde_json::error::Category)> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    parsed.err().map(|e| {
        let path = e.path().to_string();
        let path = match path.as_str() {
            "." => "$".to_string(),
            // A top-level array's elements: `$[3]`, as the loader's own checks write them.
            p if p.starts_with('[') && e.path().iter().next().is_some_and(is_seq) => {
                format!("${p}")
            }
            p => format!("$.{p}"),
        };
        (path, e.inner().classify())
    })
}

fn is_seq(s: &serde_path_to_error::Segment) -> bool {
    matches!(s, serde_path_to_error::Segment::Seq { .. })
}

fn found<T: DeserializeOwned>(text: &str) -> Option<String> {
    match parse_json::<T>("f.json", text) {
        Ok(_) => None,
        Err(LoadError::Json { json_path, .. }) => Some(json_path),
        Err(e) => panic!("not a JSON error: {e}"),
    }
}

/// Damage `text` at every `step`th character in several ways, and compare the paths of the
/// errors of content (not of JSON syntax, where serde_path_to_error's path is arbitrary, such
/// as `$.?`). Returns how many were compared.
fn compare<T: DeserializeOwned>(name: &str, text: &str, step: usize) -> usize {
    let damage = [
        "",
        "x",
        "1",
        "1.5",
        "\"s\"",
        "{}",
        "[]",
        "null",
        "true",
        "{\"zz\": 1}",
        "[1]",
    ];
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for at in (0..text.len()).step_by(step) {
        for with in damage {
            for cut in [0, 1, 3] {
                let (Some(before), Some(after)) = (text.get(..at), text.get(at + cut..)) else {
                    continue;
                };
                let damaged = format!("{before}{with}{after}");
                let Some((path, category)) = tracked::<T>(&damaged) else {
                    continue;
                };
                if category != serde_json::error::Category::Data {
                    continue;
                }
                compared += 1;
                let ours = found::<T>(&damaged);
                if ours.as_deref() != Some(path.as_str()) {
                    mismatches.push(format!(
                        "{name} at {at}, {with:?} for {cut}: {path} vs {ours:?}"
                    ));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    compared
}

#[test]
fn paths_of_errors_are_those_serde_path_to_error_tracks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let read = |p: &Path| std::fs::read_to_string(p).expect("a rule file");
    let mut compared = 0;
    for dir in ["haringey/2024-25", "herefordshire/2021-04"] {
        let dir = root.join(dir);
        compared += compare::<Manifest>("ruleset.json", &read(&dir.join("ruleset.json")), 7);
        compared += compare::<Vec<InputSpec>>("inputs.json", &read(&dir.join("inputs.json")), 17);
        let mut families: Vec<_> = std::fs::read_dir(dir.join("families"))
            .expect("families")
            .map(|f| f.expect("a file").path())
            .collect();
        families.sort();
        for f in families {
            compared += compare::<FamilySpec>(&f.display().to_string(), &read(&f), 17);
        }
    }
    // Enough damaged files to reach every kind of value the rule files hold.
    assert!(compared > 10_000, "only {compared} errors compared");
}

/// A value of one of two shapes (a row's condition, a table's priority) that is neither is
/// reported at the value, even as the last field of its object, where an error found after
/// reading the whole value used to be placed after the object (with the object's path).
#[test]
fn a_value_of_neither_shape_is_reported_where_it_is() {
    let err = |text: &str| match parse_json::<Vec<RowSpec>>("f.json", text) {
        Err(LoadError::Json {
            json_path, message, ..
        }) => (json_path, message),
        other => panic!("{other:?}"),
    };
    let (path, message) = err(r#"[{"when": "true", "then": {}}, {"then": {}, "when": 5}]"#);
    assert_eq!(path, "$[1].when");
    assert_eq!(
        message,
        "invalid type: integer `5`, expected a condition: an expression as text, or a list of \
         cells as text"
    );
    assert_eq!(err(r#"[{"then": {}, "when": ["-", 2]}]"#).0, "$[0].when[1]");
    let table = |text: &str| match parse_json::<TableSpec>("f.json", text) {
        Err(LoadError::Json {
            json_path, message, ..
        }) => format!("{json_path}: {message}"),
        other => panic!("{other:?}"),
    };
    let rows = r#""inputs": [], "outputs": ["band"], "rows": [], "hit_policy": "PRIORITY""#;
    assert_eq!(
        table(&format!(
            r#"{{{rows}, "priority": {{"band": ["A"], "band": ["B"]}}}}"#
        )),
        "$.priority: duplicate output `band`"
    );
    assert_eq!(
        table(&format!(r#"{{{rows}, "priority": ["A", 2.5]}}"#)),
        "$.priority[1]: invalid type: floating point `2.5`, expected a value: a label or a \
         decimal as text, or a whole number"
    );
}
