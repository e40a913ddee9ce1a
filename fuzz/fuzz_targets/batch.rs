//! Batch row parsing, CSV and JSON Lines: whatever the file holds, the batch completes or
//! stops with an error, and every row read is in the output or in the rejects.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sendband::batch::{self, Options};
use sendband::{Date, RuleSet};
use std::path::PathBuf;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("the embedded rule set loads"))
}

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("sendband-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temporary folder");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the format; the rest is the file.
    let Some((&kind, body)) = data.split_first() else {
        return;
    };
    let input = dir().join(if kind % 2 == 0 { "in.csv" } else { "in.jsonl" });
    std::fs::write(&input, body).expect("write the input");
    let mut options = Options::new(&input, dir().join("out.csv"));
    options.rejects = Some(dir().join("rejects.csv"));
    options.threads = Some(1);
    options.chunk_rows = 3;
    let on: Date = "2025-01-15".parse().expect("date");
    if let Ok(s) = batch::run(rules(), on, &options) {
        assert_eq!(s.rows_in, s.rows_out + s.rows_rejected, "rows lost");
        let out = std::fs::read(dir().join("out.csv")).expect("the output exists");
        let records = csv::ReaderBuilder::new()
            .from_reader(out.as_slice())
            .byte_records()
            .count() as u64;
        assert_eq!(records, s.rows_out, "output rows differ from the summary");
    }
});
