//! Tests of the built-in functions: values, result types and null handling.
//! Uses the shared test case from `tests`.

use super::tests::{d, ev, eval_err, n, t};
use super::*;

#[test]
fn min_max_abs_round() {
    assert_eq!(ev("min(3, 1, 2)"), n("1"));
    assert_eq!(ev("max(3, 1, 2.5)"), n("3"));
    assert_eq!(ev("max(score)"), n("12"));
    assert_eq!(ev("min(band, 'A')"), Value::text("A"));
    assert_eq!(
        ev("max(dob, date('2020-01-01'))"),
        Value::Date(d("2021-09-01"))
    );
    assert_eq!(
        eval_err("min(score, missing)"),
        EvalError::NoValue {
            name: "missing".into()
        }
    );
    assert_eq!(ev("abs(-3.5)"), n("3.5"));
    assert_eq!(ev("abs(score)"), n("12"));
    let cases = [
        ("round(2.345, 2)", "2.35"),
        ("round(-2.345, 2)", "-2.35"),
        ("round(2.5, 0)", "3"),
        ("round(2.345, 2, 'half_away_from_zero')", "2.35"),
        ("round(2.345, 2, 'half_even')", "2.34"),
        ("round(2.355, 2, 'half_even')", "2.36"),
        ("round(2.345, 2, 'half_toward_zero')", "2.34"),
        ("round(2.341, 2, 'up')", "2.35"),
        ("round(-2.341, 2, 'up')", "-2.35"),
        ("round(-2.349, 2, 'down')", "-2.34"),
        ("round(-1.5, 0, 'floor')", "-2"),
        ("round(-1.5, 0, 'ceiling')", "-1"),
        ("round(1.234, 10)", "1.234"),
        ("floor(-1.5)", "-2"),
        ("floor(1.9)", "1"),
        ("ceil(1.2)", "2"),
        ("ceil(-1.2)", "-1"),
    ];
    for (src, want) in cases {
        assert_eq!(ev(src), n(want), "{src}");
    }
    assert_eq!(
        eval_err("round(missing, 2)"),
        EvalError::NoValue {
            name: "missing".into()
        }
    );
    assert_eq!(
        eval_err("abs(missing)"),
        EvalError::NoValue {
            name: "missing".into()
        }
    );
}

#[test]
fn counting_dates_and_lists() {
    assert_eq!(
        ev("count_at_least(2, needs.semh, needs.cognition_learning, needs.sensory)"),
        n("2")
    );
    assert_eq!(
        ev("count_at_least(3, needs.semh, needs.cognition_learning, needs.sensory)"),
        n("1")
    );
    assert_eq!(ev("count_at_least(2.5, 2.5, null)"), n("1"));
    assert_eq!(
        eval_err("count_at_least(missing, 1)"),
        EvalError::NoValue {
            name: "missing".into()
        }
    );
    assert_eq!(
        ev("count_true(eligible, flagged, missing_flag, true, score > 1)"),
        n("3")
    );
    assert_eq!(ev("age_months(dob)"), n("36"));
    assert_eq!(ev("age_months(date('2021-09-02'))"), n("35"));
    assert_eq!(ev("age_months(dob, date('2022-09-02'))"), n("12"));
    assert_eq!(
        ev("days_between(date('2024-09-01'), date('2025-08-31'))"),
        n("364")
    );
    assert_eq!(ev("days_between(on, dob)"), n("-1096"));
    assert_eq!(
        eval_err("age_months(missing_date)"),
        EvalError::NoValue {
            name: "missing_date".into()
        }
    );
    assert_eq!(ev("len(tags)"), n("2"));
    assert_eq!(ev("len(band)"), n("1"));
    assert_eq!(ev("len([])"), n("0"));
    assert_eq!(ev("sum(nums)"), n("6"));
    assert_eq!(ev("sum([1.5, 2])"), n("3.5"));
    assert_eq!(ev("sum([])"), n("0"));
    assert_eq!(
        eval_err("sum([missing])"),
        EvalError::NoValue {
            name: "[missing]".into()
        }
    );
}

#[test]
fn given_and_coalesce() {
    assert_eq!(ev("given(missing)"), t(false));
    assert_eq!(ev("given(score)"), t(true));
    assert_eq!(ev("given(on)"), t(true));
    assert_eq!(ev("given(missing) and missing > 1"), t(false));
    assert_eq!(ev("coalesce(missing, 5)"), n("5"));
    assert_eq!(ev("coalesce(score, 5)"), n("12"));
    assert_eq!(ev("coalesce(missing, null)"), Value::Null);
    assert_eq!(ev("coalesce(missing, 1) + 1"), n("2"));
}
