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

/// `sendband lint --format json`: the exit code, each finding's check, and the whole report.
fn as_json(rules: &str) -> (i32, Vec<String>, serde_json::Value) {
    let Run { code, stdout, .. } = sendband(&["lint", rules, "--format", "json"], "");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let checks = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["check"].as_str().expect("check").to_string())
        .collect();
    (code, checks, json)
}

#[test]
fn the_shipped_rule_sets_are_clean() {
    for rules in [
        "rules/haringey/2025-26-draft",
        "rules/herefordshire/2021-04",
    ] {
        let Run { code, stdout, .. } = sendband(&["lint", rules], "");
        assert_eq!(code, 0, "{rules}: {stdout}");
        assert!(
            stdout.contains(": 0 errors, 0 warnings (") && stdout.lines().count() == 1,
            "{rules}: {stdout}"
        );
    }
    // An authority folder: each version, and the versions do not overlap (the draft is never
    // in force by date).
    let Run { code, stdout, .. } = sendband(&["lint", "rules/haringey"], "");
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("rules/haringey: 0 errors, 0 warnings\n"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches(": 0 errors, 0 warnings").count(),
        5,
        "{stdout}"
    );
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
         haringey-illustrative 2024-25: 0 errors, 3 warnings (1600000 cases explored)\n"
    );
    let (code, checks, json) = as_json(&rules);
    assert_eq!(code, 0);
    assert_eq!(checks, ["unused-input", "unused-step", "missing-text"]);
    assert_eq!(json["findings"][0]["severity"], "warning");
}

/// Replace `from` by `to` in `text`, which must hold it.
fn edit(text: String, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the fixture no longer holds {from:?}");
    text.replacen(from, to, 1)
}

/// Haringey 2024-25 with a missing cell (band D in a special school) and a need level whose
/// weight goes down (social, emotional and mental health at level 4 weighs less than at 3).
fn cell_and_weight(name: &str, text: String) -> String {
    match name {
        "families/topup.json" => edit(
            edit(
                text,
                r#""D": {"mainstream_school": "4000.00", "resourced_provision": "8000.00", "special_school": "9000.00"}"#,
                r#""D": {"mainstream_school": "4000.00", "resourced_provision": "8000.00"}"#,
            ),
            r#"{"input": "needs.semh", "levels": {"0": 0, "1": 2, "2": 7, "3": 13, "4": 22}}"#,
            r#"{"input": "needs.semh", "levels": {"0": 0, "1": 2, "2": 7, "3": 13, "4": 5}}"#,
        ),
        _ => text,
    }
}

/// Every planted mistake of the acceptance test, on top of `cell_and_weight`: a gap and an
/// overlap in the score bands, a table row that can never decide, and a UNIQUE table whose
/// rows overlap.
fn every_mistake(name: &str, text: String) -> String {
    let text = cell_and_weight(name, text);
    match name {
        "families/topup.json" => {
            let text = edit(
                text,
                r#"{"label": "D", "min": 18, "max": 27}"#,
                r#"{"label": "D", "min": 19, "max": 27}"#,
            );
            let text = edit(
                text,
                r#"{"label": "E", "min": 28, "max": 39}"#,
                r#"{"label": "E", "min": 28, "max": 41}"#,
            );
            let row = r#""reason": "With an issued EHCP the band is the higher of D and the score band: {score_band}."
          },"#;
            edit(
                text,
                row,
                &format!(
                    "{row}\n          {{\"when\": \"ehcp == 'issued' and score_band == 'H'\", \"then\": {{\"band\": \"'H'\"}}}},"
                ),
            )
        }
        "families/early_years.json" => edit(
            text,
            r#""hit_policy": "FIRST""#,
            r#""hit_policy": "UNIQUE""#,
        ),
        _ => text,
    }
}

#[test]
fn every_planted_mistake_is_an_error_in_the_rule_sets_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = planted(dir.path(), every_mistake);
    let Run { code, stdout, .. } = sendband(&["lint", &rules], "");
    assert_eq!(code, 1, "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let starts = [
        "error[range-gap] families/topup.json: step \"score_band\": there is a gap between ranges \
         \"C\" (12-17) and \"D\" (19-27): score 18 falls in no range: a case there ends in an error",
        "error[range-overlap] families/topup.json: step \"score_band\": ranges \"E\" (28-41) and \
         \"F\" (40-53) overlap: score 40 is in both: the range listed first wins, which may not be \
         what was meant",
        "error[row-never-fires] families/topup.json: step \"band\", row 4: row 4 of the table \
         \"band\" can never decide: in ",
        "error[missing-cell] families/topup.json: step \"annual_value\": the lookup \
         \"annual_value\" has no value for band \"D\" and setting \"special_school\", which ",
        "error[monotonicity] families/topup.json: output \"band\": raising needs.semh from 3 to 4 \
         lowers band from \"B\" to \"A\", all else equal: the case {\"needs.semh\": 3, \
         \"setting\": \"mainstream_school\"} gives \"B\", and the same case with needs.semh 4 \
         gives \"A\" (",
        "error[monotonicity] families/topup.json: output \"amount\": raising needs.semh from 3 to \
         4 lowers amount from ",
    ];
    for (line, start) in lines.iter().zip(starts) {
        assert!(line.starts_with(start), "\n{line}\nshould start\n{start}");
    }
    assert!(lines[2].ends_with("whenever its condition holds, rows 1 or 3 have already matched"));
    assert!(lines[3].contains("such as {\"setting\": \"special_school\", \"ehcp\": \"issued\"}"));
    // Every pair of the four early years rows overlaps once the table is UNIQUE.
    let overlaps: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("error[rows-overlap] families/early_years.json: step \"band\""))
        .map(|l| l.split(": ").nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        overlaps,
        [
            "step \"band\", rows 1 and 2",
            "step \"band\", rows 1 and 3",
            "step \"band\", rows 1 and 4",
            "step \"band\", rows 2 and 3",
            "step \"band\", rows 2 and 4",
            "step \"band\", rows 3 and 4"
        ]
    );
    assert_eq!(lines.len(), 13, "{stdout}");
    assert!(lines[12].starts_with("haringey-illustrative 2024-25: 12 errors, 0 warnings ("));

    let (code, checks, json) = as_json(&rules);
    assert_eq!(code, 1);
    assert_eq!(
        checks[..6],
        [
            "range-gap",
            "range-overlap",
            "row-never-fires",
            "missing-cell",
            "monotonicity",
            "monotonicity"
        ]
    );
    assert_eq!(json["findings"][0]["severity"], "error");
}

/// The pairs lint reports are real: evaluated, they give what lint says.
#[test]
fn the_reported_cases_give_what_lint_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = planted(dir.path(), cell_and_weight);
    let Run { code, stdout, .. } = sendband(&["lint", &rules], "");
    assert_eq!(code, 1, "{stdout}");
    let case_in = |line: &str, after: &str| -> serde_json::Value {
        let start = line.find(after).expect("case") + after.len();
        let text = &line[start..];
        let end = text.find('}').expect("end of case") + 1;
        let mut case: serde_json::Value = serde_json::from_str(&text[..end]).expect("case JSON");
        case["case_id"] = "lint-pair".into();
        case["date_of_birth"] = "2016-09-01".into();
        case
    };
    let topup = |case: &serde_json::Value| -> serde_json::Value {
        let Run {
            code,
            stdout,
            stderr,
        } = sendband(
            &["evaluate", "--rules", &rules, "--on", "2024-09-01", "-"],
            &case.to_string(),
        );
        assert!(code == 0 || code == 1, "{stderr}");
        let d: serde_json::Value = serde_json::from_str(&stdout).expect("decision");
        d["results"]["topup"].clone()
    };
    let missing = stdout
        .lines()
        .find(|l| l.starts_with("error[missing-cell]"))
        .expect("missing cell");
    let case = case_in(missing, "such as ");
    let result = topup(&case);
    assert_eq!(result["status"], "error");
    let reasons = result["reasons"].as_array().expect("reasons");
    assert!(
        reasons.contains(
            &"there is no value for band D and setting special_school (step annual_value)".into()
        ),
        "{reasons:?}"
    );
    for line in stdout
        .lines()
        .filter(|l| l.starts_with("error[monotonicity]"))
    {
        let low = case_in(line, "the case ");
        let mut high = low.clone();
        high["needs.semh"] = 4.into();
        let (a, b) = (topup(&low), topup(&high));
        let output = if line.contains("output \"band\"") {
            "band"
        } else {
            "amount"
        };
        // "... lowers band from "B" to "A", ...": the two values, as lint says them.
        let what = format!("lowers {output} from ");
        let at = line.find(&what).expect("lowers") + what.len();
        let said: Vec<&str> = line[at..]
            .splitn(4, [' ', ','])
            .map(|w| w.trim_matches('"'))
            .collect();
        assert_eq!(said[1], "to", "{line}");
        assert_eq!(a["outputs"][output], said[0], "{line}");
        assert_eq!(b["outputs"][output], said[2], "{line}");
    }
}

#[test]
fn overlapping_versions_of_an_authority_are_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let authority = dir.path().join("haringey");
    common::haringey_copy(&authority, |_, t| t);
    let revised = common::haringey_copy(&dir.path().join("other"), |name, t| match name {
        "ruleset.json" => edit(
            edit(
                t,
                r#""version": "2024-25""#,
                r#""version": "2024-25-revised""#,
            ),
            r#""effective_from": "2024-09-01""#,
            r#""effective_from": "2025-04-01""#,
        ),
        _ => t,
    });
    std::fs::rename(&revised, authority.join("2024-25-revised")).expect("move");
    // Few cases: this test is about the versions, not what their cases reach.
    let folder = authority.to_str().expect("path");
    let Run { code, stdout, .. } = sendband(&["lint", folder, "--cases", "2000"], "");
    assert_eq!(code, 1, "{stdout}");
    let first = stdout.lines().next().unwrap_or("");
    assert!(
        first.ends_with(
            "versions 2024-25 (from 2024-09-01 to 2025-08-31) and 2024-25-revised (from \
             2025-04-01 to 2025-08-31) are both in force on 2025-04-01; end one before the other starts: on \
             those days sendband cannot tell which version to use"
        ),
        "{stdout}"
    );
    assert!(first.starts_with("error[versions-overlap] "), "{first}");
}
