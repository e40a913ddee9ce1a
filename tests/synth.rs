//! Synthetic profiles (`sendband::synth`): always valid for the shipped rule sets, reproducible
//! from their seed, and spread so that every band and status a rule set can reach turns up.

mod common;

use sendband::synth::{write_jsonl, write_profiles, Generator};
use sendband::{Date, RuleSet, Status};
use std::collections::BTreeMap;
use std::path::Path;

const N: u64 = 20_000;

fn on() -> Date {
    "2025-01-15".parse().expect("date")
}

fn shipped(folder: &str) -> RuleSet {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rules")
        .join(folder);
    RuleSet::from_folder(&path).expect("shipped rule set loads")
}

fn jsonl(rules: &RuleSet, n: u64, seed: u64) -> String {
    let mut out = Vec::new();
    write_jsonl(rules, n, seed, on(), &mut out).expect("write to a Vec");
    String::from_utf8(out).expect("UTF-8")
}

/// Counts of family status and output values over `text`, every line validated first.
fn tally(rules: &RuleSet, text: &str, outputs: &[(&str, &str)]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for line in text.lines() {
        let facts = rules
            .facts_from_json(line)
            .unwrap_or_else(|e| panic!("invalid synthetic profile {line}: {e}"));
        let decision = rules.evaluate(&facts, on());
        for r in &decision.results {
            *counts
                .entry(format!("{} {}", r.family, r.status.as_str()))
                .or_default() += 1;
            for flag in &r.flags {
                *counts
                    .entry(format!("{} flag {flag}", r.family))
                    .or_default() += 1;
            }
        }
        for (family, output) in outputs {
            let r = decision.family(family).expect("family");
            if r.status == Status::Applied {
                let value = r.output(output).expect("output").to_text();
                *counts
                    .entry(format!("{family}.{output} {value}"))
                    .or_default() += 1;
            }
        }
    }
    counts
}

#[test]
fn haringey_profiles_are_valid_and_reach_every_band_and_status() {
    let rules = shipped("haringey/2024-25");
    let text = jsonl(&rules, N, 1);
    assert_eq!(text.lines().count() as u64, N);
    let counts = tally(
        &rules,
        &text,
        &[
            ("topup", "band"),
            ("early_years", "band"),
            ("ehcp_threshold", "outcome"),
        ],
    );
    eprintln!("{counts:#?}");
    let count = |key: &str| counts.get(key).copied().unwrap_or(0);
    for status in [
        "topup applied",
        "topup not_applicable",
        "topup ineligible",
        "early_years applied",
        "early_years not_applicable",
        "ehcp_threshold applied",
        "ehcp_threshold not_applicable",
    ] {
        assert!(count(status) > 0, "no {status} in {counts:#?}");
    }
    let bands: Vec<u64> = "ABCDEFGH"
        .chars()
        .map(|b| count(&format!("topup.band {b}")))
        .collect();
    let applied = count("topup applied");
    assert!(bands.iter().all(|&c| c > 0), "a band is missing: {bands:?}");
    let most = bands.iter().copied().max().unwrap_or(0);
    assert!(
        bands[0] == most || bands[1] == most,
        "A or B should be the most common band: {bands:?}"
    );
    assert!(
        most * 100 <= applied * 40,
        "a band above 40%: {bands:?} of {applied}"
    );
    for band in ["EY1", "EY2", "EY3", "EY4"] {
        assert!(count(&format!("early_years.band {band}")) > 0, "no {band}");
    }
    for family in ["topup", "early_years", "ehcp_threshold"] {
        assert_eq!(count(&format!("{family} error")), 0, "{family} undecided");
    }
    for outcome in ["meets", "borderline", "not_met"] {
        assert!(count(&format!("ehcp_threshold.outcome {outcome}")) > 0);
    }
}

#[test]
fn herefordshire_profiles_are_valid_and_spread_over_the_groups() {
    let rules = shipped("herefordshire/2021-04");
    let text = jsonl(&rules, N, 1);
    let counts = tally(
        &rules,
        &text,
        &[("tariff", "group"), ("tariff", "per_term")],
    );
    let groups: Vec<(&String, &u64)> = counts
        .iter()
        .filter(|(k, _)| k.starts_with("tariff.group "))
        .collect();
    eprintln!(
        "{groups:?}\nexceptional: {:?}",
        counts.get("tariff flag exceptional_panel")
    );
    assert!(groups.len() >= 15, "few groups: {groups:?}");
    for group in ["Local Offer", "A1", "C1", "E1", "F4"] {
        assert!(
            counts.contains_key(&format!("tariff.group {group}")),
            "{group}"
        );
    }
    assert!(counts.contains_key("tariff flag exceptional_panel"));
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_others() {
    let rules = shipped("haringey/2024-25");
    let a = jsonl(&rules, 2_000, 42);
    assert_eq!(a, jsonl(&rules, 2_000, 42));
    assert_ne!(a, jsonl(&rules, 2_000, 43));
    // Profile i does not depend on how many are drawn.
    assert!(a.starts_with(&jsonl(&rules, 100, 42)));
    assert!(a.starts_with(r#"{"case_id":"SYN-42-0","#));
    assert!(a
        .lines()
        .nth(1999)
        .is_some_and(|l| l.starts_with(r#"{"case_id":"SYN-42-1999","#)));
}

#[test]
fn profiles_are_nested_by_dotted_name_with_exact_numbers() {
    let rules = shipped("haringey/2024-25");
    let text = jsonl(&rules, 2_000, 3);
    let (mut overrides, mut early, mut school) = (0, 0, 0);
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        assert!(v["needs"].is_object() || v.get("needs").is_none(), "{line}");
        assert!(!line.contains("{}"), "empty object in {line}");
        if let Some(o) = v.get("override") {
            overrides += 1;
            assert!(o["band"].is_string() && o["reason"].is_string(), "{line}");
        }
        // Money is written with exactly two decimals.
        if let Some(spend) = line.split("\"notional_spend\":").nth(1) {
            let number: String = spend
                .chars()
                .take_while(|c| *c != ',' && *c != '}')
                .collect();
            assert_eq!(number.split('.').nth(1).map(str::len), Some(2), "{line}");
        }
        let born: Date = v["date_of_birth"]
            .as_str()
            .expect("dob")
            .parse()
            .expect("date");
        let months = born.whole_months_until(on());
        if v["setting"] == "early_years_setting" {
            early += 1;
            assert!((17..=66).contains(&months), "{months} months in {line}");
        } else if v.get("setting").is_some() {
            school += 1;
            assert!((48..=216).contains(&months), "{months} months in {line}");
        }
    }
    assert!(overrides > 10 && overrides < 150, "{overrides} overrides");
    assert!(early > 100 && school > 1000);
}

#[test]
fn members_of_an_object_are_grouped_even_when_declared_apart() {
    let rules = common::load(
        r#"[{"name": "a.x", "type": "integer", "label": "A x", "required": true, "min": 0, "max": 3},
            {"name": "b", "type": "enum", "label": "B", "values": [{"value": "p", "label": "P"},
                                                                   {"value": "q\"r", "label": "Q"}]},
            {"name": "a.y.z", "type": "decimal", "label": "A y z", "min": "-1.5", "max": "0.75"},
            {"name": "a.w", "type": "money", "label": "A w", "required": true, "one_of": [5, "7.5"]},
            {"name": "when", "type": "date", "label": "When", "required": true},
            {"name": "note", "type": "string", "label": "Note", "max_length": 4,
             "ask_when": {"b": ["q\"r"]}}]"#,
        &[
            r#"{"name": "f", "title": "F", "steps": [{"name": "s", "let": "a.x + 1"}],
              "outputs": [{"name": "s", "value": "s"}]}"#,
        ],
    );
    let text = jsonl(&rules, 500, 9);
    let mut notes = 0;
    for line in text.lines() {
        rules
            .facts_from_json(line)
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        assert_eq!(line.matches("\"a\":").count(), 1, "{line}");
        let keys: Vec<&String> = v["a"].as_object().expect("a").keys().collect();
        assert!(
            keys.contains(&&"x".to_string()) && keys.contains(&&"w".to_string()),
            "{line}"
        );
        assert!(
            ["5.00", "7.50"]
                .iter()
                .any(|w| line.contains(&format!("\"w\":{w}"))),
            "{line}"
        );
        if let Some(note) = v.get("note") {
            notes += 1;
            assert_eq!(v["b"], "q\"r", "{line}");
            assert_eq!(note.as_str().map(|s| s.chars().count()), Some(4));
        }
        let when: Date = v["when"].as_str().expect("when").parse().expect("date");
        assert!((0..=366).contains(&when.days_until(on())), "{line}");
    }
    assert!(notes > 0);
}

#[test]
fn a_generator_appends_one_line_per_profile() {
    let rules = shipped("herefordshire/2021-04");
    let mut g = Generator::new(&rules, 5, on());
    let mut buf = String::new();
    g.profile(0, &mut buf);
    g.profile(1, &mut buf);
    assert_eq!(buf.lines().count(), 2);
    assert!(buf.ends_with('\n'));
    assert!(
        buf.starts_with(r#"{"case_id":"SYN-5-0","assessment_points":"#),
        "{buf}"
    );
}

#[test]
fn only_profiles_the_rules_decide_unless_errors_are_asked_for() {
    let rules = shipped("haringey/2024-25");
    let undecided = |text: &str| -> Vec<String> {
        let lines = text.lines().filter(|line| {
            let facts = rules.facts_from_json(line).expect("valid");
            let decision = rules.evaluate(&facts, on());
            decision.results.iter().any(|r| r.status == Status::Error)
        });
        lines.map(str::to_string).collect()
    };
    let mut kept = Generator::new(&rules, 3, on());
    kept.keep_errors = true;
    let mut with_errors = Vec::new();
    assert_eq!(
        write_profiles(&mut kept, 5_000, &mut with_errors).ok(),
        Some(0)
    );
    let with_errors = String::from_utf8(with_errors).expect("UTF-8");
    let errors = undecided(&with_errors);
    // A panel override of a band the setting has no value for (band C in resourced provision).
    assert!(errors.len() >= 10, "{} undecided of 5000", errors.len());
    assert!(
        errors.iter().all(|l| l.contains("\"override\"")),
        "{errors:?}"
    );

    let mut out = Vec::new();
    assert_eq!(write_jsonl(&rules, 5_000, 3, on(), &mut out).ok(), Some(0));
    let text = String::from_utf8(out).expect("UTF-8");
    assert_eq!(undecided(&text), Vec::<String>::new());
    // Only the undecided profiles were drawn again; the others are the same bytes.
    let (a, b): (Vec<&str>, Vec<&str>) = (with_errors.lines().collect(), text.lines().collect());
    assert_eq!(a.len(), b.len());
    let redrawn = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    assert_eq!(redrawn, errors.len());
    assert!(b[4999].starts_with(r#"{"case_id":"SYN-3-4999","#));
}

/// `cargo test --release --test synth -- --ignored --nocapture`: the time for a million profiles.
#[test]
#[ignore]
fn a_million_haringey_profiles() {
    let rules = shipped("haringey/2024-25");
    let start = std::time::Instant::now();
    write_jsonl(&rules, 1_000_000, 1, on(), &mut std::io::sink()).expect("write");
    let to_sink = start.elapsed();
    let start = std::time::Instant::now();
    let mut bytes = Vec::with_capacity(300_000_000);
    write_jsonl(&rules, 1_000_000, 1, on(), &mut bytes).expect("write");
    eprintln!(
        "1,000,000 profiles: {to_sink:?} to a sink, {:?} into memory ({} MB)",
        start.elapsed(),
        bytes.len() / 1_000_000
    );
}
