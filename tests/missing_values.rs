//! One meaning for a missing value, the README's table case by case: a test on a missing value
//! does not hold (a `-` or `null` cell matches), and a value cannot be computed from one.

mod common;

use common::*;
use sendband::Status;

const INPUTS: &str = r#"[
  {"name": "points", "type": "integer", "min": 0, "max": 10, "label": "Points", "required": false},
  {"name": "plan", "type": "enum", "label": "Plan", "required": false, "values": [
    {"value": "none", "label": "None"}, {"value": "issued", "label": "Issued"}
  ]},
  {"name": "urgent", "type": "boolean", "label": "Urgent", "required": false}
]"#;

/// Family `f` with a FIRST table over `points` and `plan` whose cells are `cells`; output `o` is
/// the number of the first row that matched.
fn first_row(cells: &[&str]) -> String {
    let rows: Vec<String> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| format!(r#"{{"when": [{c}], "then": {{"row": "{}"}}}}"#, i + 1))
        .collect();
    one_step(
        "t",
        &format!(
            r#"{{"name": "t", "table": {{"hit_policy": "FIRST", "inputs": ["points", "plan"],
                "outputs": ["row"], "rows": [{}], "default": {{"row": "0"}}}}}}"#,
            rows.join(",")
        ),
    )
}

fn row_for(cells: &str, profile: &str) -> String {
    let rules = load(INPUTS, &[&first_row(&[cells])]);
    let d = eval(&rules, profile);
    assert_eq!(status(&d), Status::Applied, "{cells} on {profile}");
    out(&d, "o")
}

#[test]
fn table_cells_on_a_missing_value_only_dash_null_and_negations_match() {
    let none = "{}";
    // Cells on `points`, with `plan` anything.
    for (cell, matches) in [
        (r#""-""#, true),
        (r#""null""#, true),
        (r#""3""#, false),
        (r#""< 5""#, false),
        (r#"">= 5""#, false),
        (r#""in [1..4]""#, false),
        (r#""in [1, 2]""#, false),
        (r#""not in [1, 2]""#, true),
        (r#""!= 3""#, true),
    ] {
        let cells = format!(r#"{cell}, "-""#);
        let want = if matches { "1" } else { "0" };
        assert_eq!(
            row_for(&cells, none),
            want,
            "cell {cell} on a missing value"
        );
    }
    // Cells on `plan` (an enum), with `points` anything.
    for (cell, matches) in [
        (r#""'issued'""#, false),
        (r#""in ['issued', 'none']""#, false),
        (r#""not in ['issued']""#, true),
        (r#""null""#, true),
    ] {
        let cells = format!(r#""-", {cell}"#);
        let want = if matches { "1" } else { "0" };
        assert_eq!(row_for(&cells, none), want, "cell {cell} on a missing plan");
        // And the same cells on a given value still test it.
        let given = row_for(&cells, r#"{"plan": "issued"}"#);
        let want_given = match cell {
            r#""'issued'""# | r#""in ['issued', 'none']""# => "1",
            _ => "0",
        };
        assert_eq!(given, want_given, "cell {cell} on plan issued");
    }
}

#[test]
fn a_band_left_null_by_a_table_default_is_in_no_list() {
    // The encoding that made every child without a band an error: a default of `band: null`,
    // then a step on `band in [...]`.
    let f = family(
        r#"{"name": "band", "table": {"hit_policy": "FIRST", "inputs": ["points"],
              "outputs": ["band"], "rows": [{"when": [">= 8"], "then": {"band": "'2'"}},
              {"when": [">= 5"], "then": {"band": "'1b'"}}], "default": {"band": "null"}}},
           {"name": "funded", "let": "band in ['1b', '2']"},
           {"name": "unfunded", "let": "band not in ['1b', '2']"},
           {"name": "extra", "when": "band in ['2']", "let": "100"}"#,
        r#"{"name": "funded", "value": "funded"}, {"name": "unfunded", "value": "unfunded"},
           {"name": "extra", "value": "extra"}"#,
    );
    let rules = load(INPUTS, &[&f]);
    let got = |profile: &str| {
        let d = eval(&rules, profile);
        (
            status(&d),
            out(&d, "funded"),
            out(&d, "unfunded"),
            out(&d, "extra"),
        )
    };
    let applied = Status::Applied;
    assert_eq!(
        got(r#"{"points": 2}"#),
        (applied, "false".into(), "true".into(), "".into())
    );
    assert_eq!(
        got("{}"),
        (applied, "false".into(), "true".into(), "".into())
    );
    assert_eq!(
        got(r#"{"points": 9}"#),
        (applied, "true".into(), "false".into(), "100".into())
    );
}

#[test]
fn conditions_on_missing_values_do_not_hold_and_values_from_them_are_errors() {
    let f = family(
        r#"{"name": "low", "let": "points < 5"},
           {"name": "not_low", "let": "not (points < 5)"},
           {"name": "asked", "let": "given(points)"},
           {"name": "urgent_now", "let": "if urgent then 'yes' else 'no'"},
           {"name": "flagless", "let": "not urgent"},
           {"name": "fallback", "let": "coalesce(points, 0) + 1"},
           {"name": "stopped", "stop": {"when": "points >= 5", "status": "ineligible", "reason": "five or more"}}"#,
        r#"{"name": "low", "value": "low"}, {"name": "not_low", "value": "not_low"},
           {"name": "asked", "value": "asked"}, {"name": "urgent_now", "value": "urgent_now"},
           {"name": "flagless", "value": "flagless"}, {"name": "fallback", "value": "fallback"}"#,
    );
    let rules = load(INPUTS, &[&f]);
    let d = eval(&rules, "{}");
    assert_eq!(status(&d), Status::Applied);
    let outs: Vec<String> = [
        "low",
        "not_low",
        "asked",
        "urgent_now",
        "flagless",
        "fallback",
    ]
    .iter()
    .map(|o| out(&d, o))
    .collect();
    assert_eq!(outs, ["false", "true", "false", "no", "true", "1"]);

    let sum = one_step("s", r#"{"name": "s", "let": "points + 1"}"#);
    let d = eval(&load(INPUTS, &[&sum]), "{}");
    assert_eq!(status(&d), Status::Error);
    assert_eq!(
        reasons(&d).last().map(String::as_str),
        Some("points has no value (step s)")
    );
}
