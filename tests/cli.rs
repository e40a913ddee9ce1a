//! The command's contract: what goes to stdout and stderr, and the exit codes
//! (0 ok, 1 a case or test failed, 2 bad usage or an invalid rule set).

mod common;

use common::{sendband, Run};
use std::path::Path;

const FIXTURE: &str = "tests/fixtures/banding";

const SPECIAL_E: &str = r#"{"case_id": "EX-ERR", "setting": "special_school", "ehcp": "issued",
                            "needs": {"communication": 3, "learning": 3}}"#;

#[test]
fn a_family_with_status_error_prints_the_decision_and_exits_1() {
    let Run {
        code,
        stdout,
        stderr,
    } = sendband(
        &["evaluate", "--rules", FIXTURE, "--on", "2024-10-01", "-"],
        SPECIAL_E,
    );
    assert_eq!(code, 1);
    let decision: serde_json::Value =
        serde_json::from_str(&stdout).expect("the decision is still printed");
    let topup = &decision["results"]["topup"];
    assert_eq!(topup["status"], "error");
    assert_eq!(
        topup["outputs"],
        serde_json::json!({"band": null, "amount": null, "score": null})
    );
    assert_eq!(
        topup["reasons"],
        serde_json::json!([
            "A score of 24 is in score band E.",
            "there is no value for band E and setting special_school (step annual)"
        ])
    );
    assert_eq!(
        stderr,
        "sendband: ILLUSTRATIVE FIGURES: every figure here is a placeholder, not Example Borough \
         (synthetic test fixture)'s published values. Do not use them for funding.\n\
         sendband: topup could not be decided: A score of 24 is in score band E.; \
         there is no value for band E and setting special_school (step annual)\n"
    );
    let Run { code, stdout, .. } = sendband(
        &["explain", "--rules", FIXTURE, "--on", "2024-10-01", "-"],
        SPECIAL_E,
    );
    assert_eq!(code, 1);
    assert!(
        stdout.contains("Top-up band: could not be decided"),
        "{stdout}"
    );
}

#[test]
fn success_is_0_and_reads_a_file_or_stdin() {
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
    assert!(
        stderr.starts_with("sendband: ILLUSTRATIVE FIGURES:"),
        "{stderr}"
    );
    let from_file: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let text = std::fs::read_to_string("examples/haringey-band-c.json").expect("example");
    let Run { stdout, .. } = sendband(&["evaluate", "--on", "2024-09-01", "-"], &text);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout).expect("JSON"),
        from_file
    );
    // Without --rules, the built-in rule set is the illustrative Haringey one.
    assert_eq!(from_file["ruleset"]["id"], "haringey-illustrative");
    assert_eq!(from_file["ruleset"]["provenance"], "illustrative");
    assert_eq!(
        from_file["results"]["topup"]["outputs"],
        serde_json::json!({"band": "C", "amount": "3000.00", "score": 19})
    );
}

#[test]
fn an_invalid_rule_set_or_bad_usage_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(broken.join("families")).expect("mkdir");
    for name in ["ruleset.json", "inputs.json", "families/topup.json"] {
        let text = std::fs::read_to_string(Path::new(FIXTURE).join(name)).expect("read");
        let text = text.replace("\"of\": \"score\"", "\"of\": \"scor\"");
        std::fs::write(broken.join(name), text).expect("write");
    }
    let Run {
        code,
        stdout,
        stderr,
    } = sendband(
        &[
            "evaluate",
            "--rules",
            broken.to_str().expect("utf-8"),
            "--on",
            "2024-10-01",
            "-",
        ],
        "{}",
    );
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!(
            "sendband: invalid rule set: {}: at $.steps[2].ranges.of: in \"scor\" at column 1: \
             unknown name \"scor\" (did you mean \"score\"?)\n",
            broken.join("families/topup.json").display()
        )
    );
    let Run { code, stderr, .. } = sendband(&["evaluate", "--on", "2024-13-01", "-"], "{}");
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "invalid value '2024-13-01' for '--on <ON>': \"2024-13-01\" is not a date: no such day"
        ),
        "{stderr}"
    );
    let Run { code, .. } = sendband(&["evaluate", "--frobnicate", "-"], "{}");
    assert_eq!(code, 2);
    let Run { code, stderr, .. } =
        sendband(&["evaluate", "--on", "2024-09-01", "no-such-case.json"], "");
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("sendband: cannot read the case: no-such-case.json:"),
        "{stderr}"
    );
}

#[test]
fn rule_tests_report_failures_and_exit_1() {
    let Run { code, stdout, .. } = sendband(&["test", FIXTURE], "");
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout,
        "fixture-banding 2024-25: 2 passed, 0 failed\n2 passed, 0 failed\n"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("banding");
    for sub in ["", "families", "tests"] {
        std::fs::create_dir_all(copy.join(sub)).expect("mkdir");
    }
    for name in [
        "ruleset.json",
        "inputs.json",
        "families/topup.json",
        "tests/cases.json",
    ] {
        let mut text = std::fs::read_to_string(Path::new(FIXTURE).join(name)).expect("read");
        if name == "tests/cases.json" {
            text = text.replace("\"2105.26\"", "\"2105.27\"");
        }
        std::fs::write(copy.join(name), text).expect("write");
    }
    let Run { code, stdout, .. } = sendband(&["test", copy.to_str().expect("utf-8")], "");
    assert_eq!(code, 1);
    assert!(
        stdout.contains(
            "FAILED \"an issued plan lifts a low score to band D, pro-rated by days on roll\""
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("topup.amount: expected \"2105.27\", got \"2105.26\""),
        "{stdout}"
    );
    assert!(stdout.ends_with("1 passed, 1 failed\n"), "{stdout}");
}

#[test]
fn bundle_writes_a_rule_set_with_the_folders_digest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("banding.bundle.json");
    let Run { code, stderr, .. } =
        sendband(&["bundle", FIXTURE, "-o", out.to_str().expect("utf-8")], "");
    assert_eq!(code, 0, "{stderr}");
    let profile = r#"{"case_id": "EX-B", "setting": "mainstream_school", "needs": {"communication": 3, "learning": 1}}"#;
    let Run {
        stdout: from_folder,
        ..
    } = sendband(
        &["evaluate", "--rules", FIXTURE, "--on", "2024-10-01", "-"],
        profile,
    );
    let Run {
        stdout: from_bundle,
        ..
    } = sendband(
        &[
            "evaluate",
            "--rules",
            out.to_str().expect("utf-8"),
            "--on",
            "2024-10-01",
            "-",
        ],
        profile,
    );
    assert_eq!(from_folder, from_bundle, "byte-identical decisions");
    assert!(stderr.contains(&format!(
        "({})",
        serde_json::from_str::<serde_json::Value>(&from_folder).expect("JSON")["ruleset"]["digest"]
            .as_str()
            .expect("digest")
    )));
}
