//! Every published Herefordshire High Needs Matrix figure, reproduced to the penny through the
//! `sendband evaluate` command, with every group boundary (9/10, 14/15 ... 109/110).

mod common;

use common::sendband;

/// The published table: group, lowest points, highest points, per term at 30 hours,
/// per term at 15 hours, per year. Copied from shared/reference, not from the rule files.
const PUBLISHED: [(&str, u32, u32, &str, &str, &str); 21] = [
    ("Local Offer", 0, 9, "0.00", "0.00", "0.00"),
    ("A1", 10, 14, "251.00", "125.50", "753.00"),
    ("A2", 15, 19, "498.00", "249.00", "1494.00"),
    ("B1", 20, 24, "860.00", "430.00", "2580.00"),
    ("B2", 25, 29, "1227.00", "613.50", "3681.00"),
    ("C1", 30, 34, "1440.00", "720.00", "4320.00"),
    ("C2", 35, 39, "1658.00", "829.00", "4974.00"),
    ("C3", 40, 44, "1871.00", "935.50", "5613.00"),
    ("C4", 45, 49, "2126.00", "1063.00", "6378.00"),
    ("D1", 50, 54, "2938.00", "1469.00", "8814.00"),
    ("D2", 55, 59, "3406.00", "1703.00", "10218.00"),
    ("D3", 60, 64, "3875.00", "1937.50", "11625.00"),
    ("D4", 65, 69, "4345.00", "2172.50", "13035.00"),
    ("E1", 70, 74, "4818.00", "2409.00", "14454.00"),
    ("E2", 75, 79, "5287.00", "2643.50", "15861.00"),
    ("E3", 80, 84, "5756.00", "2878.00", "17268.00"),
    ("E4", 85, 89, "6230.00", "3115.00", "18690.00"),
    ("F1", 90, 94, "6700.00", "3350.00", "20100.00"),
    ("F2", 95, 99, "7168.00", "3584.00", "21504.00"),
    ("F3", 100, 104, "7637.00", "3818.50", "22911.00"),
    ("F4", 105, 109, "8111.00", "4055.50", "24333.00"),
];

/// The tariff outputs for a case, through `sendband evaluate --rules rules/herefordshire`.
fn tariff(points: u32, hours: u32) -> serde_json::Value {
    let profile = format!(
        r#"{{"case_id": "HF-{points}-{hours}", "assessment_points": {points}, "funded_hours": {hours}}}"#
    );
    let run = sendband(
        &[
            "evaluate",
            "--rules",
            "rules/herefordshire",
            "--on",
            "2024-09-01",
            "-",
        ],
        &profile,
    );
    assert_eq!(
        run.code, 0,
        "points {points}, hours {hours}: {}",
        run.stderr
    );
    let decision: serde_json::Value = serde_json::from_str(&run.stdout).expect("decision is JSON");
    assert_eq!(decision["ruleset"]["id"], "herefordshire-high-needs-matrix");
    assert_eq!(decision["ruleset"]["provenance"], "published");
    decision["results"]["tariff"].clone()
}

#[test]
fn every_published_figure_to_the_penny_at_both_ends_of_every_group() {
    for (group, low, high, term30, term15, year) in PUBLISHED {
        for points in [low, high] {
            let t30 = tariff(points, 30);
            assert_eq!(t30["status"], "applied");
            assert_eq!(t30["outputs"]["group"], group, "{points} points");
            assert_eq!(
                t30["outputs"]["per_term"], term30,
                "{points} points at 30 hours"
            );
            assert_eq!(t30["outputs"]["per_year"], year, "{points} points per year");
            assert_eq!(t30["flags"], serde_json::json!([]));
            let t15 = tariff(points, 15);
            assert_eq!(t15["outputs"]["group"], group);
            assert_eq!(
                t15["outputs"]["per_term"], term15,
                "{points} points at 15 hours"
            );
            assert_eq!(
                t15["outputs"]["per_year"], year,
                "per year is the published annual tariff"
            );
        }
    }
}

#[test]
fn each_boundary_moves_to_the_next_group() {
    for pair in PUBLISHED.windows(2) {
        let (below, above) = (pair[0], pair[1]);
        assert_eq!(below.2 + 1, above.1, "the published ranges meet");
        assert_eq!(tariff(below.2, 30)["outputs"]["group"], below.0);
        assert_eq!(tariff(above.1, 30)["outputs"]["group"], above.0);
    }
}

#[test]
fn above_109_points_goes_to_panel_with_no_amount() {
    for points in [110, 250] {
        let t = tariff(points, 30);
        assert_eq!(t["status"], "applied");
        assert_eq!(t["outputs"]["group"], serde_json::Value::Null);
        assert_eq!(t["outputs"]["per_term"], serde_json::Value::Null);
        assert_eq!(t["outputs"]["per_year"], serde_json::Value::Null);
        assert_eq!(t["flags"], serde_json::json!(["exceptional_panel"]));
        let reasons = t["reasons"].to_string();
        assert!(reasons.contains("goes to panel"), "{reasons}");
        assert!(
            reasons.contains(&format!("{points} assessment points")),
            "{reasons}"
        );
    }
}

#[test]
fn the_published_invariants_hold_in_every_row() {
    use rust_decimal::Decimal;
    let d = |s: &str| s.parse::<Decimal>().expect("decimal");
    for (group, _, _, term30, term15, year) in PUBLISHED {
        assert_eq!(
            d(year),
            d(term30) * Decimal::from(3),
            "{group}: per year = 3 x per term (30 hours)"
        );
        assert_eq!(
            d(term15) * Decimal::from(2),
            d(term30),
            "{group}: 15 hours = half of 30 hours"
        );
    }
}

#[test]
fn the_authority_folder_gives_the_2021_version_with_its_stamp() {
    let run = sendband(
        &[
            "evaluate",
            "--rules",
            "rules/herefordshire",
            "--on",
            "2024-09-01",
            "-",
        ],
        r#"{"case_id": "HF-D", "assessment_points": 52, "funded_hours": 15}"#,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let decision: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(decision["case_id"], "HF-D");
    assert_eq!(decision["on"], "2024-09-01");
    assert_eq!(decision["ruleset"]["version"], "2021-04");
    assert!(decision["ruleset"]["digest"]
        .as_str()
        .is_some_and(|d| d.starts_with("sha256:") && d.len() == 71));
    assert_eq!(decision["results"]["tariff"]["outputs"]["group"], "D1");
    assert_eq!(
        decision["results"]["tariff"]["outputs"]["per_term"],
        "1469.00"
    );
}

#[test]
fn invalid_profiles_name_the_case_and_field_and_exit_1() {
    let run = sendband(
        &[
            "evaluate",
            "--rules",
            "rules/herefordshire",
            "--on",
            "2024-09-01",
            "-",
        ],
        r#"{"case_id": "HF-BAD", "assesment_points": 12, "funded_hours": 20}"#,
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "sendband: invalid profile:\n\
         \x20 case \"HF-BAD\": assesment_points: unknown field (did you mean \"assessment_points\"?)\n\
         \x20 case \"HF-BAD\": assessment_points: is required\n\
         \x20 case \"HF-BAD\": funded_hours: 20 is not one of 15, 30\n"
    );
    let run = sendband(
        &[
            "evaluate",
            "--rules",
            "rules/herefordshire",
            "--on",
            "2024-09-01",
            "-",
        ],
        r#"{"case_id": "HF-NEG", "assessment_points": -1, "funded_hours": 30}"#,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("case \"HF-NEG\": assessment_points: -1 is below the minimum 0"),
        "{}",
        run.stderr
    );
    let run = sendband(
        &[
            "evaluate",
            "--rules",
            "rules/herefordshire",
            "--on",
            "2024-09-01",
            "-",
        ],
        r#"{"case_id": "HF-F", "assessment_points": 12.5, "funded_hours": 30}"#,
    );
    assert!(
        run.stderr
            .contains("assessment_points: expected a whole number, found 12.5"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_date_before_the_matrix_is_a_clear_error_exit_2() {
    let run = sendband(
        &[
            "evaluate",
            "--rules",
            "rules/herefordshire",
            "--on",
            "2021-03-31",
            "-",
        ],
        r#"{"assessment_points": 12, "funded_hours": 30}"#,
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "sendband: no rule set for that date: rules/herefordshire: no version is in force on 2021-03-31 \
         (versions: 2021-04 from 2021-04-01 with no end date)\n"
    );
}

#[test]
fn the_rule_sets_own_tests_pass() {
    let run = sendband(&["test", "rules/herefordshire"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.ends_with("5 passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}
