//! `synth --cover` (issue 21): a realistic cohort plus plain cases that reach every table row,
//! range and lookup cell the rule sets can reach, and every change of result between them, so
//! that `diff` of the shipped draft shows its Band C move.

mod common;

use common::sendband;
use sendband::decision::Detail;
use sendband::ruleset::RuleSet;
use std::collections::BTreeSet;
use std::path::Path;

const ON: &str = "2025-01-15";

fn load(path: &str) -> RuleSet {
    RuleSet::from_folder(Path::new(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What the lines reach under `rules`: (step, what) of the family `family`.
fn reached(rules: &RuleSet, lines: &[&str], family: &str) -> BTreeSet<(String, String)> {
    let on = ON.parse().expect("date");
    let mut out = BTreeSet::new();
    for line in lines {
        let facts = rules
            .facts_from_json(line)
            .unwrap_or_else(|e| panic!("{line}: {e:?}"));
        let d = rules.evaluate(&facts, on);
        let r = d
            .results
            .iter()
            .find(|r| &*r.family == family)
            .expect("family");
        for t in &r.trace {
            let what = match &t.detail {
                Detail::Rows {
                    decided: Some(row), ..
                } => format!("row {row}"),
                Detail::Range(_) => format!("range {}", t.value),
                Detail::Keys(keys) if !t.value.is_null() => {
                    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
                    format!("cell {}", keys.join(", "))
                }
                _ => continue,
            };
            out.insert((t.step.to_string(), what));
        }
    }
    out
}

#[test]
fn a_covering_cohort_reaches_every_row_range_and_cell_and_shows_the_draft_s_band_c_move() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("synth-cover");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let cohort = dir.join("cohort.jsonl");
    let plain = dir.join("plain.jsonl");
    let args = |out: &Path, cover: bool| {
        let mut a = vec![
            "synth".to_string(),
            "--rules".into(),
            "rules/haringey/2024-25".into(),
            "--on".into(),
            ON.into(),
            "--n".into(),
            "200".into(),
            "--seed".into(),
            "7".into(),
            "-o".into(),
            out.display().to_string(),
        ];
        if cover {
            a.extend(["--cover".into(), "rules/haringey/2025-26-draft".into()]);
        }
        a
    };
    for (out, cover) in [(&cohort, true), (&plain, false)] {
        let a = args(out, cover);
        let run = sendband(&a.iter().map(String::as_str).collect::<Vec<_>>(), "");
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let text = std::fs::read_to_string(&cohort).expect("cohort");
    let lines: Vec<&str> = text.lines().collect();
    // The realistic profiles are as without --cover; the covering ones follow, numbered.
    let plain = std::fs::read_to_string(&plain).expect("plain");
    assert!(text.starts_with(&plain));
    let covering: Vec<&str> = lines[200..].to_vec();
    assert!(covering.len() >= 20, "{} covering cases", covering.len());
    for (i, line) in covering.iter().enumerate() {
        assert!(
            line.starts_with(&format!("{{\"case_id\":\"COVER-{}\"", i + 1)),
            "{line}"
        );
    }

    // Under each rule set, the covering cases alone reach every decision row of the band
    // table, every score band and every lookup cell with a value.
    for path in ["rules/haringey/2024-25", "rules/haringey/2025-26-draft"] {
        let rules = load(path);
        let got = reached(&rules, &covering, "topup");
        for row in 1..=6 {
            assert!(
                got.contains(&("band".into(), format!("row {row}"))),
                "{path}: row {row}: {got:?}"
            );
        }
        for band in ["A", "B", "C", "D", "E", "F", "G", "H"] {
            assert!(
                got.contains(&("score_band".into(), format!("range {band}"))),
                "{path}: {band}"
            );
        }
        let cells = got.iter().filter(|(s, _)| s == "annual_value").count();
        // A and B in a mainstream school, C there, and D to H in all three settings.
        assert_eq!(cells, 2 + 1 + 5 * 3, "{path}: {got:?}");
    }

    // The diff over it shows the move one review cycle makes: B to C, costed to that change.
    let run = sendband(
        &[
            "diff",
            "--base",
            "rules/haringey/2024-25",
            "--proposed",
            "rules/haringey/2025-26-draft",
            "--cohort",
            &cohort.display().to_string(),
            "--on",
            ON,
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let moves = run
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("B -> C:"))
        .unwrap_or_else(|| panic!("no B -> C move:\n{}", run.stdout));
    assert!(moves.ends_with('*'), "{moves}");
    let first = run
        .stdout
        .split("1. Element 3 top-up band: the test `sen_support.apdr_cycles >= 2` becomes `sen_support.apdr_cycles >= 1`\n     cost ")
        .nth(1)
        .unwrap_or_else(|| panic!("{}", run.stdout));
    // Each case moved from B (£0.00) to C (£3,000.00 before the uplift), and nothing else.
    let n: u64 = moves
        .trim()
        .trim_start_matches("B -> C:")
        .trim_end_matches('*')
        .trim()
        .parse()
        .expect("a count");
    let cost = sendband::money::for_people((3000 * n).into());
    let case = if n == 1 { "case" } else { "cases" };
    assert!(
        first.starts_with(&format!("+£{cost}, {n} {case} changed")),
        "{n} moves: {first}"
    );
}
