//! The rule set of issue 17, where the verbs once disagreed: a family reason whose condition is
//! a boolean input with no default. With no value for it, the condition cannot be decided, so
//! the family is `error` in every verb (`evaluate`, `explain`, `test`, `batch`, `diff`).

mod common;

use common::sendband;
use std::path::Path;

const INPUTS: &str = r#"[
  {"name": "points", "type": "integer", "label": "Points", "min": 0, "max": 10, "default": 0},
  {"name": "flag", "type": "boolean", "label": "Flag"}
]"#;

fn family(reason: bool) -> String {
    let reasons = if reason {
        r#"[{"when": "flag", "text": "the flag is set"}]"#
    } else {
        "[]"
    };
    format!(
        r#"{{"name": "f", "title": "F", "steps": [{{"name": "x", "let": "points * 2"}}],
  "outputs": [{{"name": "x", "value": "x"}}], "reasons": {reasons}}}"#
    )
}

const TESTS: &str = r#"{"tests": [
  {"name": "no flag: the reason's condition has no value", "on": "2024-09-01",
   "profile": {"case_id": "a", "points": 3},
   "expect": {"f": {"status": "error", "outputs": {"x": null},
                    "reasons_include": ["flag has no value (reasons)"]}}},
  {"name": "the flag given", "on": "2024-09-01",
   "profile": {"case_id": "b", "points": 3, "flag": true},
   "expect": {"f": {"status": "applied", "outputs": {"x": 6}}}}
]}"#;

/// The rule set in `dir/name`, with or without the family reason.
fn write(dir: &Path, name: &str, reason: bool) -> String {
    let root = dir.join(name);
    std::fs::create_dir_all(root.join("families")).expect("mkdir");
    std::fs::create_dir_all(root.join("tests")).expect("mkdir");
    std::fs::write(root.join("ruleset.json"), common::manifest(&["f"])).expect("write");
    std::fs::write(root.join("inputs.json"), INPUTS).expect("write");
    std::fs::write(root.join("families/f.json"), family(reason)).expect("write");
    if reason {
        std::fs::write(root.join("tests/cases.json"), TESTS).expect("write");
    }
    root.display().to_string()
}

const PROFILE: &str = r#"{"case_id": "a", "points": 3}"#;

#[test]
fn a_condition_with_no_value_is_an_error_in_every_verb() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = write(dir.path(), "with", true);
    let base = write(dir.path(), "without", false);
    let on = ["--on", "2024-09-01"];

    let evaluate = sendband(
        &[&["evaluate", "--rules", &rules][..], &on, &["-"]].concat(),
        PROFILE,
    );
    let decision: serde_json::Value = serde_json::from_str(&evaluate.stdout).expect("JSON");
    let f = &decision["results"]["f"];
    assert_eq!(f["status"], "error", "{}", evaluate.stdout);
    assert_eq!(f["outputs"]["x"], serde_json::Value::Null);
    assert_eq!(f["reasons"][0], "flag has no value (reasons)");

    let explain = sendband(
        &[&["explain", "--rules", &rules][..], &on, &["-"]].concat(),
        PROFILE,
    );
    assert!(
        explain.stdout.contains("flag has no value (reasons)"),
        "{}",
        explain.stdout
    );

    // The WASM API (which only forwards to `api::Engine`) gives the CLI's bytes, from the bundle.
    let bundle = sendband(&["bundle", &rules], "");
    assert_eq!(bundle.code, 0, "{}", bundle.stderr);
    let mut engine = sendband::api::Engine::new();
    let wasm = engine.evaluate(PROFILE, "2024-09-01", Some(&bundle.stdout));
    assert_eq!(
        wasm,
        evaluate.stdout.trim_end(),
        "the API differs from the CLI"
    );
    let wasm_explain = engine.explain(PROFILE, "2024-09-01", Some(&bundle.stdout), true);
    assert_eq!(wasm_explain.trim_end(), explain.stdout.trim_end());

    let test = sendband(&["test", &rules], "");
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);

    let cohort = dir.path().join("cohort.jsonl");
    std::fs::write(
        &cohort,
        format!(
            "{PROFILE}\n{}\n",
            r#"{"case_id": "b", "points": 3, "flag": true}"#
        ),
    )
    .expect("write");
    let out = dir.path().join("out.csv");
    let cohort = cohort.display().to_string();
    let out_path = out.display().to_string();
    let batch = sendband(
        &[
            &["batch", "--rules", &rules][..],
            &on,
            &["--input", &cohort, "--output", &out_path, "--quiet"],
        ]
        .concat(),
        "",
    );
    // A row with a family error makes the batch exit 1, as `evaluate` does.
    assert_eq!(batch.code, 1, "{}", batch.stderr);
    assert!(
        batch.stderr.contains("1 with a family error"),
        "{}",
        batch.stderr
    );
    let csv = std::fs::read_to_string(&out).expect("output");
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[1].starts_with("a,error,,"), "{csv}");
    assert!(rows[2].starts_with("b,applied,6,"), "{csv}");

    // Adding the reason changes case a (applied to error) and leaves b as it was.
    let changes = dir.path().join("changes.csv");
    let changes_path = changes.display().to_string();
    let diff = sendband(
        &[
            &["diff", "--base", &base, "--proposed", &rules][..],
            &on,
            &["--cohort", &cohort, "--changes", &changes_path],
        ]
        .concat(),
        "",
    );
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let changed = std::fs::read_to_string(&changes).expect("changes");
    let changed: Vec<&str> = changed.lines().skip(1).collect();
    assert_eq!(changed.len(), 1, "{changed:?}\n{}", diff.stdout);
    // Row 1 of the cohort, case a, family f: applied to error.
    assert!(
        changed[0].starts_with("1,a,f,applied,error,"),
        "{changed:?}"
    );
}
