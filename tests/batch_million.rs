//! A million synthetic rows, one in a hundred broken in ten different ways: 990,000 rows out,
//! exactly the 10,000 broken ones rejected, and totals that reconcile with the output, to the penny.

mod common;

use common::{sendband, Run};
use rust_decimal::Decimal;
use sendband::{Date, RuleSet};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const ROWS: u64 = 1_000_000;

/// Break one synthetic line (compact JSON, keys in the order `case_id`, `date_of_birth`,
/// `setting`, ...) in one of ten ways; the tenth, on the very last line, is a line cut short.
fn broken(line: &str, kind: u64, last: bool) -> String {
    let after_brace = &line[1..];
    match kind {
        0 => line[..line.len() / 2].to_string(),
        1 => format!("{{\"needs.semh\":\"two\",{after_brace}"),
        2 => format!("{{\"needs.semh\":7,{after_brace}"),
        3 => format!("{{\"needs.smeh\":2,{after_brace}"),
        4 => line.replacen("\"date_of_birth\"", "\"birthday\"", 1),
        5 => line.replacen("\"setting\":\"", "\"setting\":\"x", 1),
        6 => "[1, 2, 3]".to_string(),
        7 => String::new(),
        8 => line.replacen("\"date_of_birth\":\"", "\"date_of_birth\":\"20x", 1),
        _ if last => line[..line.len() - 3].to_string(),
        _ => format!("{{\"attendance.days_on_roll\":-5,{after_brace}"),
    }
}

#[test]
fn a_million_rows_with_one_in_a_hundred_broken_lose_nothing() {
    let rules = RuleSet::from_folder(Path::new("rules/haringey/2024-25")).expect("rules");
    let on: Date = "2025-01-15".parse().expect("date");
    let mut jsonl = Vec::new();
    // Rows that some family cannot decide too, as a real extract may have.
    let mut profiles = sendband::synth::Generator::new(&rules, 11, on);
    profiles.keep_errors = true;
    sendband::synth::write_profiles(&mut profiles, ROWS, &mut jsonl).expect("synth");
    let text = String::from_utf8(jsonl).expect("utf-8");

    let mut input = String::with_capacity(text.len());
    let mut broken_rows = BTreeSet::new();
    for (i, line) in (0u64..).zip(text.lines()) {
        let last = i + 1 == ROWS;
        if i % 100 == 99 {
            broken_rows.insert(i + 1);
            input.push_str(&broken(line, (i / 100) % 10, last));
        } else {
            input.push_str(line);
        }
        if !(last && i % 100 == 99) {
            input.push('\n');
        }
    }
    assert_eq!(broken_rows.len(), 10_000);

    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name).display().to_string();
    std::fs::write(path("in.jsonl"), &input).expect("write");
    drop(input);
    let Run { code, stderr, .. } = sendband(
        &[
            "batch",
            "--rules",
            "rules/haringey/2024-25",
            "--on",
            "2025-01-15",
            "--input",
            &path("in.jsonl"),
            "--output",
            &path("out.csv"),
            "--rejects",
            &path("rejects.csv"),
            "--summary",
            &path("summary.json"),
            "--threads",
            "2",
            "--quiet",
        ],
        "",
    );
    // Rejected rows make the exit code 1; anything else would be a failure to run.
    assert_eq!(code, 1, "{stderr}");

    let summary = common::json_file(path("summary.json"));
    assert_eq!(summary["rows_in"], 1_000_000);
    assert_eq!(summary["rows_out"], 990_000);
    assert_eq!(summary["rows_rejected"], 10_000);

    // The rejects name exactly the broken rows.
    let mut rejects = csv::Reader::from_path(path("rejects.csv")).expect("rejects");
    let rejected: BTreeSet<u64> = rejects
        .records()
        .map(|r| {
            r.expect("a reject")[0]
                .parse::<u64>()
                .expect("a row number")
        })
        .collect();
    assert_eq!(rejected, broken_rows);

    // Every output row is a row that was not broken, once, in input order; the money in the
    // output adds up to the summary's totals by family and band.
    let mut output = csv::Reader::from_path(path("out.csv")).expect("output");
    let header = output.headers().expect("header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (case, topup_band, topup_amount) = (
        column("case_id"),
        column("topup.band"),
        column("topup.amount"),
    );
    let (ey_band, ey_amount) = (column("early_years.band"), column("early_years.amount"));
    let mut rows = 0u64;
    let mut sums: BTreeMap<(String, String), (u64, Decimal)> = BTreeMap::new();
    let mut previous = None;
    for record in output.records() {
        let record = record.expect("an output row");
        rows += 1;
        // Case ids are SYN-<seed>-<index>: increasing, and never one of the broken rows.
        let index: u64 = record[case]
            .rsplit('-')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a synthetic case id");
        assert!(
            !broken_rows.contains(&(index + 1)),
            "row {} is broken",
            index + 1
        );
        assert!(previous < Some(index), "output out of order at {index}");
        previous = Some(index);
        for (family, band, amount) in [
            ("topup", topup_band, topup_amount),
            ("early_years", ey_band, ey_amount),
        ] {
            if record[amount].is_empty() {
                continue;
            }
            let sum = sums
                .entry((family.to_string(), record[band].to_string()))
                .or_default();
            sum.0 += 1;
            sum.1 += record[amount].parse::<Decimal>().expect("an amount");
        }
    }
    assert_eq!(rows, 990_000);
    let mut totals: BTreeMap<(String, String), (u64, Decimal)> = BTreeMap::new();
    for t in summary["totals"].as_array().expect("totals") {
        let key = (
            t["family"].as_str().expect("family").to_string(),
            t["band"].as_str().expect("band").to_string(),
        );
        let total = totals.entry(key).or_default();
        total.0 += t["count"].as_u64().expect("count");
        total.1 += t["total"]
            .as_str()
            .expect("total")
            .parse::<Decimal>()
            .expect("a total");
    }
    assert_eq!(totals, sums);
    assert!(sums.len() >= 10, "{sums:?}");
}
