//! The expression language: any text either compiles (then evaluates to a value or an error)
//! or is refused with an error; never a panic, never a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sendband::expr::{Expr, Scope, Slot, Template, Type, Value};
use sendband::Date;

/// The names an expression may use, with a value each (one of each kind, and one missing).
struct Case {
    vars: Vec<(&'static str, Type, Value)>,
    on: Date,
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

fn case() -> Case {
    let date = |s: &str| s.parse::<Date>().expect("date");
    let n = |s: &str| Value::Number(s.parse().expect("number"));
    Case {
        vars: vec![
            ("needs.semh", Type::Integer, n("3")),
            ("score", Type::Integer, n("12")),
            ("amount", Type::Number, n("6000.00")),
            ("rate", Type::Number, n("0.5")),
            ("band", Type::Text, Value::text("C")),
            ("dob", Type::Date, Value::Date(date("2019-05-01"))),
            ("eligible", Type::Bool, Value::Bool(true)),
            ("missing", Type::Number, Value::Null),
            ("big", Type::Number, n("79228162514264337593543950335")),
        ],
        on: date("2025-01-15"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let case = case();
    let slots: Vec<Value> = case.vars.iter().map(|(_, _, v)| v.clone()).collect();
    if let Ok(e) = Expr::compile(text, &case) {
        let _ = e.eval_once(&slots, case.on);
    }
    if let Ok(t) = Template::compile(text, &case) {
        let _ = t.render_once(&slots, case.on);
    }
});
