//! Evaluation tests: operators, precedence, functions, nulls and run-time errors.
//! Also holds the small test scope/environment shared by the other test modules.

use super::*;
use crate::Date;
use rust_decimal::Decimal;

/// A test case: named values with types, and an evaluation date.
pub(super) struct Case {
    vars: Vec<(&'static str, Type, Value)>,
    pub(super) on: Date,
}

impl Scope for Case {
    fn resolve(&self, name: &str) -> Option<(Slot, Type)> {
        let i = self.vars.iter().position(|(n, _, _)| *n == name)?;
        Some((i as Slot, self.vars[i].1.clone()))
    }
    fn names(&self) -> Vec<String> {
        self.vars.iter().map(|(n, _, _)| n.to_string()).collect()
    }
}

pub(super) fn d(s: &str) -> Date {
    s.parse().unwrap()
}

pub(super) fn n(s: &str) -> Value {
    Value::Number(s.parse::<Decimal>().unwrap())
}

pub(super) fn case() -> Case {
    let list = |items: Vec<Value>| Value::List(items.into());
    let vars = vec![
        ("needs.semh", Type::Integer, n("3")),
        ("needs.cognition_learning", Type::Integer, n("2")),
        ("needs.sensory", Type::Integer, Value::Null),
        ("score", Type::Integer, n("12")),
        ("amount", Type::Number, n("4000")),
        ("rate", Type::Number, n("0.5")),
        ("band", Type::Text, Value::text("B")),
        ("dob", Type::Date, Value::Date(d("2021-09-01"))),
        ("eligible", Type::Bool, Value::Bool(true)),
        ("flagged", Type::Bool, Value::Bool(false)),
        ("missing", Type::Number, Value::Null),
        ("missing_flag", Type::Bool, Value::Null),
        ("missing_date", Type::Date, Value::Null),
        (
            "tags",
            Type::List(Box::new(Type::Text)),
            list(vec![Value::text("a"), Value::text("b")]),
        ),
        (
            "nums",
            Type::List(Box::new(Type::Integer)),
            list(vec![n("1"), n("2"), n("3")]),
        ),
        ("big", Type::Number, Value::Number(Decimal::MAX)),
    ];
    Case {
        vars,
        on: d("2024-09-01"),
    }
}

pub(crate) fn compile(src: &str) -> Expr {
    Expr::compile(src, &case()).unwrap_or_else(|e| panic!("{src}: {e}"))
}

impl Case {
    /// The values, by slot.
    pub(super) fn slots(&self) -> Vec<Value> {
        self.vars.iter().map(|(_, _, v)| v.clone()).collect()
    }
}

/// An expression's value for the test case, by the compiled evaluator.
pub(super) fn eval(e: &Expr) -> Result<Value, EvalError> {
    let case = case();
    e.eval_once(&case.slots(), case.on)
        .expect("the test case's values can be held")
}

pub(super) fn ev(src: &str) -> Value {
    eval(&compile(src)).unwrap_or_else(|e| panic!("{src}: {e}"))
}

pub(super) fn eval_err(src: &str) -> EvalError {
    eval(&compile(src)).unwrap_err()
}

pub(super) fn t(b: bool) -> Value {
    Value::Bool(b)
}

#[test]
fn arithmetic_and_precedence() {
    assert_eq!(ev("1 + 2 * 3"), n("7"));
    assert_eq!(ev("(1 + 2) * 3"), n("9"));
    assert_eq!(ev("10 - 4 - 3"), n("3"));
    assert_eq!(ev("12 / 4 / 3"), n("1"));
    assert_eq!(ev("7 / 2"), n("3.5"));
    assert_eq!(ev("-2 * 3"), n("-6"));
    assert_eq!(ev("- -2"), n("2"));
    assert_eq!(ev("2 - -score"), n("14"));
    assert_eq!(ev("1 + 2 * 3 == 7"), t(true));
    assert_eq!(ev("0.1 + 0.2 == 0.3"), t(true));
    assert_eq!(ev("6000.00 * rate"), n("3000"));
    assert_eq!(ev("1 / 3 * 3 == 1"), t(false));
    assert_eq!(ev("score * 2 + needs.semh"), n("27"));
}

#[test]
fn static_types() {
    let ty = |s: &str| compile(s).ty().clone();
    assert_eq!(ty("1 + 2"), Type::Integer);
    assert_eq!(ty("score * 2 - 1"), Type::Integer);
    assert_eq!(ty("4 / 2"), Type::Number);
    assert_eq!(ty("1 + 0.5"), Type::Number);
    assert_eq!(ty("6000.00"), Type::Number);
    assert_eq!(ty("[1, 2]"), Type::List(Box::new(Type::Integer)));
    assert_eq!(ty("[1, 2.5]"), Type::List(Box::new(Type::Number)));
    assert_eq!(ty("[]"), Type::List(Box::new(Type::Any)));
    assert_eq!(ty("if eligible then 1 else 2.5"), Type::Number);
    assert_eq!(ty("if eligible then null else 'x'"), Type::Text);
    assert_eq!(ty("null"), Type::Null);
    assert_eq!(ty("on"), Type::Date);
    assert_eq!(ty("score > 1"), Type::Bool);
    assert_eq!(ty("min(1, 2)"), Type::Integer);
    assert_eq!(ty("max(1, amount)"), Type::Number);
    assert_eq!(ty("min(band, 'C')"), Type::Text);
    assert_eq!(ty("round(rate, 0)"), Type::Integer);
    assert_eq!(ty("round(rate, 1)"), Type::Number);
    assert_eq!(ty("floor(rate)"), Type::Integer);
    assert_eq!(ty("abs(score)"), Type::Integer);
    assert_eq!(ty("sum(nums)"), Type::Integer);
    assert_eq!(ty("sum([1.5])"), Type::Number);
    assert_eq!(ty("coalesce(missing, 1)"), Type::Number);
}

#[test]
fn logic_and_short_circuit() {
    assert_eq!(ev("not eligible and flagged"), t(false));
    assert_eq!(ev("not flagged and eligible"), t(true));
    assert_eq!(ev("true or false and false"), t(true));
    assert_eq!(ev("(true or false) and false"), t(false));
    assert_eq!(ev("not 1 == 2"), t(true));
    assert_eq!(ev("not not eligible"), t(true));
    assert_eq!(ev("eligible and score > 10 and needs.semh >= 3"), t(true));
    assert_eq!(ev("flagged or flagged or eligible"), t(true));
    assert_eq!(ev("flagged and missing_flag"), t(false));
    assert_eq!(ev("eligible or missing_flag"), t(true));
    // A missing yes-or-no value does not hold; `not` is its exact opposite.
    assert_eq!(ev("eligible and missing_flag"), t(false));
    assert_eq!(ev("eligible and not missing_flag"), t(true));
}

#[test]
fn comparisons() {
    assert_eq!(ev("score == 12"), t(true));
    assert_eq!(ev("score != 12"), t(false));
    assert_eq!(ev("score < 12"), t(false));
    assert_eq!(ev("score <= 12"), t(true));
    assert_eq!(ev("score > 11.99"), t(true));
    assert_eq!(ev("score >= 13"), t(false));
    assert_eq!(ev("12.0 == score"), t(true));
    assert_eq!(ev("band < 'C'"), t(true));
    assert_eq!(ev("band == \"B\""), t(true));
    assert_eq!(ev("dob < date('2022-01-01')"), t(true));
    assert_eq!(ev("on == date('2024-09-01')"), t(true));
    assert_eq!(ev("eligible == true"), t(true));
    assert_eq!(ev("tags == ['a', 'b']"), t(true));
    assert_eq!(ev("(1 + 1 > 1) == true"), t(true));
}

#[test]
fn membership() {
    assert_eq!(ev("band in ['A', 'B']"), t(true));
    assert_eq!(ev("band not in ['A', 'B']"), t(false));
    assert_eq!(ev("band in []"), t(false));
    assert_eq!(ev("score in [1..12]"), t(true));
    assert_eq!(ev("score in [13..20]"), t(false));
    assert_eq!(ev("score not in [1..5]"), t(true));
    assert_eq!(ev("2.5 in [1..3]"), t(true));
    assert_eq!(ev("'b' in tags"), t(true));
    assert_eq!(ev("3 in nums"), t(true));
    assert_eq!(ev("3.0 in [1, 2, 3]"), t(true));
    assert_eq!(ev("score in [needs.semh..score + 1]"), t(true));
    assert_eq!(
        ev("dob in [date('2021-01-01')..date('2021-12-31')]"),
        t(true)
    );
    assert_eq!(ev("band in ['A'..'C']"), t(true));
    // A missing value is in no list and no range, and so `not in` every one.
    assert_eq!(ev("missing in [1..2]"), t(false));
    assert_eq!(ev("missing not in [1..2]"), t(true));
    assert_eq!(ev("missing in [1, 2]"), t(false));
    assert_eq!(ev("missing not in [1, 2]"), t(true));
    assert_eq!(ev("missing in [1, null]"), t(true));
    assert_eq!(ev("12 in [missing, score]"), t(true));
    assert_eq!(ev("1 in [missing..2]"), t(false));
    assert_eq!(ev("missing in nums"), t(false));
}

#[test]
fn conditionals() {
    assert_eq!(
        ev("if score >= 10 then 'high' else 'low'"),
        Value::text("high")
    );
    assert_eq!(
        ev("if score > 20 then 'a' else if score > 10 then 'b' else 'c'"),
        Value::text("b")
    );
    assert_eq!(ev("(if flagged then 1 else 2) * 10"), n("20"));
    assert_eq!(ev("if eligible then missing else 1"), Value::Null);
    assert_eq!(ev("if missing_flag then 1 else 2"), n("2"));
}

#[test]
fn literals() {
    assert_eq!(ev("'it\\'s'"), Value::text("it's"));
    assert_eq!(ev("\"say \\\"hi\\\"\""), Value::text("say \"hi\""));
    assert_eq!(ev("'a\\\\b'"), Value::text("a\\b"));
    assert_eq!(ev("\"it's\""), Value::text("it's"));
    assert_eq!(ev("'£ é'"), Value::text("£ é"));
    assert_eq!(ev("6000.00"), n("6000.00"));
    assert_eq!(ev("null"), Value::Null);
    assert_eq!(ev("[score, 1]"), Value::List(vec![n("12"), n("1")].into()));
    assert_eq!(ev("on"), Value::Date(d("2024-09-01")));
    assert_eq!(
        ev("0.0000000000000000000000000001 * 10"),
        n("0.000000000000000000000000001")
    );
}

#[test]
fn nulls() {
    assert_eq!(ev("missing == null"), t(true));
    assert_eq!(ev("missing != 1"), t(true));
    assert_eq!(ev("score == null"), t(false));
    assert_eq!(ev("missing"), Value::Null);
    let no = |name: &str| EvalError::NoValue { name: name.into() };
    assert_eq!(eval_err("missing + 1"), no("missing"));
    assert_eq!(eval_err("1 * missing"), no("missing"));
    // A test on a missing value does not hold, whatever the operator; arithmetic on one is
    // an error naming it.
    assert_eq!(ev("missing < 1"), t(false));
    assert_eq!(ev("missing >= 1"), t(false));
    assert_eq!(ev("not (missing >= 1)"), t(true));
    assert_eq!(ev("band < 'x' and missing > 1"), t(false));
    assert_eq!(ev("missing < score"), t(false));
    assert_eq!(ev("not missing_flag"), t(true));
    assert_eq!(ev("missing_flag == false"), t(false));
    assert_eq!(ev("needs.sensory >= 2"), t(false));
    assert_eq!(eval_err("-missing"), no("missing"));
    assert_eq!(eval_err("missing * 2 > 1"), no("missing"));
    assert_eq!(eval_err("min(missing, 1)"), no("missing"));
    assert_eq!(
        eval_err("coalesce(missing, missing) + 1"),
        no("coalesce(missing, missing)")
    );
    assert_eq!(eval_err("missing + 1").to_string(), "missing has no value");
}

#[test]
fn division_by_zero_and_overflow() {
    let e = eval_err("score / 0");
    assert_eq!(
        e,
        EvalError::DivisionByZero {
            expr: "score / 0".into()
        }
    );
    assert_eq!(e.to_string(), "division by zero in score / 0");
    assert_eq!(
        eval_err("1 / (score - 12)"),
        EvalError::DivisionByZero {
            expr: "1 / (score - 12)".into()
        }
    );
    // At the limit (the largest decimal) arithmetic still works; one past it is an error.
    assert_eq!(ev("big * 1"), Value::Number(Decimal::MAX));
    assert_eq!(
        eval_err("big + 1"),
        EvalError::Overflow {
            expr: "big + 1".into()
        }
    );
    assert_eq!(
        eval_err("big * 2"),
        EvalError::Overflow {
            expr: "big * 2".into()
        }
    );
    assert_eq!(
        eval_err("big + big").to_string(),
        "number too large in big + big"
    );
    assert_eq!(
        eval_err("-big - big"),
        EvalError::Overflow {
            expr: "-big - big".into()
        }
    );
    assert_eq!(
        eval_err("sum([big, big])"),
        EvalError::Overflow {
            expr: "sum([big, big])".into()
        }
    );
}

#[test]
fn names_source_and_folding() {
    let e = compile("if given(missing) then score else needs.semh + score + days_between(dob, on)");
    let names: Vec<&str> = e.names_read().iter().map(|n| &**n).collect();
    assert_eq!(names, ["missing", "score", "needs.semh", "dob"]);
    assert_eq!(compile("score").as_name(), Some("score"));
    assert_eq!(compile("needs.semh").as_name(), Some("needs.semh"));
    assert_eq!(compile("score + 1").as_name(), None);
    assert_eq!(compile("on").as_name(), None);
    assert_eq!(compile(" score + 1 ").source(), " score + 1 ");
    for src in [
        "1 + 2 * 3",
        "-5",
        "['a', 'b']",
        "date('2024-09-01')",
        "round(2.345, 2)",
        "1 in [1..3]",
    ] {
        assert!(folds(src), "{src} not folded");
    }
    // Reading the case's date, or failing, is left for each case.
    assert!(!folds("age_months(date('2020-01-01'))"));
    assert!(!folds("1 / 0"));
    assert!(!folds("score + 1"));
    // Folded parts of what is not constant.
    let e = compile("score * (2 + 3)");
    let folded = crate::fast::expr::folded(&e.inner.node, &Arc::from("score * (2 + 3)"));
    let node::NodeKind::Arith(_, rest) = &folded.kind else {
        panic!("{folded:?}")
    };
    assert!(
        matches!(&rest[0].1.kind, node::NodeKind::Const(Value::Number(n)) if *n == Decimal::from(5))
    );
}

/// True when compiling `src` folds it to a constant.
fn folds(src: &str) -> bool {
    let e = compile(src);
    matches!(
        crate::fast::expr::folded(&e.inner.node, &Arc::from(src)).kind,
        node::NodeKind::Const(_)
    )
}

#[test]
fn expr_is_send_sync_clone() {
    fn check<T: Send + Sync + Clone>() {}
    check::<Expr>();
    check::<Template>();
    let e = compile("score + 1");
    let copy = e.clone();
    assert_eq!(eval(&copy).unwrap(), n("13"));
}

#[test]
fn long_flat_chains_do_not_nest() {
    let src = vec!["1"; 2000].join("+");
    assert_eq!(ev(&src), n("2000"));
    let src = vec!["eligible"; 300].join(" and ");
    assert_eq!(ev(&src), t(true));
}

#[test]
fn the_numbers_a_name_is_compared_with_are_found_on_either_side() {
    let e = compile(
        "needs.semh >= 2 and 5 < score and needs.sensory in [1, 3] and amount in [0..6000.00] \
         and score * 2 > 7 and band == 'C'",
    );
    let found: Vec<(String, String)> = e
        .compared_constants()
        .into_iter()
        .map(|(name, d)| (name.to_string(), d.to_string()))
        .collect();
    let want = [
        ("needs.semh", "2"),
        ("score", "5"),
        ("needs.sensory", "1"),
        ("needs.sensory", "3"),
        ("amount", "0"),
        ("amount", "6000.00"),
    ];
    // `score * 2 > 7` compares a sum, not a name; `band == 'C'` a text.
    assert_eq!(
        found,
        want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
    );
}
