//! The comparison of the differential guard: each profile decided in full (as `explain` and the
//! form get it) and as a batch row, status, outputs and flags compared. Needs sendband, csv, rayon.

use sendband::batch::{run_in_memory, Format};
use sendband::{Date, RuleSet};

/// Every disagreement between the full decision and the batch row for one rule set.
pub fn disagreements(rules: &RuleSet, profiles: &[String], on: Date) -> Vec<String> {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a thread pool")
    });
    let jsonl = profiles.join("\n");
    let run = run_in_memory(rules, on, Format::Jsonl, jsonl.as_bytes(), pool, 64)
        .expect("the batch runs");
    assert_eq!(run.summary.rows_rejected, 0, "generated profiles are valid");
    let mut rows = csv::Reader::from_reader(run.output.as_slice());
    let header = rows.headers().expect("a header").clone();
    let mut found = Vec::new();
    for (profile, row) in profiles.iter().zip(rows.records()) {
        let row = row.expect("a CSV row");
        let facts = rules.facts_from_json(profile).expect("a valid profile");
        let full = rules.evaluate(&facts, on);
        let lean = rules.evaluate_lean(&facts, on);
        let cell = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| row.get(i))
                .unwrap_or("(no column)")
                .to_string()
        };
        for (r, l) in full.results.iter().zip(&lean.results) {
            let status = cell(&format!("{}.status", r.family));
            if status != r.status.as_str() {
                found.push(format!(
                    "{profile}: {} is {} in full ({:?}) but {status} in the batch",
                    r.family,
                    r.status.as_str(),
                    r.reasons
                ));
            }
            for o in &r.outputs {
                let batch = cell(&format!("{}.{}", r.family, o.name));
                if batch != o.to_text() {
                    found.push(format!(
                        "{profile}: {}.{} is {:?} in full but {batch:?} in the batch",
                        r.family,
                        o.name,
                        o.to_text()
                    ));
                }
            }
            if r.flags != l.flags {
                found.push(format!(
                    "{profile}: {} flags {:?} in full but {:?} lean",
                    r.family, r.flags, l.flags
                ));
            }
        }
    }
    found
}
