//! Batch row parsing, CSV and JSON Lines: whatever the input holds, the batch completes or
//! stops with an error, and every row read is in the output or in the rejects. Run in memory on
//! one pool kept across runs, so each run is the batch's own work, not files and threads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sendband::batch::{self, Format};
use sendband::{Date, RuleSet};
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::embedded(Date::new(2025, 1, 15).expect("date"))
            .expect("the embedded rule set loads")
    })
}

fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a thread pool")
    })
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the format; the rest is the file.
    let Some((&kind, body)) = data.split_first() else {
        return;
    };
    let format = if kind % 2 == 0 {
        Format::Csv
    } else {
        Format::Jsonl
    };
    let on: Date = "2025-01-15".parse().expect("date");
    if let Ok(run) = batch::run_in_memory(rules(), on, format, body, pool(), 3) {
        let s = &run.summary;
        assert_eq!(s.rows_in, s.rows_out + s.rows_rejected, "rows lost");
        let records = csv::ReaderBuilder::new()
            .from_reader(run.output.as_slice())
            .byte_records()
            .count() as u64;
        assert_eq!(records, s.rows_out, "output rows differ from the summary");
        let rejected = csv::ReaderBuilder::new()
            .from_reader(run.rejects.as_slice())
            .byte_records()
            .count() as u64;
        assert!(
            rejected >= s.rows_rejected,
            "a rejected row without a reject line"
        );
    }
});
