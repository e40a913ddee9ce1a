//! The rule-set loader, from a folder's files: the input is the files' texts separated by NUL
//! bytes (manifest, inputs, three families, a test file), as `RuleSet::from_files` reads them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sendband::RuleSet;

const NAMES: [&str; 6] = [
    "ruleset.json",
    "inputs.json",
    "families/topup.json",
    "families/early_years.json",
    "families/ehcp_threshold.json",
    "tests/fuzz.json",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files: Vec<(&str, &str)> = NAMES.iter().copied().zip(text.split('\0')).collect();
    if let Ok(rules) = RuleSet::from_files("fuzz", &files) {
        let on = rules.manifest().effective_from;
        let _ = rules.evaluate_json(r#"{"case_id": "fuzz"}"#, on);
    }
});
