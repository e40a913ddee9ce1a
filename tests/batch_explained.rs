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

/// Run `sendband` with `args` in `dir`, so that file names are relative to it.
fn run_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sendband"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("sendband runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
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
    let run = run_in(dir, &args);
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
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
    let args = [
        "synth",
        "--on",
        "2025-01-15",
        "--n",
        n,
        "--seed",
        "11",
        "--allow-errors",
    ];
    let run = run_in(dir, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn every_family_that_did_not_apply_says_why_in_the_words_explain_gives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = cohort_with_errors(dir.path(), "3000");
    let rules = sendband::RuleSet::embedded(sendband::Date::new(2025, 1, 15).expect("date"))
        .expect("built-in rules");
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

const PAY_INPUTS: &str = r#"[
  {"name": "school", "type": "string", "label": "School"},
  {"name": "rate", "type": "money", "label": "Hourly rate", "default": "10"},
  {"name": "paid", "type": "money", "label": "Amount paid"}
]"#;

/// A family with an amount paid, an hourly rate and a cap among its money outputs.
const PAY: &str = r#"{"name": "pay", "title": "Pay", "steps": [], "outputs": [
  {"name": "amount", "value": "paid", "format": "money"},
  {"name": "hourly_rate", "value": "rate", "format": "money", "kind": "rate"},
  {"name": "max_topup", "value": "15000", "format": "money", "kind": "cap"}
]}"#;

/// The pay rule set written to `dir/rules`, and its path.
fn pay_rules(dir: &std::path::Path) -> String {
    let root = dir.join("rules");
    std::fs::create_dir_all(root.join("families")).expect("mkdir");
    std::fs::write(root.join("ruleset.json"), common::manifest(&["pay"])).expect("write");
    std::fs::write(root.join("inputs.json"), PAY_INPUTS).expect("write");
    std::fs::write(root.join("families/pay.json"), PAY).expect("write");
    root.to_str().expect("UTF-8 path").to_string()
}

fn pay_batch(dir: &std::path::Path, lines: &str, extra: &[&str]) -> (Run, serde_json::Value) {
    let rules = pay_rules(dir);
    std::fs::write(dir.join("in.jsonl"), lines).expect("write");
    let mut args = vec![
        "batch",
        "--rules",
        &rules,
        "-i",
        "in.jsonl",
        "-o",
        "out.csv",
        "--summary",
        "sum.json",
    ];
    args.extend_from_slice(extra);
    let run = run_in(dir, &args);
    let summary = std::fs::read_to_string(dir.join("sum.json"))
        .map(|t| serde_json::from_str(&t).expect("summary JSON"))
        .unwrap_or(serde_json::Value::Null);
    (run, summary)
}

#[test]
fn only_amounts_paid_are_added_up_and_rates_and_caps_are_reported_as_such() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (run, summary) = pay_batch(
        dir.path(),
        "{\"school\": \"Alder\", \"rate\": \"12.50\", \"paid\": \"100.00\"}\n\
         {\"school\": \"Birch\", \"rate\": \"9.75\", \"paid\": \"250.50\"}\n\
         {\"school\": \"Alder\", \"paid\": \"0.10\"}\n",
        &["--group-by", "school"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        summary["totals"],
        serde_json::json!([{"family": "pay", "output": "amount", "band": "", "setting": "",
                            "count": 3, "total": "350.60"}])
    );
    assert_eq!(
        summary["not_added"],
        serde_json::json!([
            {"family": "pay", "output": "hourly_rate", "kind": "rate", "band": "", "setting": "",
             "count": 3, "min": "9.75", "max": "12.50"},
            {"family": "pay", "output": "max_topup", "kind": "cap", "band": "", "setting": "",
             "count": 3, "min": "15000.00", "max": "15000.00"}
        ])
    );
    assert_eq!(summary["group_by"], serde_json::json!(["school"]));
    assert_eq!(
        summary["groups"],
        serde_json::json!([
            {"family": "pay", "output": "amount", "values": {"school": "Alder"}, "count": 2,
             "total": "100.10"},
            {"family": "pay", "output": "amount", "values": {"school": "Birch"}, "count": 1,
             "total": "250.50"}
        ])
    );
    // The table for people says the same, the rates and caps apart and never summed.
    let table = run.stderr;
    assert!(
        table.contains(
            "family  output  band  setting  rows   total\n\
             pay     amount  -     -           3  350.60\n\
             pay     amount  all   all         3  350.60\n\
             not added up (rates, caps and counts are not payments):\n\
             family  output       kind  band  setting  rows        min        max\n\
             pay     hourly_rate  rate  -     -           3       9.75      12.50\n\
             pay     max_topup    cap   -     -           3  15,000.00  15,000.00\n\
             by school:\n\
             family  output  school  rows   total\n\
             pay     amount  Alder      2  100.10\n\
             pay     amount  Birch      1  250.50\n"
        ),
        "{table}"
    );
}

#[test]
fn group_by_names_a_declared_input_or_is_bad_usage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (run, _) = pay_batch(
        dir.path(),
        "{\"paid\": \"1.00\"}\n",
        &["--group-by", "shcool"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "--group-by shcool: the rule set has no input \"shcool\" (did you mean \"school\"?)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_kind_is_only_for_money_outputs() {
    let family = PAY.replace(
        r#"{"name": "max_topup", "value": "15000", "format": "money", "kind": "cap"}"#,
        r#"{"name": "max_topup", "value": "15000", "format": "integer", "kind": "cap"}"#,
    );
    let err = common::load_err(PAY_INPUTS, &[&family]);
    assert!(
        err.contains("outputs[2].kind")
            && err.contains(
                "kind \"cap\" is for money outputs, and output \"max_topup\" is written as integer"
            ),
        "{err}"
    );
}

#[test]
fn a_total_too_large_to_add_up_is_reported_and_every_row_is_still_written() {
    // Each amount fits a decimal; their sum (1e29) does not.
    let dir = tempfile::tempdir().expect("tempdir");
    let big = "50000000000000000000000000000.00";
    let (run, summary) = pay_batch(
        dir.path(),
        &format!(
            "{{\"school\": \"Alder\", \"paid\": \"{big}\"}}\n\
             {{\"school\": \"Alder\", \"paid\": \"{big}\"}}\n\
             {{\"school\": \"Birch\", \"paid\": \"1.00\"}}\n"
        ),
        &["--group-by", "school"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "sendband: the total of pay amount (band -, setting -) is too large to add up \
             exactly; every row is in the output"
        ),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("the total of pay amount (school Alder) is too large"));
    let rows = records(&read(dir.path(), "out.csv"));
    assert_eq!(rows.len(), 3);
    // So large an amount cannot also hold two places: it is written exactly, as a whole number.
    assert_eq!(rows[1]["pay.amount"], "50000000000000000000000000000");
    assert_eq!(summary["rows_out"], 3);
    assert_eq!(
        summary["totals"],
        serde_json::json!([{"family": "pay", "output": "amount", "band": "", "setting": "",
                            "count": 3, "total": null, "too_large": true}])
    );
    assert_eq!(
        summary["groups"][1],
        serde_json::json!({"family": "pay", "output": "amount", "values": {"school": "Birch"},
                           "count": 1, "total": "1.00"})
    );
}

#[test]
fn a_log_sees_progress_lines_as_the_run_goes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.jsonl"), jsonl(&cohort(20_000))).expect("write");
    // Standard error is a pipe here, as in a scheduled job: lines, not a bar.
    // `--progress always` holds even with -q, which only quiets the summary table.
    let (input, output) = (p(dir.path(), "in.jsonl"), p(dir.path(), "out.csv"));
    let progress = ["--progress", "always", "--progress-every", "0"];
    let Run { code, stderr, .. } = batch_run(
        &[&["-i", &input, "-o", &output][..], &progress[..]].concat(),
        "",
    );
    // The cohort has rows a family cannot decide (exit 1); progress is the same either way.
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("sendband: ") && l.contains(" rows done"))
        .collect();
    // One line per chunk of 8,192 rows done, then the last.
    assert_eq!(lines.len(), 4, "{stderr}");
    let read: Vec<&str> = lines[..3]
        .iter()
        .map(|l| l.split(" rows done").next().unwrap_or(""))
        .collect();
    assert_eq!(
        read,
        ["sendband: 8,192", "sendband: 16,384", "sendband: 20,000"]
    );
    for l in &lines[..2] {
        assert!(
            l.contains(" rows a second, ")
                && l.contains("% of the input, about ")
                && l.ends_with(" left"),
            "{l}"
        );
    }
    assert!(
        lines[2].contains(", 100% of the input, about 0 s left"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("sendband: 20,000 rows done in ")
            && lines[3].ends_with(" rows a second)"),
        "{}",
        lines[3]
    );
    // Without --progress (or with never) a log sees no progress from so short a run.
    for extra in [
        &[][..],
        &["--progress", "never", "--progress-every", "0"][..],
    ] {
        let mut args = vec![
            "batch",
            "--on",
            common::ON,
            "-i",
            "in.jsonl",
            "-o",
            "out2.csv",
        ];
        args.extend_from_slice(extra);
        let run = run_in(dir.path(), &args);
        assert!(
            !run.stderr.contains("rows done"),
            "{extra:?}: {}",
            run.stderr
        );
    }
}
