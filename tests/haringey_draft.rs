//! The Haringey 2025-26 draft: never picked by date, used by name, and different from 2024-25
//! only where it says it is (band values up 3%, Band C evidence from one APDR cycle).

use rust_decimal::Decimal;
use sendband::{Date, RuleSet};
use std::path::Path;

fn on(s: &str) -> Date {
    s.parse().expect("date")
}

fn load(path: &str, date: &str) -> RuleSet {
    sendband::ruleset::load(Some(Path::new(path)), on(date)).expect("rule set loads")
}

#[test]
fn the_draft_is_never_picked_by_date_but_is_used_by_name() {
    // The draft and the version it proposes to replace cover the same days: the date picks
    // the version, never the draft.
    let by_date = load("rules/haringey", "2025-09-01");
    assert_eq!(by_date.manifest().version, "2025-26");
    assert!(!by_date.is_draft());
    let by_date = load("rules/haringey", "2025-08-31");
    assert_eq!(by_date.manifest().version, "2024-25");
    let err = sendband::ruleset::load(Some(Path::new("rules/haringey")), on("2027-09-01"))
        .expect_err("no version covers 2027-28");
    assert!(
        err.to_string().contains(
            "no version is in force on 2027-09-01 (versions: 2024-25 from 2024-09-01 to \
             2025-08-31; 2025-26 from 2025-09-01 to 2026-08-31; 2025-26-draft from 2025-09-01 \
             to 2026-08-31 (draft: used only when named); 2026-27 from 2026-09-01 to 2027-08-31)"
        ),
        "{err}"
    );
    let draft = load("rules/haringey/2025-26-draft", "2025-09-01");
    assert!(draft.is_draft());
    assert_eq!(draft.manifest().version, "2025-26-draft");
}

/// `(band, amount)` of `topup`, when it applies.
fn topup(rules: &RuleSet, profile: &str, date: &str) -> Option<(String, Decimal)> {
    let d = rules
        .evaluate_json(profile, on(date))
        .expect("valid profile");
    let r = d.family("topup").expect("topup");
    let band = r.output("band")?.to_text();
    let amount = r.output("amount")?.to_text().parse().ok()?;
    (r.status == sendband::Status::Applied).then_some((band, amount))
}

#[test]
fn the_draft_changes_only_what_it_proposes_on_a_synthetic_cohort() {
    let base = load("rules/haringey/2024-25", "2025-08-31");
    let draft = load("rules/haringey/2025-26-draft", "2025-09-01");
    let mut jsonl = Vec::new();
    sendband::synth::write_jsonl(&base, 20000, 11, on("2025-08-31"), &mut jsonl).expect("synth");
    let text = String::from_utf8(jsonl).expect("utf-8");
    let uplift = Decimal::new(103, 2);
    let penny = Decimal::new(1, 2);
    let (mut same_band, mut to_c) = (0, 0);
    for line in text.lines() {
        let before = topup(&base, line, "2025-08-31");
        let after = topup(&draft, line, "2025-09-01");
        let (Some((b0, a0)), Some((b1, a1))) = (&before, &after) else {
            assert_eq!(before.is_some(), after.is_some(), "status changed: {line}");
            continue;
        };
        if b0 == b1 {
            // Pro-rated amounts are rounded once, so the uplift holds to the penny.
            assert!((a1 - a0 * uplift).abs() <= penny, "{a0} -> {a1}: {line}");
            same_band += 1;
        } else {
            let profile: serde_json::Value = serde_json::from_str(line).expect("json");
            let cycles = &profile["sen_support"]["apdr_cycles"];
            assert_eq!((b0.as_str(), b1.as_str()), ("B", "C"), "{line}");
            assert_eq!(cycles, &serde_json::json!(1), "{line}");
            to_c += 1;
        }
    }
    // The cohort must exercise the uplift for the test to mean anything (Band C moves are
    // rare in it; the grid below has them all).
    assert!(same_band > 5_000, "{same_band} cases kept their band");
    assert!(to_c <= same_band / 100, "{to_c} cases moved from B to C");
}

#[test]
fn band_c_moves_exactly_where_one_apdr_cycle_now_counts() {
    let base = load("rules/haringey/2024-25", "2025-08-31");
    let draft = load("rules/haringey/2025-26-draft", "2025-09-01");
    let mut moved = 0;
    // Communication level x SEMH level spans score bands A to G.
    for (comm, semh) in [(0, 0), (1, 1), (2, 1), (3, 0), (3, 2), (4, 3), (4, 4)] {
        for ehcp in ["none", "requested", "issued"] {
            for cycles in 0..=3 {
                for advice in [false, true] {
                    for spend in ["5999.99", "6000.00", "9000.00"] {
                        let profile = format!(
                            r#"{{"case_id": "G", "date_of_birth": "2016-03-01",
                                "setting": "mainstream_school", "ehcp": "{ehcp}",
                                "needs": {{"communication_interaction": {comm}, "semh": {semh}}},
                                "sen_support": {{"apdr_cycles": {cycles},
                                  "specialist_advice": {advice}, "notional_spend": "{spend}"}}}}"#
                        );
                        let (b0, _) = topup(&base, &profile, "2025-08-31").expect("applies");
                        let (b1, _) = topup(&draft, &profile, "2025-09-01").expect("applies");
                        // Scores: 0, 4, 8 (bands A, A, B), then 12, 19, 33, 42 (C and up).
                        let score_band_c_or_more = comm >= 3;
                        let evidence = advice && spend != "5999.99";
                        let expect_move =
                            ehcp != "issued" && score_band_c_or_more && evidence && cycles == 1;
                        assert_eq!(b0 != b1, expect_move, "{b0} -> {b1}: {profile}");
                        if expect_move {
                            assert_eq!((b0.as_str(), b1.as_str()), ("B", "C"));
                            moved += 1;
                        }
                    }
                }
            }
        }
    }
    // 4 need combinations from C up, 2 plan statuses, 2 spends of 6000 or more.
    assert_eq!(moved, 16);
}
