//! `sendband batch` with broken input: every bad row rejected with its row number and field,
//! rows in = rows out + rows rejected, totals to the penny, and no half-written files.

mod batch_cohort;
mod common;

use batch_cohort::*;
use common::Run;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The exact reject lines expected, as (row, case_id, field, message start).
fn assert_rejects(text: &str, expected: &[(&str, &str, &str, &str)]) {
    let rows = records(text);
    assert_eq!(rows.len(), expected.len(), "{text}");
    for (row, (n, case, field, message)) in rows.iter().zip(expected) {
        assert_eq!(
            (
                row["row"].as_str(),
                row["case_id"].as_str(),
                row["field"].as_str()
            ),
            (*n, *case, *field),
            "{text}"
        );
        assert!(
            row["message"].starts_with(message),
            "{row:?}: expected {message:?}"
        );
    }
}

/// Totals of the money outputs by family, band and setting, from an output CSV and the
/// setting of each case.
fn totals_from(output: &str, settings: &BTreeMap<String, String>) -> Vec<serde_json::Value> {
    let mut totals: BTreeMap<(usize, String, String), (u64, Decimal)> = BTreeMap::new();
    for row in records(output) {
        for (i, family) in ["topup", "early_years"].iter().enumerate() {
            let amount = &row[&format!("{family}.amount")];
            if amount.is_empty() {
                continue;
            }
            let key = (
                i,
                row[&format!("{family}.band")].clone(),
                settings[&row["case_id"]].clone(),
            );
            let t = totals.entry(key).or_default();
            t.0 += 1;
            t.1 += amount.parse::<Decimal>().expect("an amount");
        }
    }
    totals
        .into_iter()
        .map(|((i, band, setting), (count, sum))| {
            let family = ["topup", "early_years"][i];
            serde_json::json!({"family": family, "output": "amount", "band": band,
                               "setting": setting, "count": count, "total": format!("{sum:.2}")})
        })
        .collect()
}

#[test]
fn broken_jsonl_rows_are_rejected_by_row_and_field_and_every_penny_is_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let people = cohort(200);
    let settings: BTreeMap<String, String> = people
        .iter()
        .map(|p| (text(&p[0].1), text(&p[2].1)))
        .collect();
    // Row n is people[n - 1]: a field set (or added) before the row is written as JSON.
    let mut broken = people.clone();
    let mut set = |n: usize, name: &'static str, v: V| {
        let p: &mut Profile = &mut broken[n - 1];
        match p.iter_mut().find(|(field, _)| *field == name) {
            Some(field) => field.1 = v,
            None => p.push((name, v)),
        }
    };
    set(20, "needs.semh", V::Text("two".into()));
    set(30, "needs.semh", V::Int(7));
    set(40, "needs.smeh", V::Int(2));
    set(70, "needs.semh", V::Int(9));
    let mut lines: Vec<String> = broken.iter().map(json_line).collect();
    let mut break_row = |n: usize, from: &str, to: &str| {
        lines[n - 1] = lines[n - 1].replacen(from, to, 1);
    };
    break_row(50, r#""date_of_birth""#, r#""birthday""#);
    break_row(70, r#""setting":""#, r#""setting":"x"#);
    lines[9] = r#"{"case_id": "SYN-0009", "setting": "#.to_string();
    lines[59] = String::new();
    let mut text = lines.join("\n") + "\n";
    // A last line cut short, with no newline.
    text.push_str(r#"{"case_id": "CUT", "date_of_birth": "2015-0"#);
    std::fs::write(dir.path().join("in.jsonl"), text).expect("write");
    let (out, rej, sum) = ("out.csv", "rejects.csv", "summary.json");
    let Run { code, stderr, .. } = batch_run(
        &[
            "-i",
            &p(dir.path(), "in.jsonl"),
            "-o",
            &p(dir.path(), out),
            "--rejects",
            &p(dir.path(), rej),
            "--summary",
            &p(dir.path(), sum),
        ],
        "",
    );
    assert_eq!(code, 1, "{stderr}");
    assert_rejects(
        &read(dir.path(), rej),
        &[
            ("10", "", "(profile)", "not valid JSON: EOF while parsing"),
            (
                "20",
                "SYN-0019",
                "needs.semh",
                "expected a whole number, found text \"two\"",
            ),
            ("30", "SYN-0029", "needs.semh", "7 is above the maximum 4"),
            (
                "40",
                "SYN-0039",
                "needs.smeh",
                "unknown field (did you mean \"needs.semh\"?)",
            ),
            ("50", "SYN-0049", "birthday", "unknown field"),
            ("50", "SYN-0049", "date_of_birth", "is required"),
            ("60", "", "(row)", "empty line"),
            ("70", "SYN-0069", "setting", "\"x"),
            ("70", "SYN-0069", "needs.semh", "9 is above the maximum 4"),
            (
                "201",
                "",
                "(profile)",
                "the last line has no newline and is not valid JSON",
            ),
        ],
    );
    let summary: serde_json::Value = serde_json::from_str(&read(dir.path(), sum)).expect("JSON");
    let output = read(dir.path(), out);
    assert_eq!(records(&output).len(), 193);
    assert_eq!(
        (
            &summary["rows_in"],
            &summary["rows_out"],
            &summary["rows_rejected"]
        ),
        (
            &serde_json::json!(201),
            &serde_json::json!(193),
            &serde_json::json!(8)
        )
    );
    assert_eq!(summary["reject_lines"], 10);
    assert_eq!(
        summary["totals"],
        serde_json::Value::Array(totals_from(&output, &settings))
    );
    assert!(summary["totals"].as_array().is_some_and(|t| t.len() > 5));
}

#[test]
fn broken_csv_rows_are_rejected_and_a_short_last_record_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let people = cohort(40);
    let text = csv(&people);
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // lines[0] is the header, so lines[n] is data row n: the worked example is row 1, so row n
    // is case SYN-{n - 1}.
    lines[5].push_str(",extra");
    lines[15] = lines[15].replacen(",mainstream_school,", ",mainstream school,", 1);
    lines[15] = lines[15].replacen(",resourced_provision,", ",resourced provision,", 1);
    lines[15] = lines[15].replacen(",special_school,", ",special school,", 1);
    lines[15] = lines[15].replacen(",early_years_setting,", ",early years,", 1);
    let dob = lines[25].split(',').nth(1).expect("a date").to_string();
    lines[25] = lines[25].replacen(&format!(",{dob},"), ",,", 1);
    let cut = lines[40].split(',').take(5).collect::<Vec<_>>().join(",");
    lines[40] = cut;
    std::fs::write(dir.path().join("in.csv"), lines.join("\n")).expect("write");
    let Run { code, stderr, .. } = batch_run(
        &[
            "-i",
            &p(dir.path(), "in.csv"),
            "-o",
            &p(dir.path(), "out.csv"),
            "--rejects",
            &p(dir.path(), "rejects.csv"),
        ],
        "",
    );
    assert_eq!(code, 1, "{stderr}");
    assert_rejects(
        &read(dir.path(), "rejects.csv"),
        &[
            (
                "5",
                "SYN-0004",
                "(row)",
                "has 22 fields, but the header has 21",
            ),
            (
                "15",
                "SYN-0014",
                "setting",
                "\"early years\" is not one of mainstream_school,",
            ),
            ("25", "SYN-0024", "date_of_birth", "is required"),
            (
                "40",
                "SYN-0039",
                "(row)",
                "has 5 fields, but the header has 21",
            ),
        ],
    );
    assert_eq!(records(&read(dir.path(), "out.csv")).len(), 36);
}

#[test]
fn an_unknown_csv_column_stops_with_a_suggestion_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = csv(&cohort(3)).replacen("needs.semh", "needs.smeh", 1);
    std::fs::write(dir.path().join("in.csv"), text).expect("write");
    std::fs::write(dir.path().join("out.csv"), "an earlier run\n").expect("write");
    let Run {
        code,
        stdout,
        stderr,
    } = batch_run(
        &[
            "-i",
            &p(dir.path(), "in.csv"),
            "-o",
            &p(dir.path(), "out.csv"),
        ],
        "",
    );
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.ends_with(&format!(
            "sendband: batch stopped: {}: unknown column \"needs.smeh\" \
             (did you mean \"needs.semh\"?)\nsendband: no output file was written\n",
            p(dir.path(), "in.csv")
        )),
        "{stderr}"
    );
    // The earlier output is untouched, and no temporary file is left.
    assert_eq!(read(dir.path(), "out.csv"), "an earlier run\n");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_run_that_cannot_write_leaves_nothing_and_a_good_run_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.jsonl"), jsonl(&cohort(30))).expect("write");
    let missing = p(dir.path(), "no-such-folder/out.csv");
    let Run { code, stderr, .. } = batch_run(
        &[
            "-i",
            &p(dir.path(), "in.jsonl"),
            "-o",
            &missing,
            "--summary",
            &p(dir.path(), "s.json"),
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!(
            "cannot write {missing}: No such file or directory"
        )),
        "{stderr}"
    );
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(listing(), ["in.jsonl"]);
    let Run { code, stderr, .. } = batch_run(
        &[
            "-i",
            &p(dir.path(), "in.jsonl"),
            "-o",
            &p(dir.path(), "out.xlsx"),
            "--rejects",
            &p(dir.path(), "r.csv"),
            "--summary",
            &p(dir.path(), "s.json"),
        ],
        "",
    );
    assert!(code == 0 || code == 1, "{stderr}");
    assert_eq!(listing(), ["in.jsonl", "out.xlsx", "r.csv", "s.json"]);
    assert_eq!(read(dir.path(), "r.csv"), "row,case_id,field,message\n");
    // Bad usage: a format no extension names.
    let Run { code, stderr, .. } = batch_run(
        &[
            "-i",
            &p(dir.path(), "in.jsonl"),
            "-o",
            &p(dir.path(), "out.txt"),
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot tell the format from the extension"),
        "{stderr}"
    );
}

#[test]
fn xlsx_empty_rows_between_data_rows_are_rejected_and_dates_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let people = cohort(10);
    let input: PathBuf = dir.path().join("in.xlsx");
    write_xlsx(&people, &input, Some(4));
    let Run { code, stderr, .. } = batch_run(
        &[
            "-i",
            input.to_str().expect("UTF-8"),
            "-o",
            &p(dir.path(), "out.csv"),
            "--rejects",
            &p(dir.path(), "r.csv"),
        ],
        "",
    );
    assert_eq!(code, 1, "{stderr}");
    // Data rows 1-4, an empty sheet row (row 5), then the other six as rows 6-11.
    assert_rejects(
        &read(dir.path(), "r.csv"),
        &[("5", "", "(row)", "empty row")],
    );
    let rows = records(&read(dir.path(), "out.csv"));
    assert_eq!(rows.len(), 10);
    assert_eq!(
        (
            rows[0]["topup.band"].as_str(),
            rows[0]["topup.amount"].as_str()
        ),
        ("C", "3000.00")
    );
}

#[test]
fn a_run_stopped_midway_leaves_only_a_partial_file_that_does_not_look_finished() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.csv");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sendband"))
        .args(["batch", "--on", common::ON, "-q", "-i", "-", "-o"])
        .arg(&out)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("sendband runs");
    // More than a chunk of rows, then the input stays open: the run is under way, not done.
    let people = cohort(20_000);
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(csv(&people).as_bytes()).expect("rows");
    stdin.flush().expect("flush");
    let partial = || {
        std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").path())
            .find(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0))
    };
    let started = std::time::Instant::now();
    while partial().is_none() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("kill");
    child.wait().expect("wait");
    drop(stdin);
    assert!(!out.exists(), "no file under the output's name");
    let name = partial().expect("rows were written somewhere");
    let name = name
        .file_name()
        .expect("a name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with(".out.csv.") && name.ends_with(".partial"),
        "{name}"
    );
}
