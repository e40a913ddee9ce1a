//! The rule-set loader, from one bundle: any text loads or is refused with an error naming the
//! place; a rule set that loads evaluates a profile without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sendband::RuleSet;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rules) = RuleSet::from_bundle("fuzz.json", text) {
        let on = rules.manifest().effective_from;
        let _ = rules.evaluate_json(r#"{"case_id": "fuzz"}"#, on);
    }
});
