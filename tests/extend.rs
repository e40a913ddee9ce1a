//! Versions written as changes to another (issue 21): published figures reproduced to the
//! penny, the flattened rule set and its digest, and every kind of mistake refused by path.

mod common;

use common::sendband;
use sendband::ruleset::RuleSet;
use std::path::{Path, PathBuf};

const NORFOLK: &str = "tests/fixtures/extend/norfolk";
const DEVON: &str = "tests/fixtures/extend/devon";

fn load(path: impl AsRef<Path>) -> RuleSet {
    let path = path.as_ref();
    RuleSet::from_folder(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load_err(path: impl AsRef<Path>) -> String {
    match RuleSet::from_folder(path.as_ref()) {
        Ok(_) => panic!("{} loaded", path.as_ref().display()),
        Err(e) => e.to_string(),
    }
}

/// A fresh folder under the target directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("extend-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn amount(rules: &RuleSet, family: &str, profile: &str, on: &str) -> String {
    let d = rules
        .evaluate_json(profile, on.parse().expect("date"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    common::out_of(&d, family, "amount")
}

#[test]
fn norfolk_summer_2022_is_autumn_2021_times_a_quarter_from_the_unrounded_third() {
    let run = sendband(&["test", NORFOLK], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("summer-2022: 3 passed, 0 failed"),
        "{}",
        run.stdout
    );
    let summer = load(format!("{NORFOLK}/summer-2022"));
    let band2 = r#"{"case_id": "N2", "band": "2"}"#;
    assert_eq!(amount(&summer, "element3", band2, "2022-05-01"), "933.33");
    // The published £746.67 times 1.25 is 933.34: the base must stay two thirds of 1,120.
    let dir = scratch("norfolk-rounded");
    copy_dir(Path::new(NORFOLK), &dir);
    let family = dir.join("autumn-2021/families/element3.json");
    let text = std::fs::read_to_string(&family).expect("read");
    std::fs::write(&family, text.replace("\"2240 / 3\"", "\"746.67\"")).expect("write");
    let rounded = load(dir.join("summer-2022"));
    assert_eq!(amount(&rounded, "element3", band2, "2022-05-01"), "933.34");
}

#[test]
fn devon_2023_24_is_2022_23_plus_a_flat_uplift_per_place() {
    let run = sendband(&["test", DEVON], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("2023-24: 12 passed, 0 failed"),
        "{}",
        run.stdout
    );
    // Lint reads it as any version.
    let run = sendband(&["lint", DEVON], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("devon-special-fixture 2023-24: 0 errors, 0 warnings"),
        "{}",
        run.stdout
    );
    let base = load(format!("{DEVON}/2022-23"));
    let next = load(format!("{DEVON}/2023-24"));
    for (school, before, after) in [
        ("southbrook", "11088.00", "11412.00"),
        ("barley_lane", "17220.00", "17556.00"),
        ("orchard_manor", "15120.00", "15456.00"),
    ] {
        let p = format!(r#"{{"case_id": "D", "school": "{school}"}}"#);
        assert_eq!(amount(&base, "special_topup", &p, "2022-06-01"), before);
        assert_eq!(amount(&next, "special_topup", &p, "2023-06-01"), after);
    }
}

#[test]
fn an_extending_version_flattens_into_a_bundle_with_its_own_digest_and_its_base_known() {
    let base = load(format!("{NORFOLK}/autumn-2021"));
    let summer = load(format!("{NORFOLK}/summer-2022"));
    assert_ne!(base.digest(), summer.digest());
    let m = summer.manifest();
    assert_eq!(m.version, "summer-2022");
    assert_eq!(m.effective_from.to_string(), "2022-04-01");
    // What is not given is the base's.
    assert_eq!(m.currency, "GBP");
    assert_eq!(m.authority, base.manifest().authority);
    let built_on = summer.built_on().expect("built_on");
    assert_eq!(built_on.version, "autumn-2021");
    assert_eq!(built_on.digest, base.digest());
    assert_eq!(built_on.changes.len(), 1);
    // The tests are the version's own, not the base's.
    assert_eq!(summer.tests().count(), 3);
    assert!(summer
        .tests()
        .all(|(t, at)| t.on.to_string() == "2022-05-01" && at.file.contains("summer-2022")));

    let run = sendband(&["bundle", &format!("{NORFOLK}/summer-2022")], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bundle: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let values = &bundle["families"][0]["steps"][0]["lookup"]["values"];
    assert_eq!(values["1"], "562.50");
    assert_eq!(values["2"], "(2240 / 3) * 1.25");
    assert_eq!(values["3"], "1685.00");
    let again = RuleSet::from_bundle("summer.json", &run.stdout).expect("the bundle loads");
    assert_eq!(again.digest(), summer.digest());
    let band2 = r#"{"case_id": "N2", "band": "2"}"#;
    assert_eq!(amount(&again, "element3", band2, "2022-05-01"), "933.33");
    // The bundle still says what it extends and by which changes, titles and all, so a diff of
    // the bundle lists them as the version wrote them.
    assert_eq!(again.built_on(), summer.built_on());
    assert_eq!(bundle["built_on"]["version"], "autumn-2021");
    let (listed, complete) = sendband::ruleset::changes::between(&base, &again);
    assert!(complete);
    assert_eq!(listed, built_on.changes);
    // What it was built on is read as strictly as the rest of the bundle.
    let mut typo = bundle.clone();
    let on = typo["built_on"].as_object_mut().expect("an object");
    let changes = on.remove("changes").expect("changes");
    on.insert("chnages".to_string(), changes);
    let err = RuleSet::from_bundle("typo.json", &typo.to_string())
        .expect_err("a misspelt field is refused")
        .to_string();
    assert!(
        err.starts_with("typo.json: at $.built_on") && err.contains("unknown field `chnages`"),
        "{err}"
    );
}

/// Copy a folder tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Haringey 2024-25 and, beside it, a version `next` extending it with `changes`.
fn haringey_extended(name: &str, changes: &str) -> PathBuf {
    common::haringey_extended(&scratch(name), changes)
}

#[test]
fn the_shipped_draft_written_as_changes_to_2024_25_flattens_to_the_same_families() {
    let next = haringey_extended(
        "draft",
        r#"[
          {"title": "Band values up 3%", "family": "topup", "step": "annual_value",
           "uplift": {"times": "1.03", "round": {"mode": "half_away_from_zero", "places": 2}}},
          {"title": "Band C needs one review cycle", "family": "topup", "step": "apdr_evidence",
           "let": "sen_support.apdr_cycles >= 1"},
          {"family": "topup", "step": "band", "rows": {"4": {
             "when": "band_c_considered and band_c_evidence", "then": {"band": "'C'"},
             "reason": "Pre-EHCP Band C: the score band is {score_band} and the Band C evidence holds (at least one assess-plan-do-review cycle, specialist advice followed, at least £6,000.00 spent from the notional SEN budget)."}}},
          {"family": "topup", "reasons": {"2": "Band C evidence missing: apdr_cycles — at least 1 completed assess-plan-do-review cycle is needed, {sen_support.apdr_cycles} recorded."}},
          {"family": "topup", "description": "The top-up band and its annual value for a pupil in a school setting, including the pre-EHCP Band C. DRAFT proposal: band values uplifted by 3%, Band C evidence needs one APDR cycle. ILLUSTRATIVE placeholder figures."}
        ]"#,
    );
    let flat = load(&next);
    let draft = load("rules/haringey/2025-26-draft");
    let families = |r: &RuleSet| serde_json::to_value(&r.bundle().families).expect("JSON");
    assert_eq!(families(&flat), families(&draft));
    // The draft's own tests pass on it.
    std::fs::create_dir_all(next.join("tests")).expect("mkdir");
    for entry in std::fs::read_dir("rules/haringey/2025-26-draft/tests").expect("tests") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), next.join("tests").join(entry.file_name())).expect("copy");
    }
    let run = sendband(&["test", &next.display().to_string()], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(" 0 failed"), "{}", run.stdout);
}

#[test]
fn weights_ranges_and_constants_change_by_name() {
    let next = haringey_extended(
        "kinds",
        r#"[
          {"family": "topup", "step": "score", "weights": {"needs.semh": {"4": 30}}},
          {"family": "topup", "step": "score_band", "ranges": {"C": {"max": 18}, "D": {"min": 19}}},
          {"constant": "school_days", "to": 195},
          {"family": "topup", "step": "specialist_needs_plan", "reason": "No plan, no place: {ehcp}."}
        ]"#,
    );
    let flat = load(&next);
    let b = flat.bundle();
    let topup = b
        .families
        .iter()
        .find(|f| f.name == "topup")
        .expect("topup");
    let step = |name: &str| topup.steps.iter().find(|s| s.name == name).expect("step");
    let semh = &step("score").score.as_ref().expect("score").weights[2];
    assert_eq!(semh.input, "needs.semh");
    assert_eq!(semh.levels["4"].0.to_string(), "30");
    assert_eq!(semh.levels["3"].0.to_string(), "13");
    let ranges = &step("score_band").ranges.as_ref().expect("ranges").ranges;
    assert_eq!(
        ranges[2].max.map(|d| d.0.to_string()).as_deref(),
        Some("18")
    );
    assert_eq!(ranges[3].min.0.to_string(), "19");
    assert_eq!(b.manifest.constants["school_days"].0.to_string(), "195");
    let stop = step("specialist_needs_plan").stop.as_ref().expect("stop");
    assert_eq!(stop.reason, "No plan, no place: {ehcp}.");
    // A semh at level 4 alone now scores 30: band E (28 to 39), where 2024-25 gives D (22).
    let profile = r#"{"case_id": "K", "date_of_birth": "2015-01-01", "setting": "mainstream_school",
        "ehcp": "issued", "needs": {"semh": 4}}"#;
    let d = flat
        .evaluate_json(profile, "2025-01-15".parse().expect("date"))
        .expect("valid");
    assert_eq!(common::out_of(&d, "topup", "band"), "E");
}

#[test]
fn a_change_that_does_not_fit_is_refused_with_its_file_and_json_path() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "family",
            r#"[{"family": "topupp", "step": "annual_value", "uplift": {"times": "2"}}]"#,
            &["$.changes[0].family", "no family \"topupp\"", "topup"],
        ),
        (
            "step",
            r#"[{"family": "topup", "step": "annual_values", "uplift": {"times": "2"}}]"#,
            &["$.changes[0].step", "annual_value"],
        ),
        (
            "kind",
            r#"[{"family": "topup", "step": "score_band", "uplift": {"times": "2"}}]"#,
            &["$.changes[0].uplift", "not a lookup"],
        ),
        (
            "cell",
            r#"[{"family": "topup", "step": "annual_value", "values": {"D": {"mainstream": "1.00"}}}]"#,
            &["$.changes[0].values.D.mainstream", "mainstream_school"],
        ),
        (
            "cell-value",
            r#"[{"family": "topup", "step": "annual_value", "values": {"D": {"mainstream_school": "4,000"}}}]"#,
            &["$.changes[0].values.D.mainstream_school", "not a decimal"],
        ),
        (
            "only",
            r#"[{"family": "topup", "step": "annual_value", "uplift": {"plus": "1", "only": {"setting": ["special"]}}}]"#,
            &["$.changes[0].uplift.only.setting[0]", "special_school"],
        ),
        (
            "two",
            r#"[{"family": "topup", "step": "annual_value", "uplift": {"plus": "1"}, "let": "1"}]"#,
            &["$.changes[0]", "exactly one of", "uplift and let"],
        ),
        (
            "weight",
            r#"[{"family": "topup", "step": "score", "weights": {"needs.semh": {"5": 1}}}]"#,
            &["$.changes[0].weights[\"needs.semh\"].5", "no level \"5\""],
        ),
        (
            "row",
            r#"[{"family": "topup", "step": "band", "rows": {"7": {"when": "true", "then": {"band": "'A'"}}}}]"#,
            &["$.changes[0].rows.7", "from 1 to 6"],
        ),
        (
            "constant",
            r#"[{"constant": "school_day", "to": 1}]"#,
            &["$.changes[0].constant", "school_days"],
        ),
        (
            "unknown-field",
            r#"[{"family": "topup", "step": "annual_value", "uplfit": {"times": "2"}}]"#,
            &["$.changes[0]", "uplfit"],
        ),
    ];
    for (name, changes, expected) in cases {
        let next = haringey_extended(&format!("bad-{name}"), changes);
        let message = load_err(&next);
        assert!(
            message.contains("next/ruleset.json"),
            "{name}: the file is not named: {message}"
        );
        for part in *expected {
            assert!(
                message.contains(part),
                "{name}: {part:?} is not in: {message}"
            );
        }
    }
}

#[test]
fn what_a_version_extends_must_be_a_different_version_beside_it_and_never_a_loop() {
    let next = haringey_extended("same", "[]");
    std::fs::write(
        next.join("ruleset.json"),
        r#"{"extends": "2024-25", "version": "2024-25"}"#,
    )
    .expect("write");
    assert!(load_err(&next).contains("the same as the version it extends"));

    std::fs::write(
        next.join("ruleset.json"),
        r#"{"extends": "../2024-25", "version": "x"}"#,
    )
    .expect("write");
    let message = load_err(&next);
    assert!(
        message.contains("$.extends") && message.contains("not a version folder"),
        "{message}"
    );

    let dir = scratch("loop");
    for (me, other) in [("a", "b"), ("b", "a")] {
        std::fs::create_dir_all(dir.join(me)).expect("mkdir");
        std::fs::write(
            dir.join(me).join("ruleset.json"),
            format!(r#"{{"extends": "{other}", "version": "{me}"}}"#),
        )
        .expect("write");
    }
    let message = load_err(dir.join("a"));
    assert!(message.contains("more than 16 deep"), "{message}");
}
