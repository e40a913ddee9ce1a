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

/// Run the binary with its standard output a pipe whose reading end is already closed, as in
/// `sendband schema | head -0`: every write to it fails with a broken pipe from the first byte.
#[cfg(unix)]
fn with_stdout_closed(args: &[&str], stdin: &str) -> (i32, String) {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::process::{Command, Stdio};
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe");
    // SAFETY: both descriptors were just opened by pipe(2) and are owned by nobody else.
    let (read_end, write_end) =
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read_end);
    let mut child = Command::new(env!("CARGO_BIN_EXE_sendband"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::from(write_end))
        .stderr(Stdio::piped())
        .spawn()
        .expect("sendband runs");
    if let Some(mut input) = child.stdin.take() {
        let _ = std::io::Write::write_all(&mut input, stdin.as_bytes());
    }
    let out = child.wait_with_output().expect("sendband finishes");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run the binary, read one line of its standard output, then close it (`| head -1`).
#[cfg(unix)]
fn reading_one_line(args: &[&str]) -> (i32, String, String) {
    use std::io::{BufRead, Read};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sendband"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sendband runs");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("one line");
    // The reader (and so the pipe) is dropped here, with most of the output unread.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("sendband finishes");
    (status.code().unwrap_or(-1), line, stderr)
}

#[cfg(unix)]
#[test]
fn every_verb_exits_quietly_when_its_output_is_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cohort = dir.path().join("cohort.jsonl");
    let profile = r#"{"case_id": "EX-B", "setting": "mainstream_school", "needs": {"communication": 3, "learning": 1}}"#;
    std::fs::write(&cohort, format!("{profile}\n{profile}\n")).expect("write");
    let cohort = cohort.to_str().expect("utf-8");
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "case_id,setting,needs.communication,needs.learning\nA,mainstream_school,3,1\n",
    )
    .expect("write");
    let input = input.to_str().expect("utf-8");
    let on = ["--on", "2024-10-01"];
    let rules = ["--rules", FIXTURE];
    let runs: Vec<Vec<&str>> = vec![
        vec!["schema"],
        vec!["schema", "--profile", FIXTURE, "--on", "2024-10-01"],
        [&["evaluate"][..], &rules, &on, &["-"]].concat(),
        [&["explain"][..], &rules, &on, &["-"]].concat(),
        vec!["lint", FIXTURE, "--cases", "100"],
        vec!["lint", FIXTURE, "--cases", "100", "--format", "json"],
        vec!["test", FIXTURE],
        vec!["bundle", FIXTURE],
        [&["synth"][..], &rules, &on, &["--n", "10"]].concat(),
        [&["batch"][..], &rules, &on, &["-q", "-i", input, "-o", "-"]].concat(),
        [
            &[
                "diff",
                "--base",
                FIXTURE,
                "--proposed",
                FIXTURE,
                "--cohort",
                cohort,
            ][..],
            &on,
        ]
        .concat(),
    ];
    for args in &runs {
        let (code, stderr) = with_stdout_closed(args, profile);
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("pipe"),
            "{args:?} complained: {stderr}"
        );
        assert_eq!(code, 0, "{args:?}: {stderr}");
    }
    // Reading a line first, then closing: the output is well past a pipe's buffer.
    for args in [
        vec!["schema"],
        vec!["synth", "--on", "2024-10-01", "--n", "100000"],
    ] {
        let (code, line, stderr) = reading_one_line(&args);
        assert!(!line.is_empty(), "{args:?} wrote nothing");
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        assert_eq!((code, stderr.as_str()), (0, ""), "{args:?}");
    }
}
