//! The text-in, JSON-out API the WASM bindings expose: the same bytes as the CLI, structured
//! errors of every kind, validation, and the form description a web form is generated from.

mod common;
use common::sendband;
use sendband::api::Engine;
use serde_json::Value;

const BAND_C: &str = include_str!("../examples/haringey-band-c.json");
const HEREFORDSHIRE_A1: &str = include_str!("../examples/herefordshire-a1.json");

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn herefordshire_bundle() -> String {
    let run = sendband(&["bundle", "rules/herefordshire/2021-04"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn evaluate_and_explain_give_exactly_what_the_cli_prints() {
    let mut engine = Engine::new();
    let cli = sendband(&["evaluate", "--on", "2024-09-01", "-"], BAND_C);
    assert_eq!(cli.code, 0);
    assert_eq!(
        engine.evaluate(BAND_C, "2024-09-01", None) + "\n",
        cli.stdout
    );
    let cli = sendband(&["explain", "--on", "2024-09-01", "-"], BAND_C);
    assert_eq!(engine.explain(BAND_C, "2024-09-01", None, true), cli.stdout);
    assert!(cli.stdout.contains("\nWhat would change the result"));
    // Without what-if, as `explain --no-what-if` prints it.
    let cli = sendband(
        &["explain", "--on", "2024-09-01", "--no-what-if", "-"],
        BAND_C,
    );
    assert_eq!(
        engine.explain(BAND_C, "2024-09-01", None, false),
        cli.stdout
    );
    assert!(!cli.stdout.contains("What would change the result"));
    // The what-if member is `evaluate --what-if`'s.
    let cli = sendband(
        &["evaluate", "--on", "2024-09-01", "--what-if", "-"],
        BAND_C,
    );
    let full: serde_json::Value = serde_json::from_str(&cli.stdout).expect("JSON");
    let own: serde_json::Value =
        serde_json::from_str(&engine.what_if(BAND_C, "2024-09-01", None)).expect("JSON");
    assert_eq!(own["what_if"], full["what_if"]);
    assert!(own["what_if"]["topup"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));

    let bundle = herefordshire_bundle();
    let cli = sendband(
        &[
            "evaluate",
            "--rules",
            "rules/herefordshire/2021-04",
            "--on",
            "2024-09-01",
            "-",
        ],
        HEREFORDSHIRE_A1,
    );
    assert_eq!(
        engine.evaluate(HEREFORDSHIRE_A1, "2024-09-01", Some(&bundle)) + "\n",
        cli.stdout
    );
    // The built-in rule set is still there after a bundle was used.
    assert_eq!(
        parsed(&engine.evaluate(BAND_C, "2024-09-01", Some("")))["results"]["topup"]["outputs"]
            ["band"],
        "C"
    );
}

#[test]
fn every_failure_is_a_structured_error() {
    let mut engine = Engine::new();
    let e = parsed(&engine.evaluate(BAND_C, "2024-13-01", None));
    assert_eq!(
        e["error"],
        serde_json::json!({"kind": "invalid_date", "message": "the evaluation date \"2024-13-01\" \
            is not a date: no such day (expected YYYY-MM-DD, e.g. 2024-09-01)"})
    );
    let e = parsed(&engine.evaluate(BAND_C, "2028-01-05", None));
    assert_eq!(e["error"]["kind"], "not_in_force");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("no version is in force on 2028-01-05 (versions: 2024-25 from 2024-09-01"),
        "{e}"
    );
    let e = parsed(&engine.inputs(Some(r#"{"manifest": 1}"#)));
    assert_eq!(e["error"]["kind"], "invalid_rules");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("bundle"),
        "{e}"
    );
    let e = parsed(&engine.explain(
        r#"{"case_id": "X-1", "setting": "school", "needs": {"semh": 7}}"#,
        "2024-09-01",
        None,
        true,
    ));
    assert_eq!(e["error"]["kind"], "invalid_profile");
    assert_eq!(e["error"]["case_id"], "X-1");
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["date_of_birth", "setting", "needs.semh"]);
    let e = parsed(&engine.evaluate("{not json", "2024-09-01", None));
    assert_eq!(e["error"]["fields"][0]["field"], "(profile)");
}

#[test]
fn validate_answers_valid_or_lists_the_fields() {
    let mut engine = Engine::new();
    assert_eq!(
        parsed(&engine.validate(BAND_C, None)),
        serde_json::json!({"valid": true, "case_id": "HG-EXAMPLE-2", "errors": []})
    );
    let v = parsed(&engine.validate(
        r#"{"assessment_points": -1, "funded_hours": 20}"#,
        Some(&herefordshire_bundle()),
    ));
    assert_eq!(v["valid"], false);
    assert_eq!(v["errors"][0]["field"], "assessment_points");
    assert_eq!(v["errors"][1]["field"], "funded_hours");
    assert_eq!(v["errors"][1]["message"], "20 is not one of 15, 30");
}

#[test]
fn inputs_describe_the_form_of_each_rule_set() {
    let mut engine = Engine::new();
    let spec = parsed(&engine.inputs(None));
    assert_eq!(spec["ruleset"]["provenance"], "illustrative");
    assert!(spec["digest"].as_str().unwrap_or("").starts_with("sha256:"));
    let inputs = spec["inputs"].as_array().cloned().unwrap_or_default();
    let input = |name: &str| {
        inputs
            .iter()
            .find(|i| i["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no input {name}"))
    };
    assert_eq!(
        input("needs.semh")["levels"][4]["label"],
        "Profound or complex"
    );
    assert_eq!(
        input("early_years.funded_hours")["ask_when"],
        serde_json::json!({"setting": ["early_years_setting"]})
    );
    assert_eq!(input("override.band")["requires"][0], "override.reason");
    assert_eq!(spec["families"][0]["name"], "topup");
    assert_eq!(
        spec["families"][0]["outputs"][1],
        serde_json::json!({"name": "amount", "label": "Top-up for the year", "format": "money"})
    );
    let spec = parsed(&engine.inputs(Some(&herefordshire_bundle())));
    let names: Vec<&str> = spec["inputs"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["case_id", "assessment_points", "funded_hours"]);
}

#[test]
fn version_names_the_engine_and_its_built_in_rules() {
    let v = parsed(&Engine::new().version());
    assert_eq!(v["engine"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["ruleset"]["id"], "haringey-illustrative");
    // Without a date: the newest version built in.
    assert_eq!(v["ruleset"]["version"], "2026-27");
}

#[test]
fn the_date_picks_the_built_in_version() {
    let mut engine = Engine::new();
    for (on, version) in [
        ("2024-09-01", "2024-25"),
        ("2025-08-31", "2024-25"),
        ("2025-09-01", "2025-26"),
        ("2026-12-06", "2026-27"),
        ("2027-08-31", "2026-27"),
    ] {
        let d = parsed(&engine.evaluate(BAND_C, on, None));
        assert_eq!(d["ruleset"]["version"], version, "{on}: {d}");
        // The draft covers 2025-26 too, and is never picked by date.
        assert_eq!(d["ruleset"]["provenance"], "illustrative", "{on}");
    }
}
