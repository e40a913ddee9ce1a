//! `sendband lint`: the shipped rule sets are clean, and planted mistakes are each reported in
//! the rule set's own words, as text and as JSON.

mod common;

use common::{sendband, Run};
use std::path::Path;

/// A copy of Haringey 2024-25 with mistakes planted by `edit(file name, text)`.
fn planted(dir: &Path, edit: impl Fn(&str, String) -> String) -> String {
    let to = common::haringey_copy(dir, edit);
    to.to_str().expect("path").to_string()
}

#[test]
fn the_shipped_rule_sets_are_clean() {
    for rules in [
        "rules/haringey/2024-25",
        "rules/haringey/2025-26-draft",
        "rules/herefordshire/2021-04",
    ] {
        let Run { code, stdout, .. } = sendband(&["lint", rules], "");
        assert_eq!(code, 0, "{rules}: {stdout}");
        assert!(
            stdout.ends_with(": 0 errors, 0 warnings\n"),
            "{rules}: {stdout}"
        );
    }
}

#[test]
fn planted_mistakes_are_each_reported_in_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = planted(dir.path(), |name, text| {
        match name {
        "inputs.json" => text
            .replacen(
                "[\n",
                "[\n  {\"name\": \"attendance.sessions_missed\", \"type\": \"integer\", \"label\": \"Sessions missed\", \"min\": 0, \"default\": 0},\n",
                1,
            )
            .replacen(
                "\"Frequent difficulties that disrupt learning or friendships; needs a daily plan, a key adult and support from outside the school.\"",
                "\"\"",
                1,
            ),
        "families/topup.json" => text.replacen(
            "{\"name\": \"apdr_evidence\"",
            "{\"name\": \"double_score\", \"let\": \"score * 2\"},\n    {\"name\": \"apdr_evidence\"",
            1,
        ),
        _ => text,
    }
    });
    let Run { code, stdout, .. } = sendband(&["lint", &rules], "");
    // Only warnings: lint exits 0.
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout,
        "warning[unused-input] inputs.json: attendance.sessions_missed: the input \
         \"attendance.sessions_missed\" is asked for, but no family uses it: remove it, or use it \
         in a rule\n\
         warning[unused-step] families/topup.json: step \"double_score\": the step \"double_score\" \
         is worked out, but nothing in \"topup\" uses it: no later step, output, flag or reason \
         reads it\n\
         warning[missing-text] inputs.json: needs.semh: level 2 of \"needs.semh\" has no \
         descriptor text: a SENDCo cannot tell what it means\n\
         haringey-illustrative 2024-25: 0 errors, 3 warnings\n"
    );
    let Run { code, stdout, .. } = sendband(&["lint", &rules, "--format", "json"], "");
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let checks: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["check"].as_str().expect("check"))
        .collect();
    assert_eq!(checks, ["unused-input", "unused-step", "missing-text"]);
    assert_eq!(json["findings"][0]["severity"], "warning");
}
