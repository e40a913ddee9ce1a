//! Template tests: rendering of every value kind and the money format, and template errors.
//! Uses the shared test case from `tests`.

use super::tests::case;
use super::*;

fn render(src: &str) -> String {
    let t = Template::compile(src, &case()).unwrap_or_else(|e| panic!("{src}: {e}"));
    let case = case();
    t.render_once(&case.slots(), case.on)
        .expect("the test case's values can be held")
        .unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn template_err(src: &str) -> String {
    match Template::compile(src, &case()) {
        Ok(_) => panic!("{src} compiled"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn templates_render() {
    assert_eq!(
        render("Score {score} is in band {band}; {count_at_least(2, needs.semh, needs.cognition_learning)} areas"),
        "Score 12 is in band B; 2 areas"
    );
    let cases = [
        ("{amount:money}", "4,000.00"),
        ("{ amount : money }", "4,000.00"),
        ("{125.5:money}", "125.50"),
        ("{-1234.56:money}", "-1,234.56"),
        ("{1234567.891:money}", "1,234,567.89"),
        ("{0.005:money}", "0.01"),
        ("{-0.001:money}", "0.00"),
        ("{999.995:money}", "1,000.00"),
        ("{score:money}", "12.00"),
        ("{big:money}", "79,228,162,514,264,337,593,543,950,335.00"),
        (
            "{big / 10:money}",
            "7,922,816,251,426,433,759,354,395,033.50",
        ),
        ("{missing:money}", "none"),
        ("{20.00}", "20"),
        ("{rate}", "0.5"),
        ("{amount / 32}", "125"),
        ("{eligible} {flagged}", "yes no"),
        ("{dob}", "2021-09-01"),
        ("{missing}", "none"),
        ("{tags}", "a, b"),
        ("{[1.50, 2]:money}", "1.50, 2.00"),
        ("{{literal}} and }}", "{literal} and }"),
        ("{'}'}{'a:b'}", "}a:b"),
        ("no holes", "no holes"),
        ("", ""),
        ("é {band}", "é B"),
    ];
    for (src, want) in cases {
        assert_eq!(render(src), want, "{src}");
    }
    let t = Template::compile("{score} {band} {score + needs.semh}", &case()).unwrap();
    let read = t.names_read();
    let names: Vec<&str> = read.iter().map(|n| &**n).collect();
    assert_eq!(names, ["score", "band", "needs.semh"]);
    let t = Template::compile("x {missing + 1}", &case()).unwrap();
    assert_eq!(
        t.render_once(&case().slots(), case().on).unwrap(),
        Err(EvalError::NoValue {
            name: "missing".into()
        })
    );
}

#[test]
fn template_errors() {
    let cases = [
        (
            "Hello {score",
            "at column 7: \"{\" is not closed (write \"{{\" for a literal brace)",
        ),
        (
            "a } b",
            "at column 3: unexpected \"}\" (write \"}}\" for a literal brace)",
        ),
        (
            "Band {scor}",
            "at column 7: unknown name \"scor\" (did you mean \"score\"?)",
        ),
        (
            "é {scor}",
            "at column 4: unknown name \"scor\" (did you mean \"score\"?)",
        ),
        (
            "x {1 +}",
            "at column 7: unexpected end of expression, expected a value",
        ),
        ("{}", "at column 2: the expression is empty"),
        (
            "{band:money}",
            "at column 2: \":money\" needs a number, but the value is text",
        ),
        (
            "{amount:mony}",
            "at column 9: unknown format \"mony\" (did you mean \"money\"?)",
        ),
        (
            "{amount:}",
            "at column 9: unknown format \"\" (the only format is \"money\")",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(template_err(src), want, "{src}");
    }
}
