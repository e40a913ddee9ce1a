//! What would change the result: each suggestion, applied to the case, gives exactly the outputs
//! it states; no suggestion holds a smaller set of changes that gives the same result; and the
//! words a SENDCo reads name the answers and results by their labels.

mod common;

use common::{sendband, Run};
use sendband::what_if::{what_if, WhatIf};
use sendband::{Date, Facts, RuleSet};
use std::path::Path;

fn on(text: &str) -> Date {
    text.parse().expect("date")
}

/// The case with the suggestion's changes made, as a profile would give them.
fn applied(rules: &RuleSet, profile: &serde_json::Value, changes: &serde_json::Value) -> Facts {
    let mut p = profile.clone();
    for c in changes.as_array().expect("changes") {
        let name = c["input"].as_str().expect("input");
        // Dotted names are nested objects in a profile.
        let mut at = &mut p;
        let parts: Vec<&str> = name.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            at = at
                .as_object_mut()
                .expect("object")
                .entry(part.to_string())
                .or_insert_with(|| serde_json::json!({}));
        }
        at[parts[parts.len() - 1]] = c["to"].clone();
    }
    rules
        .facts_from_json(&p.to_string())
        .expect("a suggestion is a valid profile")
}

/// Every suggestion of `w` for the case `profile`: applied, it gives the stated status and
/// outputs; a pair's changes each alone give another result.
fn check(rules: &RuleSet, profile: &serde_json::Value, date: Date, w: &WhatIf) -> usize {
    let json = serde_json::to_value(w).expect("json");
    let base = rules.evaluate(
        &rules.facts_from_json(&profile.to_string()).expect("valid"),
        date,
    );
    let mut checked = 0;
    for (family, suggestions) in json.as_object().expect("families") {
        let before = base.family(family).expect("family");
        for s in suggestions.as_array().expect("list") {
            let d = rules.evaluate(&applied(rules, profile, &s["changes"]), date);
            let r = d.family(family).expect("family");
            let got = serde_json::to_value(r).expect("json");
            assert_eq!(got["status"], s["status"], "{family}: {s}");
            assert_eq!(got["outputs"], s["outputs"], "{family}: {s}");
            assert_ne!(
                (
                    serde_json::to_value(before).expect("json")["status"].clone(),
                    serde_json::to_value(before).expect("json")["outputs"].clone()
                ),
                (got["status"].clone(), got["outputs"].clone()),
                "{family}: a suggestion must change the result: {s}"
            );
            let changes = s["changes"].as_array().expect("changes");
            if changes.len() > 1 {
                for one in changes {
                    let alone = serde_json::json!([one]);
                    let d = rules.evaluate(&applied(rules, profile, &alone), date);
                    let alone =
                        serde_json::to_value(d.family(family).expect("family")).expect("json");
                    assert!(
                        alone["status"] != s["status"] || alone["outputs"] != s["outputs"],
                        "{family}: {one} alone gives what {s} gives"
                    );
                }
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_suggestion_gives_what_it_says_on_every_shipped_rule_set() {
    let mut total = 0;
    for folder in [
        "rules/haringey/2024-25",
        "rules/haringey/2025-26-draft",
        "rules/herefordshire/2021-04",
    ] {
        let rules = RuleSet::from_folder(Path::new(folder)).expect("loads");
        let tests: Vec<_> = std::fs::read_dir(Path::new(folder).join("tests"))
            .expect("tests")
            .flatten()
            .map(|e| e.path())
            .collect();
        let mut here = 0;
        for file in tests {
            let text = std::fs::read_to_string(&file).expect("read");
            let spec: serde_json::Value = serde_json::from_str(&text).expect("json");
            for t in spec["tests"].as_array().expect("tests") {
                let date = on(t["on"].as_str().expect("on"));
                let Ok(facts) = rules.facts_from_json(&t["profile"].to_string()) else {
                    continue;
                };
                let w = what_if(&rules, &facts, date);
                here += check(&rules, &t["profile"], date, &w);
            }
        }
        assert!(here >= 10, "{folder}: only {here} suggestions checked");
        total += here;
    }
    assert!(total >= 100, "{total}");
}

const BAND_B: &str = r#"{"case_id": "HG-B1", "date_of_birth": "2015-03-01",
  "setting": "mainstream_school", "needs": {"communication_interaction": 3, "semh": 2},
  "sen_support": {"apdr_cycles": 1, "specialist_advice": true, "notional_spend": "6200.00",
  "progress": "limited"}}"#;

#[test]
fn one_more_review_cycle_would_give_band_c() {
    let rules = RuleSet::from_folder(Path::new("rules/haringey/2024-25")).expect("loads");
    let date = on("2024-09-01");
    let facts = rules.facts_from_json(BAND_B).expect("valid");
    let w = serde_json::to_value(what_if(&rules, &facts, date)).expect("json");
    let topup = w["topup"].as_array().expect("topup");
    // The band now is B: one more cycle gives C, an issued plan gives D.
    assert!(
        topup.contains(&serde_json::json!({
            "changes": [{"input": "sen_support.apdr_cycles", "from": 1, "to": 2}],
            "status": "applied",
            "outputs": {"band": "C", "amount": "3000.00", "score": 19},
            "says": "Completed assess-plan-do-review cycles: 1 -> 2 gives Top-up band C, \
                     Top-up for the year £3,000.00"
        })),
        "{topup:#?}"
    );
    assert!(
        topup.contains(&serde_json::json!({
            "changes": [{"input": "ehcp", "from": "none", "to": "issued"}],
            "status": "applied",
            "outputs": {"band": "D", "amount": "4000.00", "score": 19},
            "says": "EHC plan: No plan and no request -> Plan issued gives Top-up band D, \
                     Top-up for the year £4,000.00"
        })),
        "{topup:#?}"
    );
    // Never a fact of the case or the panel's decision.
    for s in topup {
        for c in s["changes"].as_array().expect("changes") {
            let input = c["input"].as_str().unwrap_or("");
            assert!(
                ![
                    "setting",
                    "date_of_birth",
                    "override.band",
                    "override.reason"
                ]
                .contains(&input),
                "{s}"
            );
        }
    }
}

#[test]
fn explain_says_what_would_change_the_result_in_labels() {
    let Run { code, stdout, .. } = sendband(&["explain", "--on", "2024-09-01", "-"], BAND_B);
    assert_eq!(code, 0);
    let section = stdout
        .split("What would change the result")
        .nth(1)
        .expect("the section is there");
    assert!(
        section.contains(
            "\n  Element 3 top-up band:\n  - Completed assess-plan-do-review cycles: 1 -> 2 gives \
             Top-up band C, Top-up for the year £3,000.00\n"
        ),
        "{section}"
    );
    assert!(
        section.contains(
            "  - EHC plan: No plan and no request -> Plan issued gives Top-up band D, Top-up for \
             the year £4,000.00\n"
        ),
        "{section}"
    );
    assert!(
        !section.contains("apdr_cycles") && !section.contains("topup"),
        "{section}"
    );
    // Asked --no-what-if, explain says only the decision.
    let Run { stdout, .. } = sendband(
        &["explain", "--on", "2024-09-01", "--no-what-if", "-"],
        BAND_B,
    );
    assert!(stdout.contains("Top-up band: B"), "{stdout}");
    assert!(!stdout.contains("What would change the result"), "{stdout}");
}

#[test]
fn evaluate_what_if_adds_the_suggestions_to_the_decision() {
    let Run { code, stdout, .. } = sendband(
        &["evaluate", "--on", "2024-09-01", "--what-if", "-"],
        BAND_B,
    );
    assert_eq!(code, 0);
    let d: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(d["results"]["topup"]["outputs"]["band"], "B");
    let first = &d["what_if"]["topup"][0];
    assert_eq!(first["changes"][0]["input"], "sen_support.apdr_cycles");
    assert_eq!(first["outputs"]["band"], "C");
    // Without the flag the decision is as it always was.
    let Run { stdout, .. } = sendband(&["evaluate", "--on", "2024-09-01", "-"], BAND_B);
    let d: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert!(d.get("what_if").is_none());
}

#[test]
fn inputs_kept_out_are_varied_only_when_asked_and_with_what_they_require() {
    let section = |args: &[&str], profile: &str| {
        let mut all = vec!["explain", "--on", "2024-09-01"];
        all.extend_from_slice(args);
        all.push("-");
        let Run { code, stdout, .. } = sendband(&all, profile);
        assert_eq!(code, 0, "{stdout}");
        stdout
            .split_once("What would change the result")
            .map(|(_, s)| s.to_string())
            .expect("the section is there")
    };
    // The setting is a fact of the case: left alone unless asked.
    assert!(!section(&[], BAND_B).contains("Setting:"));
    let asked = section(&["--what-if-also", "setting"], BAND_B);
    assert!(
        asked
            .contains("  - Setting: Mainstream school -> Resourced provision gives not eligible\n"),
        "{asked}"
    );
    // A panel override requires its reason, which what-if never writes: without one in the
    // case, no override is suggested even when asked; with one, it is.
    let asked = section(&["--what-if-also", "override.band"], BAND_B);
    assert!(!asked.contains("Panel override"), "{asked}");
    let with_reason = BAND_B.replacen(
        r#""case_id": "HG-B1","#,
        r#""case_id": "HG-B1", "override": {"reason": "Panel of 1 September 2024"},"#,
        1,
    );
    let asked = section(&["--what-if-also", "override.band"], &with_reason);
    assert!(
        asked.contains(
            "  - Panel override of the top-up band: not answered -> Band D gives Top-up band D, \
             Top-up for the year £4,000.00\n"
        ),
        "{asked}"
    );
    // A name that is no input is bad usage, with the nearest name.
    let Run { code, stderr, .. } = sendband(
        &[
            "explain",
            "--on",
            "2024-09-01",
            "--what-if-also",
            "seting",
            "-",
        ],
        BAND_B,
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim_end(),
        "sendband: --what-if-also: the rule set has no input \"seting\" (did you mean \"setting\"?)"
    );
}
