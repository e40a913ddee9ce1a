//! The policy playground's engine (issue 22): edits are rule changes applied to the base with
//! the loader's checks, and the impact it shows is `sendband diff`'s, on the same cohort.

mod batch_cohort;
mod common;

use sendband::impact::{self, Cohort};
use sendband::playground::Playground;
use sendband::{Date, RuleSet};
use serde_json::Value;
use std::path::{Path, PathBuf};

const ON: &str = "2024-09-01";
const BAND_D_MAINSTREAM: &str = r#"[{"title": "Band D in mainstream up", "family": "topup", "step": "annual_value", "values": {"D": {"mainstream_school": "4500.00"}}}]"#;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("playground-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn base() -> RuleSet {
    RuleSet::from_folder(Path::new("rules/haringey/2024-25")).expect("2024-25 loads")
}

/// A synthetic cohort of `n` Haringey profiles, as `sendband synth` writes them.
fn cohort(n: u64) -> Vec<u8> {
    let rules = base();
    let mut out = Vec::new();
    sendband::synth::write_jsonl(&rules, n, 7, ON.parse().expect("date"), &mut out).expect("synth");
    out
}

fn opened(rows: &[u8]) -> Playground {
    let rules = base();
    let text = serde_json::to_string(rules.bundle()).expect("bundle");
    let mut play = Playground::open(&text, "haringey-2024-25.json", Some(ON)).expect("opens");
    let read: Value = serde_json::from_str(
        &play
            .read_cohort("cohort.jsonl", rows.to_vec())
            .expect("reads"),
    )
    .expect("json");
    assert_eq!(read["rejected"], Value::Array(vec![]));
    play
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("json")
}

/// `sendband diff` (the library's comparison) of `proposed` against the base on `rows`.
fn diffed(proposed: &RuleSet, rows: &[u8]) -> impact::Impact {
    let on: Date = ON.parse().expect("date");
    impact::compare(
        &base(),
        proposed,
        on,
        Cohort::Jsonl(rows),
        "cohort.jsonl",
        &mut |_| Ok(()),
    )
    .expect("compares")
}

#[test]
fn an_edit_costs_what_diff_says_and_its_bundle_and_extension_decide_alike() {
    let rows = cohort(2_000);
    let play = opened(&rows);
    let shown = json(
        &play
            .recompute(BAND_D_MAINSTREAM, "2024-25 band D")
            .expect("recomputes"),
    );

    // The downloaded bundle, loaded as the CLI loads a bundle, and diffed on its own.
    let bundle = play
        .bundle(BAND_D_MAINSTREAM, "2024-25 band D")
        .expect("bundle");
    let dir = scratch("bundle");
    std::fs::write(dir.join("proposed.json"), &bundle).expect("write");
    let from_bundle = RuleSet::from_bundle_file(&dir.join("proposed.json")).expect("loads");
    assert_eq!(from_bundle.manifest().version, "2024-25 band D");
    assert_eq!(
        from_bundle.digest(),
        shown["digest"].as_str().expect("digest")
    );
    let independent = diffed(&from_bundle, &rows);
    // It is built on the base by the edit, so a diff of it lists the edit under its title.
    let (listed, complete) = sendband::ruleset::changes::between(&base(), &from_bundle);
    assert!(complete);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].title.as_deref(), Some("Band D in mainstream up"));

    assert_eq!(shown["cost_base"], independent.cost_base().to_string());
    assert_eq!(
        shown["cost_proposed"],
        independent.cost_proposed().to_string()
    );
    assert_eq!(shown["cost_change"], independent.cost_change().to_string());
    let topup = &independent.families[0];
    assert_eq!(shown["families"][0]["family"], "topup");
    assert_eq!(shown["families"][0]["gain"], topup.gain);
    assert_eq!(shown["families"][0]["lose"], topup.lose);
    // Up to £500 more a band D mainstream case (less for part of a year), and nobody loses.
    assert!(topup.gain > 0, "the cohort has band D mainstream cases");
    assert_eq!(topup.lose, 0);
    let change: rust_decimal::Decimal = shown["cost_change"].as_str().unwrap().parse().unwrap();
    assert!(change > rust_decimal::Decimal::ZERO);
    assert!(change <= rust_decimal::Decimal::from(500 * topup.gain));
    // The one rule change is the whole difference.
    assert_eq!(shown["rule_changes"][0]["cost"], shown["cost_change"]);
    assert!(shown["rule_changes"][0]["words"]
        .as_str()
        .unwrap()
        .starts_with("Band D in mainstream up: "));
    // The page shows the report's own figures.
    let figures = shown["figures"].as_str().unwrap();
    assert!(figures.contains(r#"data-figure="cost-difference""#));
    assert!(figures.contains(r#"data-table="rule-changes""#));
    // The rule set's own tests run on the proposed rules: a band D mainstream test now fails.
    assert!(shown["tests"]["passed"].as_u64().unwrap() > 0);

    // The extending version, beside a copy of the base's folder, loads to the same rules.
    let ext = play
        .extension(BAND_D_MAINSTREAM, "2024-25-band-d")
        .expect("extension");
    let authority = scratch("extension");
    copy_dir(
        Path::new("rules/haringey/2024-25"),
        &authority.join("2024-25"),
    );
    std::fs::create_dir_all(authority.join("2024-25-band-d")).expect("mkdir");
    std::fs::write(authority.join("2024-25-band-d/ruleset.json"), &ext).expect("write");
    let extended = RuleSet::from_folder(&authority.join("2024-25-band-d")).expect("extends");
    assert_eq!(extended.bundle().families, from_bundle.bundle().families);
    assert_eq!(
        diffed(&extended, &rows).cost_change(),
        independent.cost_change()
    );

    // Every changed case is in the CSV, as `diff --changes` writes it.
    let csv = play.changes_csv(BAND_D_MAINSTREAM, "x").expect("csv");
    assert_eq!(csv.lines().count() as u64, 1 + independent.changed);
    assert!(csv.starts_with(impact::CHANGES_HEADER));

    // The report is diff's self-contained HTML.
    let report = play.report(BAND_D_MAINSTREAM, "x").expect("report");
    assert!(report.starts_with("<!doctype html>"));
    assert!(!report.contains("<script"));
}

#[test]
fn an_edit_that_does_not_fit_is_refused_with_the_loaders_message() {
    let play = opened(&cohort(50));
    let bad = r#"[{"family": "topup", "step": "annual_value", "values": {"Q": {"mainstream_school": "1"}}}]"#;
    let err = play.recompute(bad, "x").expect_err("no band Q");
    let message = err.to_string();
    assert!(message.contains("$[0]"), "{message}");
    assert!(message.contains("\"Q\""), "{message}");
    assert!(err.to_json().contains(r#""kind":"invalid_change""#));
    // Not a number.
    let bad = r#"[{"family": "topup", "step": "annual_value", "values": {"D": {"mainstream_school": "lots"}}}]"#;
    let message = play
        .recompute(bad, "x")
        .expect_err("not a number")
        .to_string();
    assert!(message.contains("$[0]"), "{message}");
    // A misspelt field of a change.
    let bad = r#"[{"family": "topup", "step": "annual_value", "valuez": {}}]"#;
    let message = play
        .recompute(bad, "x")
        .expect_err("unknown field")
        .to_string();
    assert!(message.contains("valuez"), "{message}");
}

#[test]
fn a_csv_cohort_lists_its_rejects_by_row_and_field() {
    let rules = base();
    let text = serde_json::to_string(rules.bundle()).expect("bundle");
    let mut play = Playground::open(&text, "haringey.json", Some(ON)).expect("opens");
    let csv =
        "case_id,date_of_birth,setting,ehcp,needs.cognition_learning,attendance.days_on_roll\n\
               A,2015-03-01,mainstream_school,issued,3,95\n\
               B,2015-03-01,mainstream_school,issued,9,95\n";
    let read = json(
        &play
            .read_cohort("c.csv", csv.as_bytes().to_vec())
            .expect("reads"),
    );
    assert_eq!(read["rows"], 2);
    assert_eq!(read["compared"], 1);
    assert_eq!(read["rejected"][0]["row"], 2);
    assert_eq!(read["rejected"][0]["case_id"], "B");
    let why = read["rejected"][0]["message"].as_str().unwrap();
    assert!(why.contains("needs.cognition_learning"), "{why}");
    // A file of no cohort format is refused by name.
    let err = play
        .read_cohort("c.txt", Vec::new())
        .expect_err("not a cohort");
    assert!(err.to_string().contains(".csv, .jsonl"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

#[test]
fn each_edit_is_costed_alone_and_the_parts_add_up_to_the_whole() {
    let rows = cohort(1_000);
    let play = opened(&rows);
    let two = r#"[{"family": "topup", "step": "annual_value", "values": {"D": {"mainstream_school": "4500.00"}}},
                  {"family": "topup", "step": "annual_value", "values": {"E": {"mainstream_school": "6000.00"}}}]"#;
    let shown = json(&play.recompute(two, "two").expect("recomputes"));
    let parts: Vec<rust_decimal::Decimal> = shown["rule_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cost"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(parts.len(), 2);
    assert!(parts[0] > rust_decimal::Decimal::ZERO, "band D up");
    assert!(parts[1] < rust_decimal::Decimal::ZERO, "band E down");
    let whole: rust_decimal::Decimal = shown["cost_change"].as_str().unwrap().parse().unwrap();
    assert_eq!(parts[0] + parts[1], whole);

    // One change: its cost is the whole difference, as its own pass would give it.
    let one = json(
        &play
            .recompute(BAND_D_MAINSTREAM, "one")
            .expect("recomputes"),
    );
    let list: Vec<sendband::format::Change> = serde_json::from_str(BAND_D_MAINSTREAM).unwrap();
    let on: Date = ON.parse().unwrap();
    let mut open = || Ok(Cohort::Jsonl(&rows[..]));
    let alone = impact::attribute_changes(&base(), &list, on, &mut open, "c").expect("costs");
    assert_eq!(one["rule_changes"][0]["cost"], alone[0].cost.to_string());
    assert_eq!(one["rule_changes"][0]["cases"], alone[0].cases);
    assert_eq!(one["rule_changes"][0]["words"], alone[0].words);
}

#[test]
fn a_cohort_as_csv_json_lines_or_xlsx_gives_the_same_impact() {
    let dir = scratch("formats");
    let people = batch_cohort::cohort(300);
    std::fs::write(dir.join("c.csv"), batch_cohort::csv(&people)).expect("write");
    std::fs::write(dir.join("c.jsonl"), batch_cohort::jsonl(&people)).expect("write");
    batch_cohort::write_xlsx(&people, &dir.join("c.xlsx"), None);
    let text = serde_json::to_string(base().bundle()).expect("bundle");
    let mut shown = Vec::new();
    for name in ["c.csv", "c.jsonl", "c.xlsx"] {
        let mut play = Playground::open(&text, "haringey.json", Some(ON)).expect("opens");
        let bytes = std::fs::read(dir.join(name)).expect("read");
        let read = json(&play.read_cohort(name, bytes).expect("reads"));
        assert_eq!(read["rows"], 300, "{name}");
        let mut impact = json(&play.recompute(BAND_D_MAINSTREAM, "x").expect("recomputes"));
        // The figures' HTML names no file; the rest must agree whatever the format.
        impact.as_object_mut().unwrap().remove("figures");
        shown.push((name, read["rejected"].clone(), impact));
    }
    assert!(shown[0].2["changed"].as_u64().unwrap() > 0);
    for other in &shown[1..] {
        assert_eq!(other.1, shown[0].1, "{} rejects as {}", other.0, shown[0].0);
        assert_eq!(other.2, shown[0].2, "{} as {}", other.0, shown[0].0);
    }
}

#[test]
fn each_pass_over_the_cohort_tells_how_far_it_has_got() {
    let rows = cohort(3_000);
    let mut play = opened(&rows);
    let heard = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = heard.clone();
    play.on_progress(Box::new(move |pass, passes, done| {
        sink.borrow_mut().push((pass, passes, done))
    }));
    let two = r#"[{"family": "topup", "step": "annual_value", "values": {"D": {"mainstream_school": "4500.00"}}},
                  {"family": "topup", "step": "annual_value", "values": {"E": {"mainstream_school": "6000.00"}}}]"#;
    play.recompute(two, "two").expect("recomputes");
    let heard = heard.borrow();
    // Three passes (the whole, then each change alone), each told often and ending at 1.
    for pass in 1..=3 {
        let told: Vec<f64> = heard.iter().filter(|h| h.0 == pass).map(|h| h.2).collect();
        assert!(told.len() >= 32, "pass {pass}: told {} times", told.len());
        assert!(
            told.windows(2).all(|w| w[0] < w[1]),
            "pass {pass} goes forward"
        );
        assert_eq!(told.last(), Some(&1.0), "pass {pass} ends");
    }
    assert!(heard.iter().all(|h| h.1 == 3));
}
