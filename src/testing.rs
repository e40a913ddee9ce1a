//! Rule-set tests: each test file inside a rule set gives a profile, a date and the expected
//! result per family (or the exact profile errors); this runs them and reports what differs.

use crate::format::TestSpec;
use crate::RuleSet;

/// One test that did not give what it expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub name: String,
    /// Where the test is written, e.g. `rules/x/tests/bands.json: $.tests[3]`.
    pub at: String,
    /// Each difference, as `what: expected X, got Y`.
    pub problems: Vec<String>,
}

/// The outcome of running a rule set's tests.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub passed: usize,
    pub failures: Vec<Failure>,
}

/// Run every test of a rule set.
pub fn run(rules: &RuleSet) -> Report {
    let mut report = Report::default();
    for (test, at) in rules.tests() {
        let problems = check(rules, test);
        if problems.is_empty() {
            report.passed += 1;
        } else {
            report.failures.push(Failure {
                name: test.name.clone(),
                at: format!("{}: {}", at.file, at.json_path),
                problems,
            });
        }
    }
    report
}

fn check(rules: &RuleSet, test: &TestSpec) -> Vec<String> {
    let mut problems = Vec::new();
    let result = rules.evaluate_json(test.profile.get(), test.on);
    let decision = match (result, &test.expect_invalid) {
        (Err(errors), Some(expected)) => {
            let got: Vec<String> = errors
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            if &got != expected {
                problems.push(format!(
                    "profile errors: expected {expected:?}, got {got:?}"
                ));
            }
            return problems;
        }
        (Ok(_), Some(expected)) => {
            problems.push(format!(
                "profile errors: expected {expected:?}, but the profile was accepted"
            ));
            return problems;
        }
        (Err(errors), None) => {
            problems.push(format!("the profile was refused: {errors}"));
            return problems;
        }
        (Ok(d), None) => d,
    };
    for (family, expect) in &test.expect {
        let Some(result) = decision.family(family) else {
            problems.push(format!("{family}: no such family"));
            continue;
        };
        if let Some(status) = expect.status {
            if status != result.status {
                problems.push(format!(
                    "{family}.status: expected {}, got {} ({})",
                    status.as_str(),
                    result.status.as_str(),
                    result.reasons.join("; ")
                ));
            }
        }
        for (name, want) in &expect.outputs {
            match result.output(name) {
                None => problems.push(format!("{family}.{name}: no such output")),
                Some(o) => {
                    let got = o.to_json();
                    if &got != want {
                        problems.push(format!("{family}.{name}: expected {want}, got {got}"));
                    }
                }
            }
        }
        if let Some(flags) = &expect.flags {
            if flags != &result.flags {
                problems.push(format!(
                    "{family}.flags: expected {flags:?}, got {:?}",
                    result.flags
                ));
            }
        }
        for text in &expect.reasons_include {
            if !result.reasons.iter().any(|r| r.contains(text.as_str())) {
                problems.push(format!(
                    "{family}.reasons: expected one to include {text:?}, got {:?}",
                    result.reasons
                ));
            }
        }
    }
    problems
}
