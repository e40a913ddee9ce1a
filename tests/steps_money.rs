//! The `money` step: every basis, pro-rating by days, hours and periods, caps, every rounding
//! mode, amounts written with two decimals, and the load errors a money step can give.

mod common;

use common::*;
use sendband::Status;

const INPUTS: &str = r#"[
  {"name": "days", "type": "integer", "min": 0, "max": 365, "label": "Days on roll", "default": 190},
  {"name": "hours", "type": "decimal", "min": 0, "label": "Hours a week", "default": 30},
  {"name": "rate", "type": "money", "label": "Rate", "default": "4000"}
]"#;

/// A family `f` with one money step `m` (the JSON object's inner text) and output `amount`.
fn money(spec: &str) -> String {
    one_step("m", &format!(r#"{{"name": "m", "money": {{{spec}}}}}"#))
        .replace(r#""name": "o""#, r#""name": "amount""#)
}

/// Status, `amount` as text and reasons for a money step on a profile.
fn run(spec: &str, profile: &str) -> (Status, String, Vec<String>) {
    let d = eval(&load(INPUTS, &[&money(spec)]), profile);
    (status(&d), out(&d, "amount"), reasons(&d))
}

/// `amount` for a money step that must apply, on the default profile.
fn amount(spec: &str) -> String {
    let (s, a, r) = run(spec, "{}");
    assert_eq!(s, Status::Applied, "{spec}: {r:?}");
    a
}

/// The trace entry of `m`.
fn working(spec: &str, profile: &str) -> serde_json::Value {
    let d = eval(&load(INPUTS, &[&money(spec)]), profile);
    trace_of(&d, "m")
}

#[test]
fn per_year_and_one_off_are_the_rate() {
    assert_eq!(amount(r#""rate": "rate", "basis": "per_year""#), "4000.00");
    assert_eq!(amount(r#""rate": "125.5", "basis": "one_off""#), "125.50");
    let d = eval(
        &load(INPUTS, &[&money(r#""rate": "125.5", "basis": "one_off""#)]),
        "{}",
    );
    assert_eq!(out_json(&d, "amount"), serde_json::json!("125.50"));
}

#[test]
fn per_term_is_three_terms_unless_told() {
    assert_eq!(amount(r#""rate": "1227", "basis": "per_term""#), "3681.00");
    assert_eq!(
        amount(r#""rate": "1227", "basis": "per_term", "terms": "2""#),
        "2454.00"
    );
    assert_eq!(
        working(r#""rate": "1227", "basis": "per_term""#, "{}"),
        serde_json::json!({"step": "m", "kind": "money", "value": 3681,
                           "rate": 1227, "quantity": 3, "exact": 3681})
    );
}

#[test]
fn per_month_is_twelve_months_unless_told() {
    assert_eq!(
        amount(r#""rate": "100.25", "basis": "per_month""#),
        "1203.00"
    );
    assert_eq!(
        amount(r#""rate": "100.25", "basis": "per_month", "months": "5""#),
        "501.25"
    );
}

#[test]
fn per_week_and_per_hour_multiply_by_weeks_and_hours() {
    assert_eq!(
        amount(r#""rate": "25.5", "basis": "per_week", "weeks": "39""#),
        "994.50"
    );
    // rate x hours x weeks: 12.35 x 15 x 38.
    assert_eq!(
        amount(r#""rate": "12.35", "basis": "per_hour", "hours": "15", "weeks": "38""#),
        "7039.50"
    );
    let (s, a, _) = run(
        r#""rate": "12.35", "basis": "per_hour", "hours": "hours", "weeks": "38""#,
        r#"{"hours": 12.5}"#,
    );
    assert_eq!((s, a.as_str()), (Status::Applied, "5866.25"));
}

const HALF_UP: &str = r#""round": {"mode": "half_away_from_zero", "places": 2}"#;

#[test]
fn pro_rating_by_days() {
    let spec = format!(
        r#""rate": "rate", "basis": "per_year", "prorate": {{"by": "days", "part": "days", "whole": "190"}}, {HALF_UP}"#
    );
    let (s, a, _) = run(&spec, r#"{"days": 100}"#);
    assert_eq!((s, a.as_str()), (Status::Applied, "2105.26"));
    let w = working(&spec, r#"{"days": 100}"#);
    assert_eq!(w["prorate"], serde_json::json!([100, 190]));
    assert_eq!(
        w["exact"],
        serde_json::json!("2105.2631578947368421052631579")
    );
    assert_eq!(w["value"], serde_json::json!("2105.26"));
    // Exact halves need no rounding.
    let spec = r#""rate": "rate", "basis": "per_year", "prorate": {"by": "days", "part": "days", "whole": "190"}"#;
    let (s, a, _) = run(spec, r#"{"days": 95, "rate": "17500"}"#);
    assert_eq!((s, a.as_str()), (Status::Applied, "8750.00"));
}

#[test]
fn pro_rating_by_hours() {
    let spec = r#""rate": "6000", "basis": "per_year", "prorate": {"by": "hours", "part": "hours", "whole": "30"}"#;
    assert_eq!(run(spec, r#"{"hours": 15}"#).1, "3000.00");
    assert_eq!(run(spec, r#"{"hours": "12.5"}"#).1, "2500.00");
}

const PERIODS: &str = r#""weights": {"autumn": "0.4", "spring": "0.35", "summer": "0.25"}"#;

#[test]
fn pro_rating_by_periods_sums_their_weights() {
    let spec = format!(
        r#""rate": "rate", "basis": "per_year", "prorate": {{"by": "periods", "periods": "['autumn', 'spring']", {PERIODS}}}"#
    );
    assert_eq!(amount(&spec), "3000.00");
    let w = working(&spec, "{}");
    assert_eq!(w["prorate"], serde_json::json!(["0.75", 1]));
    let spec = spec.replace("'autumn', 'spring'", "'summer'");
    assert_eq!(amount(&spec), "1000.00");
}

#[test]
fn an_unknown_period_is_an_error_for_the_case() {
    let spec = format!(
        r#""rate": "rate", "basis": "per_year", "prorate": {{"by": "periods", "periods": "['autumn', 'winter']", {PERIODS}}}"#
    );
    assert_eq!(
        run(&spec, "{}"),
        (
            Status::Error,
            String::new(),
            vec![r#"period "winter" has no weight (step m)"#.to_string()]
        )
    );
}

#[test]
fn a_cap_applies_before_rounding_and_shows_in_the_trace() {
    let prorated = r#""rate": "rate", "basis": "per_year", "prorate": {"by": "days", "part": "days", "whole": "190"}"#;
    let spec = format!(r#"{prorated}, "cap": "2000", {HALF_UP}"#);
    assert_eq!(run(&spec, r#"{"days": 100}"#).1, "2000.00");
    let w = working(&spec, r#"{"days": 100}"#);
    assert_eq!(w["capped_at"], serde_json::json!(2000));
    assert_eq!(w["exact"], serde_json::json!(2000));
    // Capped at 2105.255 then rounded gives 2105.26; rounding first would give 2105.26 and then
    // a cap of 2105.255, which is not whole pence.
    let spec = format!(r#"{prorated}, "cap": "2105.255", {HALF_UP}"#);
    assert_eq!(
        run(&spec, r#"{"days": 100}"#),
        (Status::Applied, "2105.26".into(), vec![])
    );
    assert_eq!(
        working(&spec, r#"{"days": 100}"#)["capped_at"],
        serde_json::json!("2105.255")
    );
    // A cap that is not reached is not shown.
    let w = working(&spec, r#"{"days": 50}"#);
    assert_eq!(w.get("capped_at"), None);
    assert_eq!(w["value"], serde_json::json!("1052.63"));
}

#[test]
fn every_rounding_mode_at_a_midpoint_and_off_it() {
    // mode, 2.345, -2.345, 2.341
    let cases = [
        ("half_away_from_zero", "2.35", "-2.35", "2.34"),
        ("half_even", "2.34", "-2.34", "2.34"),
        ("half_toward_zero", "2.34", "-2.34", "2.34"),
        ("up", "2.35", "-2.35", "2.35"),
        ("down", "2.34", "-2.34", "2.34"),
        ("floor", "2.34", "-2.35", "2.34"),
        ("ceiling", "2.35", "-2.34", "2.35"),
    ];
    for (mode, pos, neg, off) in cases {
        let round = format!(r#""round": {{"mode": "{mode}", "places": 2}}"#);
        let of = |rate: &str| amount(&format!(r#""rate": "{rate}", "basis": "one_off", {round}"#));
        assert_eq!(of("2.345"), pos, "{mode} 2.345");
        assert_eq!(of("-2.345"), neg, "{mode} -2.345");
        assert_eq!(of("2.341"), off, "{mode} 2.341");
    }
    let even = |rate: &str| {
        amount(&format!(
            r#""rate": "{rate}", "basis": "one_off", "round": {{"mode": "half_even", "places": 2}}"#
        ))
    };
    assert_eq!(even("2.355"), "2.36");
}

#[test]
fn rounding_to_whole_pounds() {
    let of = |mode: &str, rate: &str| {
        amount(&format!(
            r#""rate": "{rate}", "basis": "one_off", "round": {{"mode": "{mode}", "places": 0}}"#
        ))
    };
    assert_eq!(of("half_away_from_zero", "8748.5"), "8749.00");
    assert_eq!(of("half_even", "8748.5"), "8748.00");
    assert_eq!(of("half_even", "8749.5"), "8750.00");
    assert_eq!(of("half_toward_zero", "8748.5"), "8748.00");
    assert_eq!(of("up", "8748.01"), "8749.00");
    assert_eq!(of("down", "8748.99"), "8748.00");
    assert_eq!(of("floor", "-8748.01"), "-8749.00");
    assert_eq!(of("ceiling", "-8748.99"), "-8748.00");
}

#[test]
fn an_amount_that_is_not_whole_pence_without_rounding_is_an_error() {
    let spec = r#""rate": "rate", "basis": "per_year", "prorate": {"by": "days", "part": "days", "whole": "190"}"#;
    assert_eq!(
        run(spec, r#"{"days": 100}"#),
        (
            Status::Error,
            String::new(),
            vec![
                "amount is 2105.2631578947368421052631579, which is not a whole number of pence; \
                  the rule must declare rounding (output amount)"
                    .to_string()
            ]
        )
    );
    // Three decimal places are not pence either.
    let spec =
        r#""rate": "2.3456", "basis": "one_off", "round": {"mode": "half_even", "places": 3}"#;
    assert_eq!(
        run(spec, "{}").2,
        vec![
            "amount is 2.346, which is not a whole number of pence; \
              the rule must declare rounding (output amount)"
        ]
    );
}

#[test]
fn per_hour_without_hours_is_a_load_error() {
    let f = money(r#""rate": "12", "basis": "per_hour", "weeks": "38""#);
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].money: basis per_hour needs hours"
    );
    let f = money(r#""rate": "12", "basis": "per_week""#);
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].money: basis per_week needs weeks"
    );
}

#[test]
fn weeks_with_per_term_is_a_load_error() {
    let f = money(r#""rate": "12", "basis": "per_term", "weeks": "38""#);
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].money.weeks: weeks is not used with basis per_term"
    );
}

#[test]
fn pro_rating_by_days_without_whole_is_a_load_error() {
    let f =
        money(r#""rate": "12", "basis": "per_year", "prorate": {"by": "days", "part": "days"}"#);
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].money.prorate: \
         pro-rating by days or hours needs part and whole"
    );
}

#[test]
fn a_rate_written_as_an_expression_string_is_exact() {
    assert_eq!(
        amount(r#""rate": "2.5", "basis": "per_week", "weeks": "3""#),
        "7.50"
    );
}

#[test]
fn numbers_with_a_fraction_written_as_json_numbers_are_refused() {
    let f = one_step(
        "v",
        r#"{"name": "v", "lookup": {"keys": ["'A'"], "values": {"A": 2.5, "B": "3"}}}"#,
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json: at $.steps[0].lookup.values.A: \
         write the number 2.5 as a string (\"2.5\") so that it stays exact"
    );
    let f = money(
        r#""rate": "rate", "basis": "per_year",
           "prorate": {"by": "periods", "periods": "['autumn']", "weights": {"autumn": 0.4}}"#,
    );
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json:2:90: at $.steps[0].money.prorate.weights.autumn: \
         write the number 0.4 as a string (\"0.4\") so that it stays exact"
    );
}

#[test]
fn a_rate_must_be_an_expression_string_not_a_json_number() {
    let f = money(r#""rate": 2.5, "basis": "one_off""#);
    assert_eq!(
        load_err(INPUTS, &[&f]),
        "test-rules/families/f.json:1:73: at $.steps[0].money.rate: \
         invalid type: floating point `2.5`, expected a string"
    );
}

/// Lambeth-style: band 1a is paid once, bands 1b and 2 each term; one money step, one output.
const BANDED: &str = r#"[
  {"name": "band", "type": "enum", "label": "Band", "required": true, "values": [
    {"value": "1a", "label": "1a"}, {"value": "1b", "label": "1b"}, {"value": "2", "label": "2"}]},
  {"name": "terms", "type": "integer", "min": 1, "max": 3, "label": "Terms", "default": 3}
]"#;

fn banded(basis: &str, extra: &str) -> String {
    one_step(
        "m",
        &format!(
            r#"{{"name": "m", "money": {{"rate": "if band == '1a' then 1500 else 1000", "basis": "{basis}"{extra},
                "round": {{"mode": "half_away_from_zero", "places": 2}}}}}}"#
        ),
    )
    .replace(r#""name": "o""#, r#""name": "amount""#)
}

const BY_BAND: &str = "if band == '1a' then 'one_off' else 'per_term'";

#[test]
fn a_basis_by_the_case_pays_one_band_once_and_another_each_term() {
    let rules = load(BANDED, &[&banded(BY_BAND, "")]);
    let pay = |profile: &str| out(&eval(&rules, profile), "amount");
    assert_eq!(pay(r#"{"band": "1a"}"#), "1500.00");
    assert_eq!(pay(r#"{"band": "1b"}"#), "3000.00");
    // `terms` counts only for the bases that take it.
    let rules = load(BANDED, &[&banded(BY_BAND, r#", "terms": "terms""#)]);
    let pay = |profile: &str| out(&eval(&rules, profile), "amount");
    assert_eq!(pay(r#"{"band": "2", "terms": 2}"#), "2000.00");
    assert_eq!(pay(r#"{"band": "1a", "terms": 2}"#), "1500.00");
    // The trace shows the quantity the case's basis took.
    let d = eval(&rules, r#"{"band": "2", "terms": 2}"#);
    assert_eq!(trace_of(&d, "m")["quantity"], serde_json::json!(2));
}

#[test]
fn a_basis_that_is_neither_a_basis_nor_gives_one_is_refused() {
    // An expression that gives a text it does not write as a basis: an error for the case.
    let f = banded("if band == '1a' then 'one_off' else band", "");
    let d = eval(&load(BANDED, &[&f]), r#"{"band": "2"}"#);
    assert_eq!(status(&d), Status::Error);
    assert!(
        reasons(&d)
            .iter()
            .any(|r| r.contains("gave \"2\", not one of the bases it writes")),
        "{:?}",
        reasons(&d)
    );
    let message = load_err(BANDED, &[&banded("per_trem", "")]);
    assert!(message.contains("$.steps[0].money.basis"), "{message}");
    assert!(message.contains("per_term"), "{message}");
    let message = load_err(BANDED, &[&banded(BY_BAND, r#", "weeks": "38""#)]);
    assert!(
        message.contains("weeks is not used with basis one_off or per_term"),
        "{message}"
    );
    let message = load_err(
        BANDED,
        &[&banded(
            "if band == '1a' then 'one_off' else 'per_week'",
            "",
        )],
    );
    assert!(message.contains("basis per_week needs weeks"), "{message}");
}
