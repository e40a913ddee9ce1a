//! The Haringey illustrative rule set as a SENDCo meets it: `sendband explain` for each worked
//! example of the specification (snapshot-tested), and the warnings that its figures are placeholders.

mod common;

use common::{sendband, Run};

fn explain(profile: &str) -> String {
    let Run {
        code,
        stdout,
        stderr,
    } = sendband(&["explain", "--on", "2024-09-01", "-"], profile);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("Indicative decision for case "),
        "{stdout}"
    );
    let digest = stdout
        .rsplit("(sha256:")
        .next()
        .unwrap_or_default()
        .trim_end()
        .trim_end_matches(')')
        .to_string();
    stdout.replace(&digest, "<digest>")
}

#[test]
fn worked_example_1_issued_plan_band_d() {
    insta::assert_snapshot!(explain(
        r#"{"case_id": "HG-W1", "date_of_birth": "2015-03-01", "setting": "mainstream_school", "ehcp": "issued",
            "needs": {"communication_interaction": 3, "cognition_learning": 2, "semh": 1}}"#
    ));
}

#[test]
fn worked_example_2_band_c_and_its_missing_evidence() {
    insta::assert_snapshot!(explain(
        r#"{"case_id": "HG-W2", "date_of_birth": "2015-03-01", "setting": "mainstream_school",
            "needs": {"communication_interaction": 3, "semh": 2},
            "sen_support": {"apdr_cycles": 2, "specialist_advice": true, "notional_spend": "6200.00"}}"#
    ));
    insta::assert_snapshot!(explain(
        r#"{"case_id": "HG-W2B", "date_of_birth": "2015-03-01", "setting": "mainstream_school",
            "needs": {"communication_interaction": 3, "semh": 2},
            "sen_support": {"apdr_cycles": 2, "specialist_advice": false, "notional_spend": "6200.00"}}"#
    ));
}

#[test]
fn worked_example_3_special_school_pro_rated() {
    insta::assert_snapshot!(explain(
        r#"{"case_id": "HG-W3", "date_of_birth": "2012-03-01", "setting": "special_school", "ehcp": "issued",
            "needs": {"cognition_learning": 4, "sensory_physical": 4, "medical_personal_care": 3},
            "attendance": {"days_on_roll": 95}}"#
    ));
}

#[test]
fn worked_example_4_exceptional_panel() {
    insta::assert_snapshot!(explain(
        r#"{"case_id": "HG-W4", "date_of_birth": "2012-03-01", "setting": "mainstream_school", "ehcp": "issued",
            "needs": {"communication_interaction": 4, "cognition_learning": 4, "semh": 4,
                      "sensory_physical": 4, "medical_personal_care": 4}}"#
    ));
}

#[test]
fn worked_example_5_early_years() {
    insta::assert_snapshot!(explain(
        r#"{"case_id": "HG-W5", "date_of_birth": "2021-09-01", "setting": "early_years_setting",
            "early_years": {"funded_hours": 15, "weeks": 38,
                            "development": {"communication_language": 20, "physical": 30, "psed": 22}}}"#
    ));
}

#[test]
fn worked_example_6_threshold_borderline() {
    insta::assert_snapshot!(explain(
        r#"{"case_id": "HG-W6", "date_of_birth": "2015-03-01", "setting": "mainstream_school",
            "needs": {"semh": 3},
            "sen_support": {"apdr_cycles": 1, "specialist_advice": true, "notional_spend": "6500.00", "progress": "limited"}}"#
    ));
}

#[test]
fn an_ineligible_placement_and_a_panel_override() {
    insta::assert_snapshot!(explain(
        r#"{"case_id": "HG-I1", "date_of_birth": "2013-01-20", "setting": "special_school", "ehcp": "assessing",
            "needs": {"cognition_learning": 4, "sensory_physical": 4}}"#
    ));
    insta::assert_snapshot!(explain(
        r#"{"case_id": "HG-O1", "date_of_birth": "2013-01-20", "setting": "mainstream_school", "needs": {"semh": 1},
            "override": {"band": "F", "reason": "Panel of 3 October 2024: needs escalated after exclusion."}}"#
    ));
}

#[test]
fn evaluate_warns_on_stderr_that_the_figures_are_placeholders() {
    let Run {
        code,
        stdout,
        stderr,
    } = sendband(
        &[
            "evaluate",
            "--on",
            "2024-09-01",
            "examples/haringey-band-c.json",
        ],
        "",
    );
    assert_eq!(code, 0);
    let decision: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    assert_eq!(decision["ruleset"]["provenance"], "illustrative");
    assert_eq!(
        stderr,
        "sendband: ILLUSTRATIVE FIGURES: every figure here is a placeholder, not London Borough of \
         Haringey's published values. Do not use them for funding.\n"
    );
}

#[test]
fn a_date_outside_the_version_is_a_clear_error() {
    for on in ["2024-08-31", "2027-09-01"] {
        let Run {
            code,
            stdout,
            stderr,
        } = sendband(
            &["evaluate", "--on", on, "examples/haringey-band-c.json"],
            "",
        );
        assert_eq!((code, stdout.as_str()), (2, ""));
        assert_eq!(
            stderr,
            format!(
                "sendband: no rule set for that date: rules/haringey (built in): no version is in \
                 force on {on} (versions: 2024-25 from 2024-09-01 to 2025-08-31; 2025-26 from \
                 2025-09-01 to 2026-08-31; 2026-27 from 2026-09-01 to 2027-08-31)\n"
            )
        );
        let Run { code, stderr, .. } = sendband(
            &[
                "evaluate",
                "--rules",
                "rules/haringey",
                "--on",
                on,
                "examples/haringey-band-c.json",
            ],
            "",
        );
        assert_eq!(code, 2);
        assert!(
            stderr.contains(&format!("no version is in force on {on}")),
            "{stderr}"
        );
    }
}

/// A copy of the Haringey rule set with `edit` applied to its topup family file.
fn edited_haringey(dir: &std::path::Path, edit: impl Fn(String) -> String) -> std::path::PathBuf {
    common::haringey_copy(dir, |name, text| {
        if name != "families/topup.json" {
            return text;
        }
        let edited = edit(text.clone());
        assert_ne!(edited, text, "the edit must change the file");
        edited
    })
}

fn topup_of(rules: &std::path::Path, profile: &str) -> serde_json::Value {
    let Run {
        code,
        stdout,
        stderr,
    } = sendband(
        &[
            "evaluate",
            "--rules",
            rules.to_str().expect("utf-8"),
            "--on",
            "2024-09-01",
            "-",
        ],
        profile,
    );
    assert_eq!(code, 0, "{stderr}");
    let d: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    d["results"]["topup"]["outputs"].clone()
}

#[test]
fn a_value_a_weight_and_a_range_boundary_change_by_editing_the_rule_file_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Score 27 with an issued plan: band D, 4000.00 in the shipped rules.
    let profile = r#"{"case_id": "HG-EDIT", "date_of_birth": "2015-03-01", "setting": "mainstream_school",
                      "ehcp": "issued", "needs": {"cognition_learning": 4, "semh": 2}}"#;
    let shipped = topup_of(std::path::Path::new("rules/haringey/2024-25"), profile);
    assert_eq!(
        shipped,
        serde_json::json!({"band": "D", "amount": "4000.00", "score": 27})
    );

    let value = edited_haringey(&dir.path().join("value"), |t| {
        t.replacen(
            "\"mainstream_school\": \"4000.00\"",
            "\"mainstream_school\": \"4120.00\"",
            1,
        )
    });
    assert_eq!(
        topup_of(&value, profile),
        serde_json::json!({"band": "D", "amount": "4120.00", "score": 27})
    );

    let weight = edited_haringey(&dir.path().join("weight"), |t| {
        t.replacen("\"2\": 7,", "\"2\": 8,", 1)
    });
    assert_eq!(
        topup_of(&weight, profile),
        serde_json::json!({"band": "E", "amount": "7000.00", "score": 28})
    );

    let boundary = edited_haringey(&dir.path().join("boundary"), |t| {
        t.replace(
            "{\"label\": \"D\", \"min\": 18, \"max\": 27}",
            "{\"label\": \"D\", \"min\": 18, \"max\": 26}",
        )
        .replace(
            "{\"label\": \"E\", \"min\": 28, \"max\": 39}",
            "{\"label\": \"E\", \"min\": 27, \"max\": 39}",
        )
    });
    assert_eq!(
        topup_of(&boundary, profile),
        serde_json::json!({"band": "E", "amount": "7000.00", "score": 27})
    );
}

/// Without `--on` a command decides on today's date, with the built-in version in force today
/// (2026-27 when this was written). Checked against the clock rather than a fixed date, so that
/// the day no built-in version covers gives the clear error, not a broken test.
#[test]
fn without_on_the_version_in_force_today_decides() {
    let today = sendband::Date::today();
    let in_force = sendband::RuleSet::embedded_versions()
        .expect("built-in versions")
        .into_iter()
        .find(|r| r.in_force_on(today));
    let Run {
        code,
        stdout,
        stderr,
    } = sendband(&["explain", "examples/haringey-band-c.json"], "");
    match in_force {
        Some(rules) => {
            assert_eq!(code, 0, "{stderr}");
            let title = format!(
                "Rules: {}, version {}",
                rules.manifest().title,
                rules.manifest().version
            );
            assert!(stdout.contains(&title), "{stdout}");
            assert!(stdout.contains("  Top-up band: C\n"), "{stdout}");
        }
        None => {
            assert_eq!(code, 2);
            assert!(
                stderr.contains(&format!("no version is in force on {today}")),
                "{stderr}"
            );
        }
    }
}
