//! `sendband batch` end to end: a synthetic Haringey cohort as CSV, JSON Lines and xlsx gives the
//! same rows as single evaluations, in every output format and for any thread count.

mod batch_cohort;
mod common;

use batch_cohort::*;
use common::{sendband, Run, ON};
use sendband::batch::{self, Options};

#[test]
fn the_worked_example_is_band_c_at_3000_in_csv_and_json_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.jsonl"), jsonl(&[worked_example()])).expect("write");
    for out in ["out.csv", "out.jsonl"] {
        let Run { code, stderr, .. } = batch_run(
            &["-i", &p(dir.path(), "in.jsonl"), "-o", &p(dir.path(), out)],
            "",
        );
        assert_eq!(code, 0, "{stderr}");
    }
    let rows = records(&read(dir.path(), "out.csv"));
    assert_eq!(rows.len(), 1);
    let header: Vec<&str> = rows[0].keys().map(String::as_str).collect();
    assert_eq!(header.len(), 24);
    let digest = rules().digest().to_string();
    let line = read(dir.path(), "out.jsonl");
    assert_eq!(
        line,
        format!(
            "{{\"case_id\":\"HG-EXAMPLE-2\",\"topup.status\":\"applied\",\"topup.band\":\"C\",\
             \"topup.amount\":\"3000.00\",\"topup.score\":19,\"topup.flags\":null,\"topup.reason\":null,\
             \"early_years.status\":\"not_applicable\",\"early_years.band\":null,\"early_years.amount\":null,\
             \"early_years.flags\":null,\"early_years.reason\":\"Early years inclusion bands apply only in an early \
             years setting.\",\"ehcp_threshold.status\":\"applied\",\
             \"ehcp_threshold.outcome\":\"meets\",\"ehcp_threshold.severity\":\"met\",\
             \"ehcp_threshold.graduated_response\":\"met\",\"ehcp_threshold.specialist_advice\":\"met\",\
             \"ehcp_threshold.resources\":\"met\",\"ehcp_threshold.progress\":\"met\",\
             \"ehcp_threshold.flags\":null,\"ehcp_threshold.reason\":null,\
             \"ruleset_id\":\"haringey-illustrative\",\"ruleset_version\":\"2024-25\",\
             \"ruleset_digest\":\"{digest}\"}}\n"
        )
    );
    let csv_text = read(dir.path(), "out.csv");
    assert_eq!(
        csv_text,
        format!(
            "case_id,topup.status,topup.band,topup.amount,topup.score,topup.flags,topup.reason,\
             early_years.status,early_years.band,early_years.amount,early_years.flags,\
             early_years.reason,ehcp_threshold.status,ehcp_threshold.outcome,\
             ehcp_threshold.severity,ehcp_threshold.graduated_response,\
             ehcp_threshold.specialist_advice,ehcp_threshold.resources,ehcp_threshold.progress,\
             ehcp_threshold.flags,ehcp_threshold.reason,ruleset_id,ruleset_version,ruleset_digest\n\
             HG-EXAMPLE-2,applied,C,3000.00,19,,,not_applicable,,,,Early years inclusion bands \
             apply only in an early years setting.,applied,meets,met,met,met,met,met,,,\
             haringey-illustrative,2024-25,{digest}\n"
        )
    );
}

#[test]
fn csv_jsonl_and_xlsx_inputs_give_the_rows_of_single_evaluations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let people = cohort(200);
    std::fs::write(dir.path().join("in.csv"), csv(&people)).expect("write");
    std::fs::write(dir.path().join("in.jsonl"), jsonl(&people)).expect("write");
    write_xlsx(&people, &dir.path().join("in.xlsx"), None);
    let mut outputs = Vec::new();
    for input in ["in.csv", "in.jsonl", "in.xlsx"] {
        let out = format!("{input}.out.csv");
        let Run { code, stderr, .. } = batch_run(
            &["-i", &p(dir.path(), input), "-o", &p(dir.path(), &out)],
            "",
        );
        assert!(code == 0 || code == 1, "{input}: {stderr}");
        outputs.push((input, code, read(dir.path(), &out)));
    }
    assert_eq!(outputs[0].2, outputs[1].2, "CSV and JSON Lines inputs");
    assert_eq!(outputs[0].2, outputs[2].2, "CSV and xlsx inputs");

    // Every row is exactly what `evaluate` gives for that profile on its own.
    let rules = rules();
    let rows = records(&outputs[0].2);
    assert_eq!(rows.len(), people.len());
    let mut any_error = false;
    for (row, person) in rows.iter().zip(&people) {
        let d = rules
            .evaluate_json(&json_line(person), on())
            .expect("valid profile");
        assert_eq!(row["case_id"], d.case_id.clone().unwrap_or_default());
        for r in &d.results {
            assert_eq!(row[&format!("{}.status", r.family)], r.status.as_str());
            for o in &r.outputs {
                assert_eq!(
                    row[&format!("{}.{}", r.family, o.name)],
                    o.to_text(),
                    "{row:?}"
                );
            }
        }
        assert_eq!(row["ruleset_digest"], rules.digest());
        any_error |= d.has_error();
    }
    // A family with status error is output, not rejected, and makes the exit code 1.
    for (input, code, _) in &outputs {
        assert_eq!(*code, i32::from(any_error), "{input}");
    }
    let bands: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["topup.band"].as_str()).collect();
    assert!(bands.len() >= 5, "the cohort reaches most bands: {bands:?}");
}

#[test]
fn jsonl_and_xlsx_outputs_hold_the_same_rows_as_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.jsonl"), jsonl(&cohort(60))).expect("write");
    for out in ["out.csv", "out.jsonl", "out.xlsx"] {
        let Run { code, stderr, .. } = batch_run(
            &["-i", &p(dir.path(), "in.jsonl"), "-o", &p(dir.path(), out)],
            "",
        );
        assert!(code == 0 || code == 1, "{stderr}");
    }
    let rows = records(&read(dir.path(), "out.csv"));
    let lines: Vec<serde_json::Value> = read(dir.path(), "out.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("out.xlsx")).expect("open xlsx");
    let sheet = book.worksheet_range_at(0).expect("a sheet").expect("read");
    let mut sheet_rows = sheet.rows();
    let header: Vec<String> = sheet_rows
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    let csv_text = read(dir.path(), "out.csv");
    let csv_header: Vec<&str> = csv_text
        .lines()
        .next()
        .expect("header")
        .split(',')
        .collect();
    assert_eq!(header, csv_header);
    assert_eq!(sheet.height(), rows.len() + 1);
    for ((row, line), cells) in rows.iter().zip(&lines).zip(sheet_rows) {
        for (name, cell) in header.iter().zip(cells) {
            let csv_cell = &row[name];
            let json = match &line[name] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(&json, csv_cell, "{name}");
            let xlsx = match cell {
                // Money cells are numbers shown with two decimals.
                Data::Float(f) if name.ends_with(".amount") => format!("{f:.2}"),
                other => other.to_string(),
            };
            assert_eq!(&xlsx, csv_cell, "{name}");
        }
    }
    assert_eq!(lines.len(), rows.len());
}

#[test]
fn one_or_two_threads_give_byte_identical_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.jsonl"), jsonl(&cohort(200))).expect("write");
    for ext in ["csv", "jsonl"] {
        let mut outs = Vec::new();
        for threads in ["1", "2"] {
            let out = format!("out{threads}.{ext}");
            let Run { stderr, .. } = batch_run(
                &[
                    "-i",
                    &p(dir.path(), "in.jsonl"),
                    "-o",
                    &p(dir.path(), &out),
                    "--threads",
                    threads,
                ],
                "",
            );
            assert!(stderr.is_empty() || !stderr.contains("stopped"), "{stderr}");
            outs.push(std::fs::read(dir.path().join(out)).expect("output"));
        }
        assert_eq!(outs[0], outs[1], "{ext}");
    }
    // Through the library, with chunks and pieces much smaller than the input.
    let rules = rules();
    let mut bytes = Vec::new();
    for threads in [1, 2] {
        let out = dir.path().join(format!("lib{threads}.csv"));
        let options = Options {
            threads: Some(threads),
            chunk_rows: 7,
            ..Options::new(dir.path().join("in.jsonl"), &out)
        };
        let summary = batch::run(&rules, on(), &options).expect("batch runs");
        assert_eq!(summary.rows_in, 200);
        assert_eq!(summary.rows_in, summary.rows_out + summary.rows_rejected);
        bytes.push(std::fs::read(out).expect("output"));
    }
    assert_eq!(bytes[0], bytes[1]);
    assert_eq!(
        bytes[0],
        std::fs::read(dir.path().join("out1.csv")).expect("output")
    );
}

#[test]
fn standard_input_and_output_are_csv() {
    let people = cohort(20);
    let Run {
        code,
        stdout,
        stderr,
    } = batch_run(&["-i", "-", "-o", "-"], &csv(&people));
    assert!(code == 0 || code == 1, "{stderr}");
    let rows = records(&stdout);
    assert_eq!(rows.len(), 20);
    assert_eq!(rows[0]["topup.band"], "C");
    assert_eq!(rows[0]["topup.amount"], "3000.00");
    // Without --quiet, the summary table follows on standard error.
    let Run { stderr, .. } = sendband(&["batch", "--on", ON, "-i", "-", "-o", "-"], &csv(&people));
    assert!(stderr.contains("rows in: 20, out: 20"), "{stderr}");
    let line_c: Vec<&str> = stderr
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.get(2) == Some(&"C"))
        .expect("a line for band C");
    assert_eq!(
        line_c,
        ["topup", "amount", "C", "mainstream_school", "1", "3,000.00"]
    );
}

#[test]
fn a_batch_in_memory_gives_the_bytes_of_a_batch_of_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let people = cohort(300);
    // Broken rows too, so that the rejects are compared as well as the output.
    let jsonl_text = format!(
        "{}not json\n{{\"case_id\": \"x\", \"setting\": 3}}\n",
        jsonl(&people)
    );
    let csv_text = format!("{}too,short\n", csv(&people));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    for (name, text, format) in [
        ("in.jsonl", &jsonl_text, batch::Format::Jsonl),
        ("in.csv", &csv_text, batch::Format::Csv),
    ] {
        std::fs::write(dir.path().join(name), text).expect("write");
        let mut options = Options::new(dir.path().join(name), dir.path().join("out.csv"));
        options.rejects = Some(dir.path().join("rejects.csv"));
        options.chunk_rows = 7;
        let files = batch::run(&rules(), on(), &options).expect("batch of files");
        let memory = batch::run_in_memory(&rules(), on(), format, text.as_bytes(), &pool, 7)
            .expect("batch in memory");
        assert_eq!(
            String::from_utf8(memory.output).ok(),
            Some(read(dir.path(), "out.csv"))
        );
        assert_eq!(
            String::from_utf8(memory.rejects).ok(),
            Some(read(dir.path(), "rejects.csv"))
        );
        let counts =
            |s: &batch::Summary| (s.rows_in, s.rows_out, s.rows_rejected, s.rows_with_error);
        assert_eq!(counts(&memory.summary), counts(&files));
        assert_eq!(counts(&files).2, if name == "in.csv" { 1 } else { 2 });
        assert_eq!(memory.summary.to_json_pretty(), files.to_json_pretty());
    }
}
