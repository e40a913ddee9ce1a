//! Profile validation against Haringey's declared inputs: any text is a valid profile or a list
//! of field errors. A valid profile evaluates, and the compiled tier agrees with the interpreter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sendband::{Date, RuleSet};
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("the embedded rule set loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rules = rules();
    let Ok(facts) = rules.facts_from_json(text) else {
        return;
    };
    let on: Date = "2025-01-15".parse().expect("date");
    let full = rules.evaluate(&facts, on);
    let lean = rules.evaluate_lean(&facts, on);
    for (a, b) in full.results.iter().zip(&lean.results) {
        assert_eq!(a.status, b.status, "status of {} differs: {text}", a.family);
        assert_eq!(
            a.outputs, b.outputs,
            "outputs of {} differ: {text}",
            a.family
        );
        assert_eq!(a.flags, b.flags, "flags of {} differ: {text}", a.family);
    }
});
