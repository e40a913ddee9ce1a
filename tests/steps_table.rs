//! The `table` step: every DMN hit policy, grid cells and expression rows, several outputs, row
//! reasons, and the load errors a table can give.

mod common;

use common::*;
use sendband::{Decision, Status};

const INPUTS: &str = r#"[
  {"name": "points", "type": "integer", "min": 0, "max": 10, "label": "Points"},
  {"name": "status", "type": "enum", "label": "Status", "default": "none", "values": [
    {"value": "none", "label": "None"},
    {"value": "requested", "label": "Requested"},
    {"value": "issued", "label": "Issued"}
  ]}
]"#;

fn run(family: &str, points: u32, status: &str) -> Decision {
    let rules = load(INPUTS, &[family]);
    eval(
        &rules,
        &format!(r#"{{"points": {points}, "status": "{status}"}}"#),
    )
}

/// Status, output `o` and reasons of family `f`.
fn result(family: &str, points: u32, status: &str) -> (Status, String, Vec<String>) {
    let d = run(family, points, status);
    (common::status(&d), out(&d, "o"), reasons(&d))
}

const UNIQUE_ROWS: &str = r#"
  {"when": ["<= 2", "-"], "then": {"band": "'A'"}, "reason": "{points} points is band A"},
  {"when": ["> 2", "'issued'"], "then": {"band": "'B'"}, "reason": "issued with {points} points is band B"},
  {"when": ["> 2", "in ['none', 'requested']"], "then": {"band": "'C'"}},
  {"when": [">= 9", "-"], "then": {"band": "'D'"}}
"#;

#[test]
fn unique_gives_the_one_matching_row_and_its_reason() {
    let f = table("UNIQUE", r#""band""#, UNIQUE_ROWS, "");
    assert_eq!(
        result(&f, 1, "issued"),
        (
            Status::Applied,
            "A".into(),
            vec!["1 points is band A".into()]
        )
    );
    assert_eq!(
        result(&f, 5, "issued"),
        (
            Status::Applied,
            "B".into(),
            vec!["issued with 5 points is band B".into()]
        )
    );
    assert_eq!(
        result(&f, 5, "requested"),
        (Status::Applied, "C".into(), vec![])
    );
    let d = run(&f, 5, "none");
    assert_eq!(trace_of(&d, "t")["rows"], serde_json::json!([3]));
}

#[test]
fn unique_with_two_matching_rows_is_an_error_naming_the_rows() {
    let f = table("UNIQUE", r#""band""#, UNIQUE_ROWS, "");
    assert_eq!(
        result(&f, 9, "issued"),
        (
            Status::Error,
            String::new(),
            vec![
                "rows 2 and 4 of a UNIQUE table all match this case; only one may (step t)".into()
            ]
        )
    );
}

#[test]
fn unique_without_a_match_is_an_error_unless_there_is_a_default() {
    let rows = r#"{"when": ["<= 2", "-"], "then": {"band": "'A'"}, "reason": "band A"},
                  {"when": ["> 2", "'issued'"], "then": {"band": "'B'"}}"#;
    let f = table("UNIQUE", r#""band""#, rows, "");
    assert_eq!(
        result(&f, 5, "none"),
        (
            Status::Error,
            String::new(),
            vec!["no row of the table matches this case (step t)".into()]
        )
    );
    let f = table(
        "UNIQUE",
        r#""band""#,
        rows,
        r#", "default": {"band": "'none'"}"#,
    );
    assert_eq!(
        result(&f, 5, "none"),
        (Status::Applied, "none".into(), vec![])
    );
    let d = run(&f, 5, "none");
    assert_eq!(trace_of(&d, "t")["rows"], serde_json::json!([]));
    assert_eq!(result(&f, 1, "none").1, "A");
}

#[test]
fn first_takes_the_first_matching_row_with_every_kind_of_cell() {
    let rows = r#"
      {"when": "points >= 8 and status == 'issued'", "then": {"band": "'top'"}, "reason": "expression row"},
      {"when": [">= 2", "'issued'"], "then": {"band": "'issued2'"}, "reason": "grid row"},
      {"when": ["-", "in ['requested']"], "then": {"band": "'asked'"}},
      {"when": ["3", "not in ['issued', 'requested']"], "then": {"band": "'three'"}},
      {"when": ["< 3", "-"], "then": {"band": "'small'"}},
      {"when": ["-", "-"], "then": {"band": "'other'"}}
    "#;
    let f = table("FIRST", r#""band""#, rows, "");
    assert_eq!(
        result(&f, 9, "issued"),
        (Status::Applied, "top".into(), vec!["expression row".into()])
    );
    assert_eq!(
        result(&f, 7, "issued"),
        (Status::Applied, "issued2".into(), vec!["grid row".into()])
    );
    assert_eq!(result(&f, 9, "requested").1, "asked");
    assert_eq!(result(&f, 3, "none").1, "three");
    assert_eq!(result(&f, 1, "issued").1, "small");
    assert_eq!(result(&f, 1, "requested").1, "asked");
    assert_eq!(result(&f, 4, "none").1, "other");
    // FIRST stops at the first match: the trace lists only that row.
    let d = run(&f, 9, "issued");
    assert_eq!(trace_of(&d, "t")["rows"], serde_json::json!([1]));
}

const PRIORITY_ROWS: &str = r#"
  {"when": [">= 0", "-"], "then": {"band": "'low'"}, "reason": "low"},
  {"when": [">= 6", "-"], "then": {"band": "'high'"}, "reason": "high"},
  {"when": [">= 3", "-"], "then": {"band": "'medium'"}, "reason": "medium"},
  {"when": ["10", "-"], "then": {"band": "'extreme'"}}
"#;

#[test]
fn priority_picks_the_highest_priority_output_whatever_the_row_order() {
    let f = table(
        "PRIORITY",
        r#""band""#,
        PRIORITY_ROWS,
        r#", "priority": ["high", "medium", "low"]"#,
    );
    assert_eq!(
        result(&f, 7, "none"),
        (Status::Applied, "high".into(), vec!["high".into()])
    );
    assert_eq!(
        result(&f, 4, "none"),
        (Status::Applied, "medium".into(), vec!["medium".into()])
    );
    assert_eq!(result(&f, 1, "none").1, "low");
    let d = run(&f, 7, "none");
    assert_eq!(trace_of(&d, "t")["rows"], serde_json::json!([1, 2, 3]));
    // Row 2 ("high") decides although rows 1 and 3 also match.
    assert_eq!(trace_of(&d, "t")["decided"], 2);
}

#[test]
fn priority_with_a_value_missing_from_the_list_is_an_error() {
    let f = table(
        "PRIORITY",
        r#""band""#,
        PRIORITY_ROWS,
        r#", "priority": ["high", "medium", "low"]"#,
    );
    assert_eq!(
        result(&f, 10, "none"),
        (
            Status::Error,
            String::new(),
            vec![
                "row 4 gives extreme for band, which is not in the table's priority list (step t)"
                    .into()
            ]
        )
    );
}

#[test]
fn any_accepts_agreeing_rows_and_refuses_disagreeing_ones() {
    let rows = r#"
      {"when": [">= 5", "-"], "then": {"band": "'yes'"}, "reason": "enough points"},
      {"when": ["-", "'issued'"], "then": {"band": "'yes'"}, "reason": "issued"},
      {"when": [">= 9", "-"], "then": {"band": "'no'"}}
    "#;
    let f = table("ANY", r#""band""#, rows, "");
    assert_eq!(
        result(&f, 6, "issued"),
        (Status::Applied, "yes".into(), vec!["enough points".into()])
    );
    assert_eq!(result(&f, 1, "issued").1, "yes");
    assert_eq!(
        result(&f, 9, "none"),
        (
            Status::Error,
            String::new(),
            vec![
                "rows 1 and 3 of an ANY table match this case but give different outputs (step t)"
                    .into()
            ]
        )
    );
}

const MANY_ROWS: &str = r#"
  {"when": [">= 2", "-"], "then": {"band": "'two'"}, "reason": "at least two"},
  {"when": [">= 8", "-"], "then": {"band": "'eight'"}},
  {"when": ["-", "'issued'"], "then": {"band": "'issued'"}, "reason": "issued"}
"#;

#[test]
fn rule_order_lists_every_match_in_row_order() {
    let f = family(
        &format!(
            r#"{{"name": "t", "table": {{"hit_policy": "RULE ORDER", "inputs": ["points", "status"],
                "outputs": ["band"], "rows": [{MANY_ROWS}]}}}}"#
        ),
        r#"{"name": "o", "value": "t"}, {"name": "l", "value": "t", "format": "list"}"#,
    );
    let d = run(&f, 9, "issued");
    assert_eq!(status(&d), Status::Applied);
    assert_eq!(
        out_json(&d, "o"),
        serde_json::json!(["two", "eight", "issued"])
    );
    assert_eq!(
        out_json(&d, "l"),
        serde_json::json!(["two", "eight", "issued"])
    );
    assert_eq!(out(&d, "o"), r#"["two","eight","issued"]"#);
    assert_eq!(reasons(&d), vec!["at least two", "issued"]);
    let d = run(&f, 1, "issued");
    assert_eq!(out_json(&d, "o"), serde_json::json!(["issued"]));
    // No match gives an empty list, not an error.
    let d = run(&f, 1, "none");
    assert_eq!(status(&d), Status::Applied);
    assert_eq!(out_json(&d, "o"), serde_json::json!([]));
}

#[test]
fn collect_lists_every_match() {
    let f = table("COLLECT", r#""band""#, MANY_ROWS, "");
    let d = run(&f, 3, "issued");
    assert_eq!(status(&d), Status::Applied);
    assert_eq!(out_json(&d, "o"), serde_json::json!(["two", "issued"]));
    assert_eq!(trace_of(&d, "t")["rows"], serde_json::json!([1, 3]));
    assert_eq!(reasons(&d), vec!["at least two", "issued"]);
    let d = run(&f, 0, "none");
    assert_eq!(out_json(&d, "o"), serde_json::json!([]));
}

const NUMBER_ROWS: &str = r#"
  {"when": [">= 2", "-"], "then": {"n": "'1.50'"}},
  {"when": [">= 5", "-"], "then": {"n": "'2.25'"}},
  {"when": ["-", "'issued'"], "then": {"n": "4"}}
"#;

/// A numeric table with the given hit policy, evaluated on each case, as (status, o, reasons).
fn numeric(policy: &str, points: u32, status: &str) -> (Status, String, Vec<String>) {
    let rows = NUMBER_ROWS
        .replace("'1.50'", "1.50")
        .replace("'2.25'", "2.25");
    result(&table(policy, r#""n""#, &rows, ""), points, status)
}

#[test]
fn collect_sum_min_max_and_count() {
    assert_eq!(numeric("COLLECT SUM", 6, "issued").1, "7.75");
    assert_eq!(numeric("COLLECT SUM", 3, "issued").1, "5.5");
    assert_eq!(numeric("COLLECT MIN", 6, "issued").1, "1.5");
    assert_eq!(numeric("COLLECT MAX", 6, "issued").1, "4");
    assert_eq!(numeric("COLLECT MAX", 6, "none").1, "2.25");
    assert_eq!(numeric("COLLECT COUNT", 6, "issued").1, "3");
    assert_eq!(numeric("COLLECT COUNT", 3, "none").1, "1");
}

#[test]
fn collect_sum_and_count_with_no_match_give_zero_but_min_and_max_are_errors() {
    assert_eq!(
        numeric("COLLECT SUM", 0, "none"),
        (Status::Applied, "0".into(), vec![])
    );
    assert_eq!(
        numeric("COLLECT COUNT", 0, "none"),
        (Status::Applied, "0".into(), vec![])
    );
    let no_min = "no row of the table matches this case, so n has no minimum or maximum (step t)";
    assert_eq!(
        numeric("COLLECT MIN", 0, "none"),
        (Status::Error, String::new(), vec![no_min.into()])
    );
    assert_eq!(
        numeric("COLLECT MAX", 0, "none"),
        (Status::Error, String::new(), vec![no_min.into()])
    );
}

#[test]
fn several_outputs_are_named_step_dot_output() {
    let f = family(
        r#"{"name": "t", "table": {"hit_policy": "FIRST", "inputs": ["points"],
              "outputs": ["band", "amount"], "rows": [
                {"when": ["< 5"], "then": {"band": "'low'", "amount": "100"}},
                {"when": ["-"], "then": {"amount": "points * 50", "band": "'high'"},
                 "reason": "{points} points"}
              ]}, "reason": "band {t.band} is worth {t.amount}"},
           {"name": "double", "let": "t.amount * 2"}"#,
        r#"{"name": "band", "value": "t.band"}, {"name": "amount", "value": "t.amount"},
           {"name": "double", "value": "double"}"#,
    );
    let d = run(&f, 7, "none");
    assert_eq!(status(&d), Status::Applied);
    assert_eq!(out(&d, "band"), "high");
    assert_eq!(out(&d, "amount"), "350");
    assert_eq!(out(&d, "double"), "700");
    assert_eq!(reasons(&d), vec!["7 points", "band high is worth 350"]);
    let d = run(&f, 2, "none");
    assert_eq!(
        (out(&d, "band"), out(&d, "amount")),
        ("low".into(), "100".into())
    );
}

#[test]
fn a_table_with_several_outputs_has_no_bare_step_name() {
    let f = family(
        r#"{"name": "t", "table": {"hit_policy": "FIRST", "outputs": ["band", "amount"], "rows": [
              {"when": "true", "then": {"band": "'low'", "amount": "100"}}]}}"#,
        r#"{"name": "o", "value": "t"}"#,
    );
    let err = load_err(INPUTS, &[&f]);
    assert!(
        err.starts_with(
            r#"test-rules/families/f.json: at $.outputs[0].value: in "t" at column 1: unknown name "t""#
        ),
        "{err}"
    );
}

#[test]
fn a_row_with_the_wrong_number_of_cells_is_a_load_error() {
    let f = table(
        "FIRST",
        r#""band""#,
        r#"{"when": ["-", "-"], "then": {"band": "'A'"}},
           {"when": ["-"], "then": {"band": "'B'"}}"#,
        "",
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].table.rows[1].when: \
         this row has 1 cells but the table has 2 inputs"
    );
}

#[test]
fn a_then_naming_an_unknown_output_is_a_load_error_with_a_suggestion() {
    let f = table(
        "FIRST",
        r#""band""#,
        r#"{"when": ["-", "-"], "then": {"band": "'A'"}},
           {"when": ["-", "-"], "then": {"bnad": "'B'"}}"#,
        "",
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].table.rows[1].then: \
         \"bnad\" is not an output of this table (did you mean \"band\"?)"
    );
}

#[test]
fn outputs_of_different_types_across_rows_are_a_load_error() {
    let f = table(
        "FIRST",
        r#""band""#,
        r#"{"when": ["-", "-"], "then": {"band": "'A'"}},
           {"when": ["-", "-"], "then": {"band": "2"}}"#,
        "",
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].table.rows[1].then.band: \
         \"2\" gives whole number, but other rows give text for \"band\""
    );
}

#[test]
fn collect_sum_over_text_is_a_load_error() {
    let f = table(
        "COLLECT SUM",
        r#""band""#,
        r#"{"when": ["-", "-"], "then": {"band": "'A'"}}"#,
        "",
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].table.outputs: \
         \"COLLECT SUM\" needs numbers, but output \"band\" gives text"
    );
}

#[test]
fn priority_without_a_priority_list_is_a_load_error() {
    let f = table("PRIORITY", r#""band""#, PRIORITY_ROWS, "");
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].table.priority: \
         PRIORITY needs the outputs' values, highest priority first"
    );
}

#[test]
fn a_default_of_a_collect_table_is_still_a_list() {
    let f = family(
        &format!(
            r#"{{"name": "t", "table": {{"hit_policy": "COLLECT", "inputs": ["points", "status"],
                "outputs": ["band"], "rows": [{MANY_ROWS}], "default": {{"band": "'none'"}}}}}},
               {{"name": "has", "let": "'none' in t"}}"#
        ),
        r#"{"name": "o", "value": "t"}, {"name": "has", "value": "has"}"#,
    );
    let d = run(&f, 0, "none");
    assert_eq!(status(&d), Status::Applied, "{:?}", reasons(&d));
    assert_eq!(out_json(&d, "o"), serde_json::json!(["none"]));
    assert_eq!(out(&d, "has"), "true");
    let d = run(&f, 3, "none");
    assert_eq!(out_json(&d, "o"), serde_json::json!(["two"]));
    assert_eq!(out(&d, "has"), "false");
}

#[test]
fn collect_sum_uses_its_default_and_collect_count_refuses_one() {
    let rows = NUMBER_ROWS
        .replace("'1.50'", "1.50")
        .replace("'2.25'", "2.25");
    let f = table(
        "COLLECT SUM",
        r#""n""#,
        &rows,
        r#", "default": {"n": "0.5"}"#,
    );
    assert_eq!(
        result(&f, 0, "none"),
        (Status::Applied, "0.5".into(), vec![])
    );
    let f = table(
        "COLLECT COUNT",
        r#""n""#,
        &rows,
        r#", "default": {"n": "1"}"#,
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].table.default: \
         COLLECT COUNT counts the matching rows (0 when none matches), so it takes no default"
    );
}
