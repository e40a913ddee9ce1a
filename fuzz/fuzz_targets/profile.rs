//! Profile validation against Haringey's declared inputs: any text is a valid profile or a list
//! of field errors. A valid profile evaluates, and the compiled tier agrees with the interpreter.
//! sendband's own JSON reader refuses a text as not JSON exactly when serde_json does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sendband::{Date, RuleSet};
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::embedded(Date::new(2025, 1, 15).expect("date"))
            .expect("the embedded rule set loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rules = rules();
    let read = rules.facts_from_json(text);
    let problem = read
        .as_ref()
        .err()
        .and_then(|e| e.errors.first())
        .filter(|e| e.field == "(profile)")
        .map(|e| e.message.as_str());
    let not_json = problem.is_some_and(|m| m.starts_with("not valid JSON"));
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => {
            assert!(!not_json, "JSON, refused: {text}: {problem:?}")
        }
        Ok(_) => assert_eq!(problem, Some("expected a JSON object"), "{text}"),
        // Limits of serde_json's Value, not of JSON: sendband reads these.
        Err(e) if e.to_string().starts_with("number out of range") => {}
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {}
        Err(e) => assert!(not_json, "not JSON ({e}), read: {text}: {read:?}"),
    }
    let Ok(facts) = read else {
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
