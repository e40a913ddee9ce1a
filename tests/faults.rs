//! Faults: a disk that fills up mid-run, and a rule set that fails to load. Either way the run
//! says what went wrong and leaves nothing half-written, and files already there are untouched.
//! (A run killed midway is in batch_rejects.rs.)

mod batch_cohort;
mod common;

use batch_cohort::{cohort, jsonl};
use std::path::Path;
use std::process::Command;

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_disk_that_fills_up_midway_stops_the_run_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.jsonl"), jsonl(&cohort(3000))).expect("write");
    std::fs::write(dir.path().join("out.csv"), "the last good run\n").expect("write");
    // A full disk, made by the process's file size limit (64 KiB, well under the output's
    // size): a write past it fails with "File too large" instead of killing the process.
    let script = format!(
        "ulimit -f 64; trap '' XFSZ; exec {} batch --on 2025-01-15 -i in.jsonl -o out.csv \
         --rejects rejects.csv --quiet",
        env!("CARGO_BIN_EXE_sendband")
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write out.csv") && stderr.contains("File too large"),
        "{stderr}"
    );
    // The old output is still there, whole; no temporary file is left; rejects are not
    // written either, as the run did not complete.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.csv")).expect("read"),
        "the last good run\n"
    );
    assert_eq!(listing(dir.path()), ["in.jsonl", "out.csv"]);
}

#[test]
fn a_rule_set_that_fails_to_load_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = common::haringey_copy(&dir.path().join("rules"), |name, text| match name {
        "families/topup.json" => text.replacen("\"needs.semh\"", "\"needs.smeh\"", 1),
        _ => text,
    });
    let work = dir.path().join("work");
    std::fs::create_dir(&work).expect("mkdir");
    std::fs::write(work.join("in.jsonl"), jsonl(&cohort(10))).expect("write");
    std::fs::write(work.join("out.csv"), "the last good run\n").expect("write");
    let p = |name: &str| work.join(name).display().to_string();
    let common::Run { code, stderr, .. } = common::sendband(
        &[
            "batch",
            "--rules",
            rules.to_str().expect("path"),
            "--on",
            "2025-01-15",
            "-i",
            &p("in.jsonl"),
            "-o",
            &p("out.csv"),
            "--rejects",
            &p("rejects.csv"),
            "--summary",
            &p("summary.json"),
        ],
        "",
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("needs.smeh"), "{stderr}");
    assert!(stderr.contains("did you mean"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(work.join("out.csv")).expect("read"),
        "the last good run\n"
    );
    assert_eq!(listing(&work), ["in.jsonl", "out.csv"]);
}
