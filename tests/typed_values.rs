//! Typed values: a literal compared with, listed against, or used as a key or cell for a value
//! with declared values must be one of them, or the rule set does not load, naming the file,
//! the JSON path, the column and the value meant.

mod common;

use common::*;

const INPUTS: &str = r#"[
  {"name": "points", "type": "integer", "min": 0, "max": 4, "label": "Points"},
  {"name": "level", "type": "enum", "label": "Level", "values": [
    {"value": "low", "label": "Low"}, {"value": "high", "label": "High"}]},
  {"name": "ehcp", "type": "enum", "label": "EHC plan", "values": [
    {"value": "none", "label": "None"}, {"value": "issued", "label": "Issued"}]},
  {"name": "age", "type": "enum", "label": "Age", "values": [
    {"value": "under_2", "label": "Under 2"}, {"value": "two_plus", "label": "2 or more"}]},
  {"name": "spend", "type": "money", "min": 0, "label": "Spend"}
]"#;

fn refused(step: &str) -> String {
    load_err(INPUTS, &[&one_step("s", step)])
}

#[test]
fn a_misspelt_enum_value_in_a_comparison_is_a_load_error_with_a_suggestion() {
    let e = refused(r#"{"name": "s", "let": "level == 'hgih'"}"#);
    assert_eq!(
        e,
        "test-rules/families/f.json: at $.steps[0].let: in \"level == 'hgih'\" at column 10: 'hgih' is not \
         a value of level, which is one of 'low', 'high' (did you mean \"high\"?)"
    );
    let e = refused(r#"{"name": "s", "let": "ehcp != 'none '"}"#);
    assert!(e.contains("'none ' is not a value of ehcp"), "{e}");
    assert!(e.contains("did you mean \"none\"?"), "{e}");
    // On either side, and in a list.
    let e = refused(r#"{"name": "s", "let": "'isued' == ehcp"}"#);
    assert!(e.contains("did you mean \"issued\"?"), "{e}");
    let e = refused(r#"{"name": "s", "let": "ehcp in ['none', 'isssued']"}"#);
    assert!(
        e.contains("at column 18: 'isssued' is not a value of ehcp"),
        "{e}"
    );
    // A value that is one of them loads; so does `null`, which asks whether there is none.
    load(
        INPUTS,
        &[&one_step(
            "s",
            r#"{"name": "s", "let": "ehcp in ['none', 'issued'] or level == null"}"#,
        )],
    );
}

#[test]
fn a_number_outside_the_declared_range_is_a_load_error() {
    let e = refused(r#"{"name": "s", "let": "points == 7"}"#);
    assert!(
        e.ends_with("at column 11: points is from 0 to 4, so it is never 7"),
        "{e}"
    );
    let e = refused(r#"{"name": "s", "let": "points in [1, 2.5]"}"#);
    assert!(
        e.ends_with("points is a whole number, so it is never 2.5"),
        "{e}"
    );
    let e = refused(r#"{"name": "s", "let": "spend != 0 and spend == 100000 or points != 5"}"#);
    assert!(
        e.ends_with("points is from 0 to 4, so it is never 5"),
        "{e}"
    );
    load(
        INPUTS,
        &[&one_step("s", r#"{"name": "s", "let": "points == 4"}"#)],
    );
}

#[test]
fn a_misspelt_cell_or_key_is_a_load_error() {
    let table = r#"{"name": "s", "table": {"hit_policy": "FIRST", "inputs": ["level", "points"],
        "outputs": ["o"], "rows": [{"when": ["'hihg'", "-"], "then": {"o": "1"}}], "default": {"o": "0"}}}"#;
    let e = refused(table);
    assert!(e.contains("$.steps[0].table.rows[0].when[0]"), "{e}");
    assert!(e.contains("'hihg' is not a value of level"), "{e}");
    assert!(e.contains("did you mean \"high\"?"), "{e}");
    let e = refused(&table.replace(r#"["'hihg'", "-"]"#, r#"["-", "in [3, 9]"]"#));
    assert!(e.contains("points is from 0 to 4, so it is never 9"), "{e}");

    let lookup = |values: &str| {
        format!(r#"{{"name": "s", "lookup": {{"keys": ["age"], "values": {{{values}}}}}}}"#)
    };
    let e = refused(&lookup(r#""under2": "10.00", "two_plus": "5.00""#));
    assert_eq!(
        e,
        "test-rules/families/f.json: at $.steps[0].lookup.values.under2: 'under2' is not a value of age, \
         which is one of 'under_2', 'two_plus' (did you mean \"under_2\"?)"
    );
    let by_points =
        r#"{"name": "s", "lookup": {"keys": ["points"], "values": {"2": "1.00", "2.0": "2.00"}}}"#;
    let e = refused(by_points);
    assert!(e.contains("$.steps[0].lookup.values.2.0"), "{e}");
    assert!(
        e.contains("\"2.0\" is the same key as one before it"),
        "{e}"
    );
    let e = refused(&by_points.replace("2.0", "two"));
    assert!(
        e.contains("\"two\" is not a number, but the key \"points\" is"),
        "{e}"
    );
    let e = refused(&by_points.replace("2.0", "8"));
    assert!(e.contains("points is from 0 to 4, so it is never 8"), "{e}");
}

#[test]
fn labels_that_steps_give_are_types_too() {
    let f = family(
        r#"{"name": "group", "ranges": {"of": "points", "ranges": [
              {"label": "A1", "min": 0, "max": 1}, {"label": "A2", "min": 2, "max": 4}]}},
           {"name": "band", "table": {"hit_policy": "FIRST", "inputs": ["group"], "outputs": ["band"],
              "rows": [{"when": ["'A1'"], "then": {"band": "'B'"}},
                       {"when": ["-"], "then": {"band": "group"}}]}},
           {"name": "top", "let": "band == 'a2'"}"#,
        r#"{"name": "top", "value": "top"}"#,
    );
    let e = load_err(INPUTS, &[&f]);
    assert!(
        e.contains("'a2' is not a value of band, which is one of 'B', 'A1', 'A2'"),
        "{e}"
    );
    assert!(e.contains("did you mean \"A2\"?"), "{e}");
    let e = load_err(INPUTS, &[&f.replace("'A1'\"]", "'A0'\"]")]);
    assert!(e.contains("'A0' is not a value of group"), "{e}");
    load(INPUTS, &[&f.replace("'a2'", "'A2'")]);
}

#[test]
fn a_condition_that_is_not_true_or_false_is_a_load_error() {
    let e = refused(r#"{"name": "s", "when": "null", "let": "1"}"#);
    assert!(
        e.contains("\"null\" gives null, but a condition (true or false) is needed here"),
        "{e}"
    );
    let e = refused(
        r#"{"name": "s", "stop": {"when": "null", "status": "ineligible", "reason": "r"}}"#,
    );
    assert!(e.contains("$.steps[0].stop.when"), "{e}");
}

#[test]
fn a_misspelt_priority_value_is_a_load_error_but_an_extra_one_is_not() {
    let table = |priority: &str| {
        format!(
            r#"{{"name": "s", "table": {{"hit_policy": "PRIORITY", "inputs": ["points"],
                "outputs": ["o"], "priority": [{priority}], "rows": [
                {{"when": [">= 2"], "then": {{"o": "'high'"}}}}, {{"when": ["-"], "then": {{"o": "'low'"}}}}]}}}}"#
        )
    };
    let e = refused(&table(r#""hihg", "low""#));
    assert!(e.contains("$.steps[0].table.priority[0]"), "{e}");
    assert!(e.contains("'hihg' is not a value of o"), "{e}");
    assert!(e.contains("did you mean \"high\"?"), "{e}");
    // One order for every band, some of which this table never gives, loads.
    load(INPUTS, &[&one_step("s", &table(r#""high", "mid", "low""#))]);
}
