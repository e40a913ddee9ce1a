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
