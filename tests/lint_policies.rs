//! `sendband lint` judged per hit policy and per case: correct COLLECT, PRIORITY, RULE ORDER
//! and ANY tables lint clean; rows that never count, tables that fail, and every other explored
//! case that ends in an error are reported with the case; dates and ages the rules write are
//! explored; constants nothing reads are named.

mod common;

use common::*;
use sendband::lint::{lint, Finding};
use sendband::RuleSet;

const INPUTS: &str = r#"[
  {"name": "points", "type": "integer", "min": 0, "max": 10, "label": "Points", "default": 0},
  {"name": "status", "type": "enum", "label": "Status", "default": "none", "values": [
    {"value": "none", "label": "None"},
    {"value": "requested", "label": "Requested"},
    {"value": "issued", "label": "Issued"}
  ]}
]"#;

/// Each finding as `check: message`.
fn findings(rules: &RuleSet) -> Vec<String> {
    lint(rules)
        .into_iter()
        .map(|Finding { check, message, .. }| format!("{check}: {message}"))
        .collect()
}

/// The findings for one table, but for `status` not read (a `-` column reads nothing).
fn lint_table(policy: &str, outputs: &str, rows: &str, extra: &str) -> Vec<String> {
    let mut found = findings(&load(INPUTS, &[&table(policy, outputs, rows, extra)]));
    found.retain(|f| f != UNUSED_STATUS);
    found
}

const UNUSED_STATUS: &str =
    "unused-input: the input \"status\" is asked for, but no family uses it: remove it, or use it in a rule";

/// Overlapping rows, and cases no row matches: right for a sum (0) and a list ([]).
const ADDING_ROWS: &str = r#"
  {"when": [">= 3", "-"], "then": {"o": "100"}},
  {"when": [">= 6", "-"], "then": {"o": "250"}},
  {"when": ["-", "'issued'"], "then": {"o": "50"}}
"#;

#[test]
fn correct_collect_sum_rule_order_and_output_order_tables_lint_clean() {
    assert_eq!(
        lint_table("COLLECT SUM", r#""o""#, ADDING_ROWS, ""),
        Vec::<String>::new()
    );
    assert_eq!(
        lint_table("RULE ORDER", r#""o""#, ADDING_ROWS, ""),
        Vec::<String>::new()
    );
    assert_eq!(
        lint_table("COLLECT COUNT", r#""o""#, ADDING_ROWS, ""),
        Vec::<String>::new()
    );
    assert_eq!(
        lint_table(
            "OUTPUT ORDER",
            r#""o""#,
            ADDING_ROWS,
            r#", "priority": [250, 100, 50]"#
        ),
        Vec::<String>::new()
    );
}

/// A PRIORITY table: later rows decide when their output ranks higher.
const PRIORITY_ROWS: &str = r#"
  {"when": ["-", "-"], "then": {"o": "'standard'"}},
  {"when": [">= 5", "-"], "then": {"o": "'enhanced'"}},
  {"when": ["-", "'issued'"], "then": {"o": "'plan'"}}
"#;

#[test]
fn a_correct_priority_table_lints_clean() {
    let found = lint_table(
        "PRIORITY",
        r#""o""#,
        PRIORITY_ROWS,
        r#", "priority": ["plan", "enhanced", "standard"]"#,
    );
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn a_priority_row_always_outranked_can_never_decide() {
    // Row 2 gives "enhanced", but whenever it matches, row 3 (issued) matches too only when
    // status is issued: make row 2 need issued, so "plan" always wins.
    let rows = r#"
      {"when": ["-", "-"], "then": {"o": "'standard'"}},
      {"when": [">= 5", "'issued'"], "then": {"o": "'enhanced'"}},
      {"when": ["-", "'issued'"], "then": {"o": "'plan'"}}
    "#;
    let found = lint_table(
        "PRIORITY",
        r#""o""#,
        rows,
        r#", "priority": ["plan", "enhanced", "standard"]"#,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .starts_with("row-never-fires: row 2 of the table \"t\" can never decide: in 33 cases"),
        "{}",
        found[0]
    );
    assert!(
        found[0].ends_with(
            "whenever its condition holds, row 3 matches too and its outputs come first in the \
             priority list"
        ),
        "{}",
        found[0]
    );
}

#[test]
fn a_priority_output_missing_from_the_list_is_reported_with_a_case() {
    let found = lint_table(
        "PRIORITY",
        r#""o""#,
        PRIORITY_ROWS,
        r#", "priority": ["plan", "standard"]"#,
    );
    assert_eq!(
        found,
        ["table-error: the table \"t\" fails on 18 explored cases, such as {\"points\": 5}: row 2 \
          gives enhanced for o, which is not in the table's priority list"]
    );
}

#[test]
fn any_rows_that_agree_are_clean_and_rows_that_disagree_are_reported() {
    let agree = r#"
      {"when": ["< 5", "-"], "then": {"o": "'low'"}},
      {"when": ["< 3", "'none'"], "then": {"o": "'low'"}},
      {"when": [">= 5", "-"], "then": {"o": "'high'"}}
    "#;
    assert_eq!(lint_table("ANY", r#""o""#, agree, ""), Vec::<String>::new());
    let disagree = agree.replace(
        r#"{"when": ["< 3", "'none'"], "then": {"o": "'low'"}}"#,
        r#"{"when": ["< 3", "'none'"], "then": {"o": "'high'"}}"#,
    );
    let found = lint_table("ANY", r#""o""#, &disagree, "");
    assert_eq!(
        found,
        ["table-error: the table \"t\" fails on 3 explored cases, such as {}: rows 1 and 2 of an \
          ANY table match this case but give different outputs"]
    );
}

#[test]
fn no_row_is_an_error_only_where_the_table_fails_for_it() {
    let rows = r#"{"when": [">= 3", "-"], "then": {"o": "7"}}"#;
    // A sum of no rows is 0; a list of no rows is [].
    assert_eq!(
        lint_table("COLLECT SUM", r#""o""#, rows, ""),
        Vec::<String>::new()
    );
    // A minimum of no rows, a single-hit table and a declared `no_match: error` fail.
    for (policy, extra) in [
        ("COLLECT MIN", ""),
        ("UNIQUE", ""),
        ("FIRST", ""),
        ("COLLECT SUM", r#", "no_match": "error""#),
    ] {
        let found = lint_table(policy, r#""o""#, rows, extra);
        assert_eq!(found.len(), 1, "{policy}: {found:#?}");
        assert!(
            found[0].starts_with(
                "no-row-matches: no row of the table \"t\" matches 3 explored cases, such as {}"
            ),
            "{policy}: {}",
            found[0]
        );
    }
    // `no_match: null` says what no row gives.
    assert_eq!(
        lint_table("UNIQUE", r#""o""#, rows, r#", "no_match": "null""#),
        Vec::<String>::new()
    );
}

#[test]
fn rows_of_multi_hit_and_unique_tables_count_when_they_match() {
    let rows = r#"
      {"when": [">= 3", "-"], "then": {"o": "1"}},
      {"when": ["> 10", "-"], "then": {"o": "2"}}
    "#;
    for policy in ["COLLECT SUM", "RULE ORDER", "UNIQUE", "ANY"] {
        let found = lint_table(policy, r#""o""#, rows, r#", "no_match": "null""#);
        assert_eq!(found.len(), 1, "{policy}: {found:#?}");
        assert!(
            found[0].starts_with(
                "row-never-fires: row 2 of the table \"t\" never matches: in 11 cases"
            ),
            "{policy}: {}",
            found[0]
        );
        assert!(found[0].ends_with(") never holds"), "{}", found[0]);
    }
}

#[test]
fn every_explored_case_that_ends_in_an_error_is_reported_with_the_case() {
    let inputs = r#"[
      {"name": "spend", "type": "money", "min": 0, "label": "Spend"},
      {"name": "weeks", "type": "integer", "min": 0, "max": 52, "label": "Weeks", "default": 38}
    ]"#;
    let f = family(
        r#"{"name": "weekly", "let": "spend / weeks"}"#,
        r#"{"name": "o", "value": "weekly"}"#,
    );
    let found = findings(&load(inputs, &[&f]));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().any(|f| f.starts_with(
        "case-error: 1 explored cases of \"f\" end in an error (every one of the 6 combinations \
         explored), such as {\"spend\": 0, \"weeks\": 0}: division by zero in spend / weeks (step \
         weekly)"
    )));
    assert!(
        found.iter().any(|f| {
            f.ends_with(
        "case-error: 3 explored cases of \"f\" end in an error (every one of the 6 combinations \
         explored), such as {}: spend has no value (step weekly)"
    )
        }),
        "{found:#?}"
    );
}

#[test]
fn errors_the_rules_declare_are_not_reported() {
    let inputs = r#"[
      {"name": "setting", "type": "enum", "label": "Setting", "default": "mainstream", "values": [
        {"value": "mainstream", "label": "Mainstream"},
        {"value": "special", "label": "Special school"}
      ]},
      {"name": "spend", "type": "money", "min": 0, "label": "Spend"}
    ]"#;
    let f = family(
        r#"{"name": "recorded", "stop": {"when": "not given(spend)", "status": "error",
              "reason": "Enter the spend."}},
           {"name": "rate", "lookup": {"keys": ["setting"],
              "values": {"mainstream": "12.50", "special": null}}},
           {"name": "total", "let": "spend + rate"}"#,
        r#"{"name": "o", "value": "total"}"#,
    );
    assert_eq!(findings(&load(inputs, &[&f])), Vec::<String>::new());
}

/// One input, which the families below give back as output `p` so that it is used.
const POINTS: &str = r#"[{"name": "points", "type": "integer", "min": 0, "max": 2, "label": "Points", "default": 0}]"#;

/// A rule set whose manifest is in force from 1 April 2021 to 31 March 2022, with `constants`.
fn dated(inputs: &str, family: &str, constants: &str) -> RuleSet {
    let manifest = r#"{"id": "test-rules", "authority": "Test Council", "title": "Rules",
      "version": "1", "effective_from": "2021-04-01", "effective_to": "2022-03-31",
      "period_basis": "financial", "currency": "GBP", "provenance": "illustrative",
      "families": ["f"], "constants": CONSTANTS}"#
        .replace("CONSTANTS", constants);
    RuleSet::from_files(
        "test-rules",
        &[
            ("ruleset.json", &manifest),
            ("inputs.json", inputs),
            ("families/f.json", family),
        ],
    )
    .unwrap_or_else(|e| panic!("rule set should load: {e}"))
}

#[test]
fn a_date_switch_inside_a_version_is_explored_without_on() {
    // From 1 September the key is 2022, which the lookup misspells as 2023.
    let f = family(
        r#"{"name": "year", "let": "if on >= date('2021-09-01') then 2022 else 2021"},
           {"name": "rate", "lookup": {"keys": ["year"],
              "values": {"2021": "10.00", "2023": "11.00"}}}"#,
        r#"{"name": "o", "value": "rate"}, {"name": "p", "value": "points"}"#,
    );
    let rules = dated(POINTS, &f, "{}");
    let found = findings(&rules);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(
            "missing-cell: the lookup \"rate\" has no value for year 2022, which 9 explored cases \
             reach, such as {} on 2021-09-01"
        ),
        "{}",
        found[0]
    );
    // Only 1 April is explored with --on 2021-04-01, and there the switch has not happened.
    let options = sendband::lint::Options {
        on: Some("2021-04-01".parse().expect("date")),
        ..Default::default()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("bundle.json"),
        serde_json::to_string(rules.bundle()).expect("bundle"),
    )
    .expect("write");
    let reports =
        sendband::lint::lint_path(&dir.path().join("bundle.json"), options).expect("lint");
    assert_eq!(reports[0].findings, Vec::new());
}

#[test]
fn ages_the_rules_compare_are_explored() {
    let inputs = r#"[
      {"name": "dob", "type": "date", "required": true, "label": "Date of birth"}
    ]"#;
    // 39 months falls between the rows: no early years age lint explored before.
    let f = family(
        r#"{"name": "age", "let": "age_months(dob)"},
           {"name": "group", "table": {"hit_policy": "FIRST", "outputs": ["g"], "rows": [
              {"when": "age >= 40", "then": {"g": "'older'"}},
              {"when": "age < 39", "then": {"g": "'younger'"}}]}}"#,
        r#"{"name": "o", "value": "group"}"#,
    );
    let found = findings(&dated(inputs, &f, "{}"));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("no-row-matches: no row of the table \"group\" matches 2 explored cases, such as {\"dob\": \"2018-01-01\"}"),
        "{}",
        found[0]
    );
}

#[test]
fn a_constant_nothing_reads_is_named() {
    let f = family(
        r#"{"name": "twice", "let": "points * rate"}"#,
        r#"{"name": "o", "value": "twice"}"#,
    );
    let found = findings(&dated(POINTS, &f, r#"{"rate": 2, "ceiling": 100}"#));
    assert_eq!(
        found,
        [
            "unused-constant: the constant \"ceiling\" is declared, but no family uses it: remove \
          it, or use it in a rule"
        ]
    );
}
