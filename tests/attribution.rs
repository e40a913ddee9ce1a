//! What each rule change cost (issue 21): the changes from base to proposed, declared or found,
//! applied one at a time and costed on the cohort; they add up to the whole difference.

mod common;

use common::sendband;
use rust_decimal::Decimal;
use sendband::impact::{self, Attribution, Cohort};
use sendband::ruleset::RuleSet;
use std::path::{Path, PathBuf};

fn load(path: impl AsRef<Path>) -> RuleSet {
    let path = path.as_ref();
    RuleSet::from_folder(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("attribution-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// A JSON Lines cohort written from `profiles`.
fn cohort(name: &str, profiles: &[String]) -> PathBuf {
    let path = scratch(name).join("cohort.jsonl");
    std::fs::write(&path, profiles.join("\n") + "\n").expect("write");
    path
}

/// The whole impact and each change's part, on `on`.
fn costed(
    base: &RuleSet,
    proposed: &RuleSet,
    path: &Path,
    on: &str,
) -> (Decimal, Vec<Attribution>) {
    let on = on.parse().expect("date");
    let file = path.display().to_string();
    let whole = impact::compare(
        base,
        proposed,
        on,
        Cohort::open(path).expect("cohort"),
        &file,
        &mut |_| Ok(()),
    )
    .expect("compared");
    let mut open = || Cohort::open(path);
    let parts = impact::attribute(base, proposed, on, &mut open, &file).expect("attributed");
    (whole.cost_change(), parts)
}

fn money(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

#[test]
fn devon_s_uplift_is_all_of_the_difference_and_each_flat_rate_its_own_schools() {
    let schools = [
        ("ellen_tinkham", 3),
        ("southbrook", 2),
        ("barley_lane", 1),
        ("glendinning", 4),
        ("promise", 2),
    ];
    let mut profiles = Vec::new();
    for (school, n) in schools {
        for i in 0..n {
            profiles.push(format!(
                r#"{{"case_id": "{school}-{i}", "school": "{school}"}}"#
            ));
        }
    }
    let path = cohort("devon", &profiles);
    let base = load("tests/fixtures/extend/devon/2022-23");
    let proposed = load("tests/fixtures/extend/devon/2023-24");
    let (whole, parts) = costed(&base, &proposed, &path, "2023-06-01");
    // Ellen Tinkham, Barley Lane and The Promise School: 6 places at £336; Southbrook and
    // Glendinning: 6 places at £324.
    assert_eq!(whole, money("3960.00"));
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].cost, money("2016.00"));
    assert_eq!(parts[0].cases, 6);
    assert_eq!(parts[1].cost, money("1944.00"));
    assert_eq!(parts[1].cases, 6);
    assert!(
        parts[0].words.starts_with("£336 more a place: "),
        "{}",
        parts[0].words
    );
    assert!(
        parts[0].words.contains("Ellen Tinkham School"),
        "{}",
        parts[0].words
    );
    assert!(
        !parts[0].words.contains("ellen_tinkham"),
        "{}",
        parts[0].words
    );
    assert_eq!(parts.iter().map(|p| p.cost).sum::<Decimal>(), whole);
}

#[test]
fn norfolk_s_quarter_more_is_all_of_the_difference() {
    let profiles: Vec<String> = ["1", "2", "2", "3"]
        .iter()
        .enumerate()
        .map(|(i, b)| format!(r#"{{"case_id": "N{i}", "band": "{b}"}}"#))
        .collect();
    let path = cohort("norfolk", &profiles);
    let base = load("tests/fixtures/extend/norfolk/autumn-2021");
    let proposed = load("tests/fixtures/extend/norfolk/summer-2022");
    let (whole, parts) = costed(&base, &proposed, &path, "2022-05-01");
    // 112.50 + 2 x (933.33 - 746.67) + 337.00
    assert_eq!(whole, money("822.82"));
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].cost, whole);
    assert_eq!(parts[0].cases, 4);
    assert!(
        parts[0].words.contains("each value times 1.25"),
        "{}",
        parts[0].words
    );
}

/// Haringey profiles: a mainstream pupil at each band value the draft uplifts, and one whose
/// Band C evidence has one review cycle.
fn haringey_profiles() -> Vec<String> {
    let mut p = Vec::new();
    for (i, semh) in [2, 3, 4].iter().enumerate() {
        p.push(format!(
            r#"{{"case_id": "H{i}", "date_of_birth": "2015-03-01", "setting": "mainstream_school",
                "ehcp": "issued", "needs": {{"semh": {semh}, "cognition_learning": 3}}}}"#
        ));
    }
    p.push(
        r#"{"case_id": "C1", "date_of_birth": "2015-03-01", "setting": "mainstream_school",
            "ehcp": "none", "needs": {"semh": 3},
            "sen_support": {"apdr_cycles": 1, "specialist_advice": true, "notional_spend": "6200.00"}}"#
            .to_string(),
    );
    p.iter().map(|s| s.replace('\n', " ")).collect()
}

#[test]
fn the_draft_s_changes_are_found_by_name_and_add_up_to_the_whole() {
    let path = cohort("draft", &haringey_profiles());
    let base = load("rules/haringey/2024-25");
    let draft = load("rules/haringey/2025-26-draft");
    let (list, complete) = sendband::ruleset::changes::between(&base, &draft);
    assert!(complete, "the draft differs only in kinds that are listed");
    let kinds: Vec<&str> = list
        .iter()
        .map(|c| match c {
            c if c.let_.is_some() => "let",
            c if c.rows.is_some() => "rows",
            c if c.values.is_some() => "values",
            c if c.reasons.is_some() => "reasons",
            c if c.description.is_some() => "description",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["let", "rows", "values", "reasons", "description"]);

    let (whole, parts) = costed(&base, &draft, &path, "2025-01-15");
    assert_eq!(parts.len(), 5);
    assert_eq!(parts.iter().map(|p| p.cost).sum::<Decimal>(), whole);
    // One review cycle is now Band C evidence: C1 moves from B (£0.00) to C (£3,000.00, before
    // the uplift).
    assert_eq!(parts[0].cost, money("3000.00"));
    assert_eq!(parts[0].cases, 1);
    assert!(
        parts[0].words.contains("`sen_support.apdr_cycles >= 1`"),
        "{}",
        parts[0].words
    );
    // Row 4's words only.
    assert_eq!(parts[1].cost, Decimal::ZERO);
    assert!(
        parts[1]
            .words
            .ends_with("row 4 of the decision table: its reason changes"),
        "{}",
        parts[1].words
    );
    // Every value up 3%: D 4,000 to 4,120 (x2 with semh 2 and 3: score bands D and E), and C1's
    // new 3,000 to 3,090.
    let values = &parts[2];
    assert!(
        values
            .words
            .contains("band D, Mainstream school from 4,000.00 to 4,120.00"),
        "{}",
        values.words
    );
    assert!(
        values
            .words
            .starts_with("Element 3 top-up band: 16 values change"),
        "{}",
        values.words
    );
    assert!(
        !values.words.contains("mainstream_school"),
        "{}",
        values.words
    );
    assert_eq!(parts[3].cost + parts[4].cost, Decimal::ZERO);
}

#[test]
fn changes_of_kinds_not_listed_are_costed_together_last() {
    let dir = scratch("other");
    // A rate up and a rounding changed: the rate is listed, the money step's rounding is not.
    let base_dir = common::haringey_copy(&dir, |_, t| t);
    let proposed_dir = dir.join("proposed");
    std::fs::create_dir_all(proposed_dir.join("families")).expect("mkdir");
    for name in [
        "ruleset.json",
        "inputs.json",
        "families/early_years.json",
        "families/ehcp_threshold.json",
    ] {
        std::fs::copy(base_dir.join(name), proposed_dir.join(name)).expect("copy");
    }
    let topup = std::fs::read_to_string(base_dir.join("families/topup.json")).expect("read");
    let topup = topup
        .replace(
            r#""D": {"mainstream_school": "4000.00""#,
            r#""D": {"mainstream_school": "4100.00""#,
        )
        .replace(
            r#""round": {"mode": "half_away_from_zero", "places": 2}"#,
            r#""round": {"mode": "down", "places": 0}"#,
        );
    std::fs::write(proposed_dir.join("families/topup.json"), topup).expect("write");
    let profiles: Vec<String> = [190, 100]
        .iter()
        .enumerate()
        .map(|(i, days)| {
            format!(
                r#"{{"case_id": "P{i}", "date_of_birth": "2015-03-01", "setting": "mainstream_school", "ehcp": "issued", "needs": {{"semh": 2}}, "attendance": {{"days_on_roll": {days}}}}}"#
            )
        })
        .collect();
    let path = cohort("other-cohort", &profiles);
    let base = load(&base_dir);
    let proposed = load(&proposed_dir);
    let (whole, parts) = costed(&base, &proposed, &path, "2025-01-15");
    assert_eq!(parts.len(), 2);
    assert!(parts[1].change.is_none());
    assert!(
        parts[1].words.starts_with("Other changes to the rules"),
        "{}",
        parts[1].words
    );
    // 4,100 a year: 4,100.00 and 4,100 x 100 / 190 = 2,157.894..., 2,157.89 rounded to the
    // penny, 2,157 rounded down to the pound.
    assert_eq!(
        parts[0].cost,
        money("100.00") + money("2157.89") - money("2105.26")
    );
    assert_eq!(parts[1].cost, money("-0.89"));
    assert_eq!(parts.iter().map(|p| p.cost).sum::<Decimal>(), whole);
}

#[test]
fn diff_says_what_changed_in_the_rules_and_what_each_change_cost() {
    let path = cohort("cli", &haringey_profiles());
    let report = scratch("cli-report").join("report.html");
    let run = sendband(
        &[
            "diff",
            "--base",
            "rules/haringey/2024-25",
            "--proposed",
            "rules/haringey/2025-26-draft",
            "--cohort",
            &path.display().to_string(),
            "--on",
            "2025-01-15",
            "--report",
            &report.display().to_string(),
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = &run.stdout;
    let section = text
        .split("What changed in the rules")
        .nth(1)
        .unwrap_or_else(|| panic!("no section: {text}"));
    assert!(section.contains("1. Element 3 top-up band: the test `sen_support.apdr_cycles >= 2` becomes `sen_support.apdr_cycles >= 1`\n     cost +£3,000.00, 1 case changed"), "{section}");
    let html = std::fs::read_to_string(&report).expect("report");
    assert!(html.contains("<h2 id=\"rule-changes\">What changed in the rules</h2>"));
    assert!(
        html.contains("<td data-value=\"3000.00\">+£3,000.00</td>"),
        "{html}"
    );
    assert!(!html.contains("<script"));
}

#[test]
fn a_change_of_words_alone_costs_nothing_without_a_pass_over_the_cohort() {
    // The cohort is opened once a pass: one for the test and one for the values; the draft's
    // three changes of words need none.
    let path = cohort("words", &haringey_profiles());
    let base = load("rules/haringey/2024-25");
    let draft = load("rules/haringey/2025-26-draft");
    let file = path.display().to_string();
    let mut opened = 0;
    let mut open = || {
        opened += 1;
        Cohort::open(&path)
    };
    let parts = impact::attribute(
        &base,
        &draft,
        "2025-01-15".parse().expect("date"),
        &mut open,
        &file,
    )
    .expect("attributed");
    assert_eq!(parts.len(), 5);
    assert_eq!(opened, 2);
    for words in [&parts[1], &parts[3], &parts[4]] {
        assert_eq!(
            (words.cost, words.cases),
            (Decimal::ZERO, 0),
            "{}",
            words.words
        );
    }
}
