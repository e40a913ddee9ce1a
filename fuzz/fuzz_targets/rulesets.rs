//! Generated rule sets (`tests/generated`), their shape and profiles chosen by the fuzzer's
//! bytes: every profile must be decided alike in full (as `explain` and the form get it) and as
//! a batch row. A rule set the generator gets wrong and that does not load is skipped.
#![no_main]

#[path = "../../tests/generated/mod.rs"]
mod generated;

use generated::{Bytes, Pick};
use libfuzzer_sys::fuzz_target;
use sendband::{Date, RuleSet};

fuzz_target!(|data: &[u8]| {
    let mut pick = Bytes(data);
    let files = generated::rule_set(&mut pick);
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let Ok(rules) = RuleSet::from_files("generated", &files) else {
        return;
    };
    let on: Date = "2024-09-01".parse().expect("date");
    let count = 1 + pick.below(8);
    let profiles: Vec<String> = (0..count).map(|n| generated::profile(&mut pick, n)).collect();
    let found = generated::compare::disagreements(&rules, &profiles, on);
    assert!(found.is_empty(), "{}", found.join("\n"));
});
