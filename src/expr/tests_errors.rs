//! Load-error tests: every parse, name, type, function and limit message, exactly.
//! Uses the shared test case from `tests`.

use super::tests::case;
use super::*;

fn err(src: &str) -> String {
    match Expr::compile(src, &case()) {
        Ok(_) => panic!("{src} compiled"),
        Err(e) => e.to_string(),
    }
}

fn check_all(cases: &[(&str, &str)]) {
    for (src, want) in cases {
        assert_eq!(err(src), *want, "for {src}");
    }
}

#[test]
fn parse_errors() {
    check_all(&[
        ("", "at column 1: the expression is empty"),
        ("   ", "at column 1: the expression is empty"),
        ("1 +", "at column 4: unexpected end of expression, expected a value"),
        ("(1 + 2", "at column 7: expected \")\" to close \"(\" at column 1"),
        ("1 + (2 * 3 4", "at column 12: expected \")\" to close \"(\" at column 5"),
        ("min(1, 2", "at column 9: expected \")\" to close \"(\" at column 4"),
        ("[1, 2", "at column 6: expected \"]\" to close \"[\" at column 1"),
        ("1 + 2]", "at column 6: unexpected \"]\""),
        ("1 + ]", "at column 5: unexpected \"]\", expected a value"),
        ("score score", "at column 7: unexpected \"score\""),
        ("then", "at column 1: unexpected \"then\", expected a value"),
        (
            "score < 5 < 6",
            "at column 11: \"<\" cannot follow another comparison (comparisons do not chain; join them with \"and\")",
        ),
        ("score == 1 in [1]", "at column 12: \"in\" cannot follow another comparison (comparisons do not chain; join them with \"and\")"),
        ("score = 1", "at column 7: unexpected \"=\" (use \"==\" to compare)"),
        ("!eligible", "at column 1: unexpected \"!\" (use \"not\" or \"!=\")"),
        ("eligible && flagged", "at column 10: unexpected \"&\" (use \"and\")"),
        ("1 # 2", "at column 3: unexpected \"#\""),
        ("'abc", "at column 1: text is not closed, expected a closing '"),
        ("\"abc'", "at column 1: text is not closed, expected a closing \""),
        ("'a\\n'", "at column 3: unknown escape \"\\n\" in text (the escapes are \\\\, \\' and \\\")"),
        ("needs.", "at column 6: expected a name after \"needs.\""),
        ("needs.1", "at column 6: expected a name after \"needs.\""),
        ("1.", "at column 2: unexpected \".\""),
        ("if score > 1 then 2", "at column 20: expected \"else\" after the \"then\" value, found the end"),
        ("if score 1 else 2", "at column 10: expected \"then\" after the \"if\" condition, found \"1\""),
        (
            "1 + if eligible then 1 else 2",
            "at column 5: unexpected \"if\", expected a value (put the \"if\" expression in parentheses)",
        ),
        ("[1..5]", "at column 3: a range can only follow \"in\" or \"not in\" (write it as: x in [1..5])"),
        ("score in [1..5", "at column 15: expected \"]\" to close \"[\" at column 10"),
        (
            "99999999999999999999999999999999",
            "at column 1: the number 99999999999999999999999999999999 is too large or too precise",
        ),
        ("'é' + zz", "at column 7: unknown name \"zz\""),
    ]);
}

#[test]
fn name_and_function_errors() {
    check_all(&[
        (
            "needs.smeh",
            "at column 1: unknown name \"needs.smeh\" (did you mean \"needs.semh\"?)",
        ),
        (
            "1 + scor",
            "at column 5: unknown name \"scor\" (did you mean \"score\"?)",
        ),
        ("1 + zzzzzz", "at column 5: unknown name \"zzzzzz\""),
        (
            "mni(1)",
            "at column 1: unknown function \"mni\" (did you mean \"min\"?)",
        ),
        (
            "count_atleast(1, 2)",
            "at column 1: unknown function \"count_atleast\" (did you mean \"count_at_least\"?)",
        ),
        (
            "frobnicate(1)",
            "at column 1: unknown function \"frobnicate\"",
        ),
        (
            "given(scor)",
            "at column 7: unknown name \"scor\" (did you mean \"score\"?)",
        ),
    ]);
}

#[test]
fn type_errors() {
    check_all(&[
        ("1 + 'a'", "at column 5: \"+\" needs numbers, but the right side is text"),
        ("band * 2", "at column 1: \"*\" needs numbers, but the left side is text"),
        ("1 - 2 / eligible", "at column 9: \"/\" needs numbers, but the right side is boolean"),
        ("1 + null", "at column 5: \"+\" needs numbers, but the right side is null"),
        ("-band", "at column 2: \"-\" needs a number, but the value is text"),
        ("not score", "at column 5: \"not\" needs true or false, but the value is whole number"),
        ("eligible and 1", "at column 14: \"and\" needs true or false, but the right side is whole number"),
        ("rate or eligible", "at column 1: \"or\" needs true or false, but the left side is number"),
        (
            "score == 'a'",
            "at column 7: \"==\" needs two values of the same kind, but the left side is whole number and the right side is text",
        ),
        (
            "band != dob",
            "at column 6: \"!=\" needs two values of the same kind, but the left side is text and the right side is date",
        ),
        (
            "band < 1",
            "at column 6: \"<\" needs two numbers, two texts or two dates, but the left side is text and the right side is whole number",
        ),
        (
            "eligible >= true",
            "at column 10: \">=\" needs two numbers, two texts or two dates, but the left side is boolean and the right side is boolean",
        ),
        ("score in band", "at column 10: \"in\" needs a list or a range on the right, but the right side is text"),
        (
            "band in [1, 2]",
            "at column 6: \"in\" needs the left side to be the same kind as the list items, but the left side is text and the right side is list of whole number",
        ),
        (
            "band not in [1..2]",
            "at column 6: \"not in\" needs the left side to be the same kind as the range, but the left side is text and the range is of whole number",
        ),
        ("score in [1..'a']", "at column 10: a range needs two numbers, two texts or two dates, but it goes from whole number to text"),
        ("score in [true..false]", "at column 10: a range needs two numbers, two texts or two dates, but it goes from boolean to boolean"),
        ("[1, 'a']", "at column 5: list items must all be the same kind, but item 2 is text and the items before it are whole number"),
        ("if score then 1 else 2", "at column 4: \"if\" needs a true or false condition, but the condition is whole number"),
        (
            "if eligible then 1 else 'a'",
            "at column 25: the \"then\" and \"else\" values must be the same kind, but \"then\" gives whole number and \"else\" gives text",
        ),
    ]);
}

#[test]
fn function_errors() {
    check_all(&[
        ("abs(1, 2)", "at column 1: \"abs\" takes 1 argument, but 2 were given"),
        ("round(1)", "at column 1: \"round\" takes 2 or 3 arguments, but 1 was given"),
        ("min()", "at column 1: \"min\" takes at least 1 argument, but 0 were given"),
        ("count_at_least(1)", "at column 1: \"count_at_least\" takes at least 2 arguments, but 1 was given"),
        ("days_between(dob)", "at column 1: \"days_between\" takes 2 arguments, but 1 was given"),
        ("abs('a')", "at column 5: \"abs\" needs a number, but argument 1 is text"),
        ("min(1, 'a')", "at column 8: \"min\" needs all numbers, all texts or all dates, but argument 2 is text"),
        ("max(eligible)", "at column 5: \"max\" needs all numbers, all texts or all dates, but argument 1 is boolean"),
        ("count_at_least(2, band)", "at column 19: \"count_at_least\" needs numbers, but argument 2 is text"),
        ("count_true(score)", "at column 12: \"count_true\" needs true or false values, but argument 1 is whole number"),
        ("age_months(1)", "at column 12: \"age_months\" needs dates, but argument 1 is whole number"),
        ("len(1)", "at column 5: \"len\" needs a list or a text, but argument 1 is whole number"),
        ("sum(tags)", "at column 5: \"sum\" needs a list of numbers, but argument 1 is list of text"),
        (
            "coalesce(1, 'a')",
            "at column 13: \"coalesce\" needs values of one kind, but argument 2 is text and the ones before it are whole number",
        ),
        ("round(rate, 11)", "at column 13: the second argument of \"round\" must be a whole number of decimal places from 0 to 10"),
        ("round(rate, score)", "at column 13: the second argument of \"round\" must be a whole number of decimal places from 0 to 10"),
        ("round(rate, 1.0)", "at column 13: the second argument of \"round\" must be a whole number of decimal places from 0 to 10"),
        ("round(rate, 1, 'half_evn')", "at column 16: unknown rounding mode \"half_evn\" (did you mean \"half_even\"?)"),
        (
            "round(rate, 1, 'banana')",
            "at column 16: unknown rounding mode \"banana\" (the modes are half_away_from_zero, half_even, half_toward_zero, up, down, floor, ceiling)",
        ),
        ("round(rate, 1, band)", "at column 16: the third argument of \"round\" must be a rounding mode in quotes, such as 'half_even'"),
        ("round('a', 1)", "at column 7: \"round\" needs a number, but argument 1 is text"),
        (
            "date('2024-13-01')",
            "at column 6: \"2024-13-01\" is not a date: no such day (expected YYYY-MM-DD, e.g. 2024-09-01)",
        ),
        ("date(band)", "at column 6: \"date\" needs a date in quotes, such as date('2024-09-01')"),
        ("given(score + 1)", "at column 7: \"given\" needs a name, such as given(needs.semh)"),
    ]);
}

#[test]
fn length_limit() {
    let at_limit = format!("{}1", " ".repeat(MAX_LEN - 1));
    assert!(Expr::compile(&at_limit, &case()).is_ok());
    let past = format!("{}1", " ".repeat(MAX_LEN));
    assert_eq!(
        err(&past),
        "at column 4097: expression is longer than 4096 characters"
    );
    let e = Expr::compile(&past, &case()).unwrap_err();
    assert_eq!(e.offset, MAX_LEN);
    // Characters, not bytes: 4096 two-byte characters are accepted.
    let wide = format!("'{}'", "é".repeat(MAX_LEN - 2));
    assert!(Expr::compile(&wide, &case()).is_ok());
}

#[test]
fn depth_limit() {
    let nest =
        |open: &str, close: &str, k: usize| format!("{}1{}", open.repeat(k), close.repeat(k));
    for (open, close) in [("(", ")"), ("abs(", ")"), ("-", ""), ("[", "]")] {
        assert!(
            Expr::compile(&nest(open, close, MAX_DEPTH), &case()).is_ok(),
            "{open}"
        );
        let col = open.len() * MAX_DEPTH + 1;
        assert_eq!(
            err(&nest(open, close, MAX_DEPTH + 1)),
            format!("at column {col}: expression is nested more than 32 deep"),
            "{open}"
        );
    }
    let nots = |k: usize| format!("{}eligible", "not ".repeat(k));
    assert!(Expr::compile(&nots(MAX_DEPTH), &case()).is_ok());
    assert_eq!(
        err(&nots(MAX_DEPTH + 1)),
        "at column 129: expression is nested more than 32 deep"
    );
    let ifs = |k: usize| format!("{}0", "if eligible then 1 else ".repeat(k));
    assert!(Expr::compile(&ifs(MAX_DEPTH), &case()).is_ok());
    assert_eq!(
        err(&ifs(MAX_DEPTH + 1)),
        "at column 769: expression is nested more than 32 deep"
    );
}
