//! What a finance officer reads from a batch: every row explains itself (flags and the reason a
//! family did not apply), totals add up only what is paid, and nothing stops the run short.

mod batch_cohort;
mod common;

use batch_cohort::*;
use common::Run;

#[test]
fn there_is_no_hidden_flag_that_skips_evaluation() {
    // `--no-evaluate` once gave every row the first row's decision, exit 0, under the real
    // rule set's digest. It is gone: asking for it is bad usage.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.jsonl"), jsonl(&cohort(3))).expect("write");
    let Run { code, stderr, .. } = batch_run(
        &[
            "-i",
            &p(dir.path(), "in.jsonl"),
            "-o",
            &p(dir.path(), "out.csv"),
            "--no-evaluate",
        ],
        "",
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--no-evaluate"), "{stderr}");
    assert!(!dir.path().join("out.csv").exists());
}

/// Run a batch of `lines` (JSON Lines) with `rules` on `on`, returning the output rows.
fn batch_rows(
    dir: &std::path::Path,
    rules: &str,
    on: &str,
    lines: &str,
    extra: &[&str],
) -> Vec<std::collections::BTreeMap<String, String>> {
    std::fs::write(dir.join("in.jsonl"), lines).expect("write");
    let mut args = vec![
        "batch", "-q", "--rules", rules, "--on", on, "-i", "in.jsonl", "-o", "out.csv",
    ];
    args.extend_from_slice(extra);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sendband"))
        .args(&args)
        .current_dir(dir)
        .output()
        .expect("sendband runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    records(&read(dir, "out.csv"))
}

fn here(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_panel_case_names_its_flag_and_why_the_amounts_are_blank() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rows = batch_rows(
        dir.path(),
        &here("rules/herefordshire/2021-04"),
        "2022-01-01",
        "{\"case_id\": \"HF-EXAMPLE-2\", \"assessment_points\": 112, \"funded_hours\": 30}\n\
         {\"case_id\": \"HF-A1\", \"assessment_points\": 20, \"funded_hours\": 30}\n",
        &[],
    );
    let panel = &rows[0];
    assert_eq!(panel["tariff.status"], "applied");
    assert_eq!(panel["tariff.per_year"], "");
    assert_eq!(panel["tariff.flags"], "exceptional_panel");
    assert_eq!(
        panel["tariff.reason"],
        "112 assessment points is above the published matrix (0 to 109 points): the case goes \
         to panel for an individual decision, and no tariff amount applies."
    );
    // An applied family that raised no flag has nothing to explain without --reasons.
    let ordinary = &rows[1];
    assert_eq!(ordinary["tariff.status"], "applied");
    assert_ne!(ordinary["tariff.per_year"], "");
    assert_eq!(ordinary["tariff.flags"], "");
    assert_eq!(ordinary["tariff.reason"], "");
}

/// A Haringey cohort with family errors, as `sendband synth --allow-errors` writes it.
fn cohort_with_errors(dir: &std::path::Path, n: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sendband"))
        .args([
            "synth",
            "--on",
            "2025-01-15",
            "--n",
            n,
            "--seed",
            "11",
            "--allow-errors",
        ])
        .current_dir(dir)
        .output()
        .expect("sendband runs");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn every_family_that_did_not_apply_says_why_in_the_words_explain_gives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = cohort_with_errors(dir.path(), "3000");
    let rules = sendband::RuleSet::embedded().expect("built-in rules");
    let on: sendband::Date = "2025-01-15".parse().expect("date");
    let rows = batch_rows(
        dir.path(),
        &here("rules/haringey"),
        "2025-01-15",
        &lines,
        &[],
    );
    let full = batch_rows(
        dir.path(),
        &here("rules/haringey"),
        "2025-01-15",
        &lines,
        &["--reasons"],
    );
    assert_eq!(rows.len(), 3000);
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for ((line, row), full_row) in lines.lines().zip(&rows).zip(&full) {
        let decision = rules.evaluate_json(line, on).expect("a valid profile");
        for r in &decision.results {
            let f = &*r.family;
            let status = r.status.as_str();
            assert_eq!(row[&format!("{f}.status")], status);
            *seen.entry(status.to_string()).or_default() += 1;
            let reason = &row[&format!("{f}.reason")];
            // Without --reasons: why it stopped (the last reason explain gives), or why its
            // flags were raised (their reasons, which explain gives together), or nothing.
            if status == "applied" && r.flags.is_empty() {
                assert_eq!(reason, "", "{line}");
            } else if status == "applied" {
                *seen.entry("flagged".to_string()).or_default() += 1;
                assert!(
                    r.reasons
                        .windows(r.flags.len())
                        .any(|w| w.join("; ") == *reason),
                    "{f} of {line}: {reason}"
                );
            } else {
                assert_eq!(Some(reason), r.reasons.last(), "{f} of {line}");
            }
            assert_eq!(row[&format!("{f}.flags")], r.flags.join("; "));
            // With --reasons: every reason, in explain's order.
            assert_eq!(full_row[&format!("{f}.reason")], r.reasons.join("; "));
            assert_eq!(full_row[&format!("{f}.status")], status);
        }
    }
    // The cohort exercises every status the reason column has to explain.
    for status in [
        "applied",
        "flagged",
        "ineligible",
        "not_applicable",
        "error",
    ] {
        assert!(
            seen.get(status).is_some_and(|n| *n > 0),
            "{status}: {seen:?}"
        );
    }
}
