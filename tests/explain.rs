//! Plain-English explanations, snapshot-tested: what a SENDCo reads must be reviewed like code.

use sendband::{Date, RuleSet};

fn herefordshire() -> RuleSet {
    RuleSet::from_folder(std::path::Path::new("rules/herefordshire/2021-04")).expect("loads")
}

fn explained(profile: &str) -> String {
    let rules = herefordshire();
    let on: Date = "2024-09-01".parse().expect("date");
    let decision = rules.evaluate_json(profile, on).expect("valid profile");
    let text = sendband::explain::explain(&decision, &rules, None);
    // The digest changes with every rule edit; the snapshot checks the words, not the hash.
    text.replace(rules.digest(), "sha256:<digest>")
}

#[test]
fn a_group_at_fifteen_hours() {
    insta::assert_snapshot!(explained(
        r#"{"case_id": "HF-A1", "assessment_points": 12, "funded_hours": 15}"#
    ));
}

#[test]
fn local_offer_carries_no_funding() {
    insta::assert_snapshot!(explained(
        r#"{"case_id": "HF-LO", "assessment_points": 9, "funded_hours": 30}"#
    ));
}

#[test]
fn above_the_matrix_goes_to_panel() {
    insta::assert_snapshot!(explained(
        r#"{"case_id": "HF-PANEL", "assessment_points": 112, "funded_hours": 30}"#
    ));
}

#[test]
fn the_decision_json_shape() {
    let rules = herefordshire();
    let decision = rules
        .evaluate_json(
            r#"{"case_id": "HF-JSON", "assessment_points": 57, "funded_hours": 30}"#,
            "2024-09-01".parse().expect("date"),
        )
        .expect("valid");
    insta::assert_snapshot!(decision
        .to_json_pretty()
        .replace(rules.digest(), "sha256:<digest>"));
}

fn fixture() -> RuleSet {
    RuleSet::from_folder(std::path::Path::new("tests/fixtures/banding")).expect("fixture loads")
}

fn explained_fixture(profile: &str) -> String {
    let rules = fixture();
    let decision = rules
        .evaluate_json(profile, "2024-10-01".parse().expect("date"))
        .expect("valid");
    sendband::explain::explain(&decision, &rules, None).replace(rules.digest(), "sha256:<digest>")
}

#[test]
fn descriptors_that_counted_and_an_illustrative_banner() {
    insta::assert_snapshot!(explained_fixture(
        r#"{"case_id": "EX-1", "setting": "mainstream_school", "ehcp": "issued",
            "needs": {"communication": 2, "learning": 1}, "attendance": {"days_on_roll": 100}}"#
    ));
}

#[test]
fn an_ineligible_case_explains_why() {
    insta::assert_snapshot!(explained_fixture(
        r#"{"case_id": "EX-2", "setting": "special_school", "needs": {"communication": 3, "learning": 3}}"#
    ));
}
