//! The `score`, `ranges`, `lookup` and `stop` steps, step `when`, and misspelt names.

mod common;

use common::*;
use sendband::decision::{Detail, ScorePart};
use sendband::expr::Value;
use sendband::{Decision, Status};
use serde_json::json;

const INPUTS: &str = r#"[
  {"name": "needs.semh", "type": "integer", "min": 0, "max": 4, "label": "SEMH", "default": 0},
  {"name": "needs.cl", "type": "integer", "min": 0, "max": 4, "label": "Cognition", "default": 0},
  {"name": "needs.sensory", "type": "integer", "min": 0, "max": 4, "label": "Sensory", "default": 0},
  {"name": "setting", "type": "enum", "label": "Setting", "default": "mainstream", "values": [
    {"value": "mainstream", "label": "Mainstream"},
    {"value": "special_school", "label": "Special school"}
  ]},
  {"name": "points", "type": "integer", "min": 0, "label": "Points", "default": 0},
  {"name": "ratio", "type": "decimal", "min": 0, "label": "Ratio", "default": 0},
  {"name": "eligible", "type": "boolean", "label": "Eligible", "default": true}
]"#;

const WEIGHTS: &str = r#"
  {"input": "needs.semh", "levels": {"0": 0, "1": 1, "2": 3, "3": 6, "4": 10}},
  {"input": "needs.cl", "levels": {"0": 0, "1": 2, "2": 4, "3": 6, "4": 8}},
  {"input": "needs.sensory", "levels": {"0": 0, "1": 1, "2": 2, "3": 3, "4": 6}}
"#;

fn score(combine: &str, weights: &str) -> String {
    one_step(
        "s",
        &format!(r#"{{"name": "s", "score": {{"combine": {combine}, "weights": [{weights}]}}}}"#),
    )
}

fn run(family: &str, profile: &str) -> Decision {
    eval(&load(INPUTS, &[family]), profile)
}

const NEEDS: &str = r#"{"needs": {"semh": 3, "cl": 2, "sensory": 4}}"#;

fn counted(d: &Decision) -> Vec<bool> {
    trace_of(d, "s")["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| p["counted"].as_bool().expect("counted"))
        .collect()
}

#[test]
fn score_sum_adds_every_weight() {
    let d = run(&score(r#""sum""#, WEIGHTS), NEEDS);
    assert_eq!((status(&d), out(&d, "o")), (Status::Applied, "16".into()));
    assert_eq!(
        trace_of(&d, "s")["parts"],
        json!([
            {"input": "needs.semh", "level": 3, "weight": 6, "counted": true},
            {"input": "needs.cl", "level": 2, "weight": 4, "counted": true},
            {"input": "needs.sensory", "level": 4, "weight": 6, "counted": true}
        ])
    );
}

#[test]
fn score_max_counts_the_largest_weight_and_ties_go_to_the_first_input() {
    let d = run(&score(r#""max""#, WEIGHTS), NEEDS);
    assert_eq!(out(&d, "o"), "6");
    assert_eq!(counted(&d), vec![true, false, false]);
    let d = run(
        &score(r#""max""#, WEIGHTS),
        r#"{"needs": {"semh": 1, "cl": 4, "sensory": 0}}"#,
    );
    assert_eq!(out(&d, "o"), "8");
    assert_eq!(counted(&d), vec![false, true, false]);
}

#[test]
fn score_sum_of_top_n_counts_the_n_largest() {
    let d = run(&score(r#"{"sum_of_top": 2}"#, WEIGHTS), NEEDS);
    assert_eq!(out(&d, "o"), "12");
    assert_eq!(counted(&d), vec![true, false, true]);
    let steps = &d.family("f").expect("f").trace[0];
    assert_eq!(
        steps.detail,
        Detail::Score(vec![
            ScorePart {
                input: "needs.semh".into(),
                level: Value::Number(3.into()),
                weight: 6.into(),
                counted: true
            },
            ScorePart {
                input: "needs.cl".into(),
                level: Value::Number(2.into()),
                weight: 4.into(),
                counted: false
            },
            ScorePart {
                input: "needs.sensory".into(),
                level: Value::Number(4.into()),
                weight: 6.into(),
                counted: true
            },
        ])
    );
    let d = run(
        &score(r#"{"sum_of_top": 2}"#, WEIGHTS),
        r#"{"needs": {"semh": 1, "cl": 1, "sensory": 1}}"#,
    );
    // cl weighs 2; semh and sensory tie at 1 and the first listed counts.
    assert_eq!(out(&d, "o"), "3");
    assert_eq!(counted(&d), vec![true, true, false]);
}

#[test]
fn score_with_fractional_weights_and_an_enum_input() {
    let weights = r#"{"input": "setting", "levels": {"mainstream": "0.5", "special_school": "2.25"}},
                     {"input": "needs.semh", "levels": {"0": 0, "1": 1, "2": 2, "3": 3, "4": 4}}"#;
    let d = run(
        &score(r#""sum""#, weights),
        r#"{"setting": "special_school", "needs": {"semh": 2}}"#,
    );
    assert_eq!(out(&d, "o"), "4.25");
    assert_eq!(out_json(&d, "o"), json!("4.25"));
}

#[test]
fn a_declared_level_without_a_weight_is_a_load_error() {
    let f = score(
        r#""sum""#,
        r#"{"input": "needs.semh", "levels": {"0": 0, "1": 1, "2": 3, "3": 6}}"#,
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].score.weights[0].levels: \
         no weight for level 4 of needs.semh"
    );
}

#[test]
fn a_level_the_input_cannot_take_is_a_load_error() {
    let f = score(
        r#""sum""#,
        r#"{"input": "needs.semh", "levels": {"0": 0, "1": 1, "2": 3, "3": 6, "4": 8, "5": 9}}"#,
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].score.weights[0].levels: \
         level \"5\" is not a value needs.semh can take (0, 1, 2, 3, 4)"
    );
}

#[test]
fn a_misspelt_input_in_a_score_is_a_load_error_with_a_suggestion() {
    let f = score(
        r#""sum""#,
        r#"{"input": "needs.smeh", "levels": {"0": 0, "1": 1, "2": 3, "3": 6, "4": 8}}"#,
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].score.weights[0].input: \
         unknown input \"needs.smeh\" (did you mean \"needs.semh\"?)"
    );
}

/// A family with one ranges step `r` over `of`; `extra` goes into the ranges object.
fn ranges(of: &str, list: &str, extra: &str) -> String {
    one_step(
        "r",
        &format!(r#"{{"name": "r", "ranges": {{"of": "{of}", "ranges": [{list}]{extra}}}}}"#),
    )
}

const BANDS: &str = r#"{"label": "A", "min": 0, "max": 9}, {"label": "B", "min": 10, "max": 19},
                       {"label": "C", "min": 20}"#;

/// (status, output, trace range) for a ranges family on a profile.
fn placed(family: &str, profile: &str) -> (Status, String, serde_json::Value) {
    let d = run(family, profile);
    (status(&d), out(&d, "o"), trace_of(&d, "r")["range"].clone())
}

#[test]
fn ranges_include_both_edges_and_may_have_an_open_top() {
    let f = ranges("points", BANDS, "");
    let at = |p: u32| placed(&f, &format!(r#"{{"points": {p}}}"#));
    assert_eq!(at(0), (Status::Applied, "A".into(), json!("0-9")));
    assert_eq!(at(9), (Status::Applied, "A".into(), json!("0-9")));
    assert_eq!(at(10), (Status::Applied, "B".into(), json!("10-19")));
    assert_eq!(at(19), (Status::Applied, "B".into(), json!("10-19")));
    assert_eq!(at(20), (Status::Applied, "C".into(), json!("20 or more")));
    assert_eq!(
        at(100000),
        (Status::Applied, "C".into(), json!("20 or more"))
    );
}

const HALVES: &str =
    r#"{"label": "low", "min": 0, "below": "0.5"}, {"label": "high", "min": "0.5", "below": 1}"#;

#[test]
fn below_is_an_exclusive_top() {
    let f = ranges("ratio", HALVES, "");
    let at = |r: &str| placed(&f, &format!(r#"{{"ratio": "{r}"}}"#));
    assert_eq!(
        at("0"),
        (Status::Applied, "low".into(), json!("0 up to 0.5"))
    );
    assert_eq!(
        at("0.4999"),
        (Status::Applied, "low".into(), json!("0 up to 0.5"))
    );
    assert_eq!(
        at("0.5"),
        (Status::Applied, "high".into(), json!("0.5 up to 1"))
    );
    assert_eq!(
        at("0.99"),
        (Status::Applied, "high".into(), json!("0.5 up to 1"))
    );
}

#[test]
fn a_value_outside_every_range_is_an_error_or_no_value() {
    let d = run(&ranges("ratio", HALVES, ""), r#"{"ratio": 1}"#);
    assert_eq!((status(&d), out(&d, "o")), (Status::Error, String::new()));
    assert_eq!(
        reasons(&d),
        vec!["ratio is 1, outside every range (0 up to 0.5, 0.5 up to 1) (step r)"]
    );
    let f = ranges("ratio", HALVES, r#", "outside": "no_value""#);
    let (s, o, range) = placed(&f, r#"{"ratio": 1}"#);
    assert_eq!(
        (s, o.as_str(), range),
        (Status::Applied, "", json!("outside every range"))
    );
    assert_eq!(out_json(&run(&f, r#"{"ratio": 1}"#), "o"), json!(null));
}

#[test]
fn a_gap_between_ranges_is_a_load_error_unless_allowed() {
    let gap = r#"{"label": "A", "min": 0, "max": 9}, {"label": "B", "min": 11, "max": 20}"#;
    assert_eq!(
        load_err(INPUTS, &[&ranges("points", gap, "")]),
        "test-rules/families/f.json: at $.steps[0].ranges.ranges: there is a gap between ranges \
         \"A\" (0-9) and \"B\" (11-20): points 10 falls in no range (set allow_gaps if the gap is intended)"
    );
    let f = ranges("points", gap, r#", "allow_gaps": true"#);
    assert_eq!(placed(&f, r#"{"points": 11}"#).1, "B");
    let d = run(&f, r#"{"points": 10}"#);
    assert_eq!(status(&d), Status::Error);
    assert_eq!(
        reasons(&d),
        vec!["points is 10, outside every range (0-9, 11-20) (step r)"]
    );
}

#[test]
fn decimal_ranges_with_inclusive_tops_leave_a_gap() {
    let f = ranges(
        "ratio",
        r#"{"label": "low", "min": 0, "max": "0.5"}, {"label": "high", "min": "0.6", "max": 1}"#,
        "",
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].ranges.ranges: there is a gap between ranges \
         \"low\" (0-0.5) and \"high\" (0.6-1): ratio between 0.5 and 0.6 falls in no range \
         (ranges of a decimal value meet without a gap when each uses below)"
    );
}

#[test]
fn overlapping_ranges_are_a_load_error_unless_allowed() {
    let overlap = r#"{"label": "B", "min": 10, "max": 20}, {"label": "A", "min": 0, "max": 10}"#;
    assert_eq!(
        load_err(INPUTS, &[&ranges("points", overlap, "")]),
        "test-rules/families/f.json: at $.steps[0].ranges.ranges: ranges \"A\" (0-10) and \
         \"B\" (10-20) overlap: points 10 is in both (move a bound, or set allow_overlaps if the first listed should win)"
    );
    let f = ranges("points", overlap, r#", "allow_overlaps": true"#);
    assert_eq!(placed(&f, r#"{"points": 10}"#).1, "B");
    assert_eq!(placed(&f, r#"{"points": 9}"#).1, "A");
}

#[test]
fn a_range_inside_another_leaves_no_gap_when_overlaps_are_allowed() {
    let nested = r#"{"label": "exceptional", "min": 30, "max": 40},
                    {"label": "high", "min": 20, "max": 50},
                    {"label": "low", "min": 0, "max": 19},
                    {"label": "top", "min": 51}"#;
    let f = ranges("points", nested, r#", "allow_overlaps": true"#);
    assert_eq!(placed(&f, r#"{"points": 35}"#).1, "exceptional");
    assert_eq!(placed(&f, r#"{"points": 45}"#).1, "high");
    assert_eq!(placed(&f, r#"{"points": 51}"#).1, "top");
    // A real gap after the wider range is still found.
    let f = ranges(
        "points",
        &nested.replace(r#""min": 51"#, r#""min": 52"#),
        r#", "allow_overlaps": true"#,
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].ranges.ranges: there is a gap between ranges \
         \"high\" (20-50) and \"top\" (52 or more): points 51 falls in no range (set allow_gaps if the gap is intended)"
    );
}

const LOOKUP2: &str = r#"{"name": "band", "ranges": {"of": "points", "ranges": [
    {"label": "A", "min": 0, "max": 9}, {"label": "B", "min": 10, "max": 19},
    {"label": "C", "min": 20}]}},
  {"name": "amount", "lookup": {"keys": ["band", "setting"], "values": {
    "A": {"mainstream": "1000", "special_school": "1500.50"},
    "B": {"mainstream": 2000, "special_school": null},
    "C": {"mainstream": "3000"}}}}"#;

fn lookup2() -> String {
    family(
        LOOKUP2,
        r#"{"name": "amount", "value": "amount", "format": "money"}"#,
    )
}

#[test]
fn lookup_by_two_keys() {
    let f = lookup2();
    let d = run(&f, r#"{"points": 5, "setting": "special_school"}"#);
    assert_eq!(
        (status(&d), out(&d, "amount")),
        (Status::Applied, "1500.50".into())
    );
    assert_eq!(
        trace_of(&d, "amount")["keys"],
        json!(["A", "special_school"])
    );
    let d = run(&f, r#"{"points": 12}"#);
    assert_eq!(out(&d, "amount"), "2000.00");
}

#[test]
fn a_missing_cell_is_an_error_never_zero() {
    let d = run(&lookup2(), r#"{"points": 25, "setting": "special_school"}"#);
    assert_eq!(
        (status(&d), out(&d, "amount")),
        (Status::Error, String::new())
    );
    assert_eq!(
        reasons(&d),
        vec!["there is no value for band C and setting special_school (step amount)"]
    );
    // A null cell is missing too.
    let d = run(&lookup2(), r#"{"points": 12, "setting": "special_school"}"#);
    assert_eq!(status(&d), Status::Error);
    assert_eq!(
        reasons(&d),
        vec!["there is no value for band B and setting special_school (step amount)"]
    );
}

#[test]
fn lookup_by_one_key() {
    let f = one_step(
        "v",
        r#"{"name": "v", "lookup": {"keys": ["setting"],
            "values": {"mainstream": "12.5", "special_school": null}}}"#,
    );
    let d = run(&f, r#"{"setting": "mainstream"}"#);
    assert_eq!((status(&d), out(&d, "o")), (Status::Applied, "12.5".into()));
    let d = run(&f, r#"{"setting": "special_school"}"#);
    assert_eq!(
        reasons(&d),
        vec!["there is no value for setting special_school (step v)"]
    );
}

#[test]
fn a_stop_ends_the_family_with_its_status_and_reason() {
    let f = family(
        &format!(
            r#"{{"name": "base", "let": "points * 2", "reason": "base is {{base}}"}},
               {{"name": "check", "stop": {{"when": "not eligible", "status": "ineligible",
                 "reason": "not eligible with {{points}} points"}}}},
               {LOOKUP2}"#
        ),
        r#"{"name": "base", "value": "base"}, {"name": "amount", "value": "amount", "format": "money"}"#,
    );
    let d = run(&f, r#"{"points": 5, "eligible": false}"#);
    assert_eq!(status(&d), Status::Ineligible);
    assert_eq!(
        reasons(&d),
        vec!["base is 10", "not eligible with 5 points"]
    );
    // Outputs the steps before the stop can give are reported; those of later steps are null.
    let json: serde_json::Value = serde_json::from_str(&d.to_json_pretty()).expect("json");
    assert_eq!(
        json["results"]["f"]["outputs"],
        json!({"base": 10, "amount": null})
    );
    assert_eq!(
        trace(&d),
        json!([
            {"step": "base", "kind": "let", "value": 10},
            {"step": "check", "kind": "stop", "value": true, "held": true}
        ])
    );
    let d = run(&f, r#"{"points": 5}"#);
    assert_eq!(status(&d), Status::Applied);
    assert_eq!(
        (out(&d, "base"), out(&d, "amount")),
        ("10".into(), "1000.00".into())
    );
}

#[test]
fn a_step_whose_when_does_not_hold_is_skipped_with_no_value() {
    let f = family(
        r#"{"name": "extra", "when": "points >= 10", "let": "points - 10"},
           {"name": "shown", "let": "if given(extra) then extra else 0"}"#,
        r#"{"name": "extra", "value": "extra"}, {"name": "shown", "value": "shown"}"#,
    );
    let d = run(&f, r#"{"points": 4}"#);
    assert_eq!(status(&d), Status::Applied);
    assert_eq!(out_json(&d, "extra"), json!(null));
    assert_eq!(out(&d, "shown"), "0");
    assert_eq!(
        trace_of(&d, "extra"),
        json!({"step": "extra", "kind": "let", "value": null, "skipped": true})
    );
    let d = run(&f, r#"{"points": 14}"#);
    assert_eq!(
        (out(&d, "extra"), out(&d, "shown")),
        ("4".into(), "4".into())
    );
}

#[test]
fn a_misspelt_input_in_an_expression_names_file_path_and_suggestion() {
    let f = family(
        r#"{"name": "a", "let": "points + 1"}, {"name": "b", "let": "a + needs.smeh"}"#,
        r#"{"name": "b", "value": "b"}"#,
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[1].let: in \"a + needs.smeh\" \
         at column 5: unknown name \"needs.smeh\" (did you mean \"needs.semh\"?)"
    );
}

#[test]
fn a_number_key_finds_its_cell_however_the_cell_is_written() {
    // points / 4 is 2.5 for 10 points and 3 for 12: cells written "2.50" and "3.0" still match.
    let f = one_step(
        "v",
        r#"{"name": "v", "lookup": {"keys": ["points / 4"], "values": {"2.50": "10", "3.0": "20"}}}"#,
    );
    let d = run(&f, r#"{"points": 10}"#);
    assert_eq!((status(&d), out(&d, "o")), (Status::Applied, "10".into()));
    let d = run(&f, r#"{"points": 12}"#);
    assert_eq!(out(&d, "o"), "20");
    let d = run(&f, r#"{"points": 13}"#);
    assert_eq!(
        reasons(&d),
        vec!["there is no value for points / 4 3.25 (step v)"]
    );
}
