//! Properties over generated cases (proptest): a batch gives each row's single evaluation,
//! CSV, JSON Lines and xlsx inputs agree, a bundle decides as its folder, raising a need level
//! never lowers a Haringey band or amount, and Herefordshire's tariffs keep their arithmetic.

mod batch_cohort;
mod common;

use batch_cohort::{csv, json_line, jsonl, write_xlsx, Profile, V};
use proptest::prelude::*;
use rust_decimal::Decimal;
use sendband::{Date, RuleSet, Status};
use std::path::Path;
use std::sync::OnceLock;

fn haringey() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::from_folder(Path::new("rules/haringey/2024-25")).expect("rules"))
}

fn herefordshire() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::from_folder(Path::new("rules/herefordshire/2021-04")).expect("rules")
    })
}

fn on() -> Date {
    "2025-01-15".parse().expect("date")
}

const NEEDS: [&str; 5] = [
    "needs.communication_interaction",
    "needs.cognition_learning",
    "needs.semh",
    "needs.sensory_physical",
    "needs.medical_personal_care",
];

/// A valid Haringey profile: any setting, plan status, need levels and support so far; early
/// years inputs in an early years setting; sometimes a panel override.
fn profile() -> impl Strategy<Value = Profile> {
    let settings = [
        "mainstream_school",
        "resourced_provision",
        "special_school",
        "early_years_setting",
    ];
    let plans = ["none", "requested", "assessing", "issued"];
    (
        (0..4usize, 0..4usize, prop::array::uniform5(0..5i64)),
        (0..4i64, any::<bool>(), 0..9000i64, 0..3usize, 0..191i64),
        (2010u16..2023, 1u8..13, 1u8..29),
        (
            0..31i64,
            prop::array::uniform3(0..60i64),
            prop::option::weighted(0.1, 0..8usize),
        ),
    )
        .prop_map(
            move |((setting, plan, needs), support, (y, m, d), (hours, dev, over))| {
                let mut p: Profile = vec![
                    ("case_id", V::Text("PROP-1".into())),
                    ("date_of_birth", V::Date(y, m, d)),
                    ("setting", V::Text(settings[setting].into())),
                    ("ehcp", V::Text(plans[plan].into())),
                ];
                for (name, level) in NEEDS.iter().zip(needs) {
                    p.push((name, V::Int(level)));
                }
                let (cycles, advice, spend, progress, days) = support;
                p.push(("sen_support.apdr_cycles", V::Int(cycles)));
                p.push(("sen_support.specialist_advice", V::Bool(advice)));
                p.push((
                    "sen_support.notional_spend",
                    V::Money(format!("{}.{:02}", spend, spend % 100)),
                ));
                p.push((
                    "sen_support.progress",
                    V::Text(["expected", "limited", "none"][progress].into()),
                ));
                if settings[setting] == "early_years_setting" {
                    p.push(("early_years.funded_hours", V::Int(hours)));
                    for (name, months) in [
                        "early_years.development.communication_language",
                        "early_years.development.physical",
                        "early_years.development.psed",
                    ]
                    .iter()
                    .zip(dev)
                    {
                        p.push((name, V::Int(months)));
                    }
                } else {
                    p.push(("attendance.days_on_roll", V::Int(days)));
                }
                if let Some(band) = over {
                    p.push((
                        "override.band",
                        V::Text(["A", "B", "C", "D", "E", "F", "G", "H"][band].into()),
                    ));
                    p.push(("override.reason", V::Text("panel decision".into())));
                }
                p
            },
        )
}

/// The band's place in A..H and the amount, when `topup` applied.
fn topup(p: &Profile) -> Option<(String, Decimal)> {
    let d = haringey()
        .evaluate_json(&json_line(p), on())
        .expect("a valid profile");
    let r = d.family("topup")?;
    if r.status != Status::Applied {
        return None;
    }
    let band = r.output("band")?.to_text();
    let amount = r.output("amount")?.to_text().parse().ok()?;
    Some((band, amount))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn raising_a_need_level_never_lowers_the_band_or_the_amount(
        p in profile(),
        area in 0..5usize,
    ) {
        let at = p.iter().position(|(n, _)| *n == NEEDS[area]).expect("a need");
        let V::Int(level) = p[at].1 else { unreachable!("levels are whole numbers") };
        prop_assume!(level < 4);
        let mut raised = p.clone();
        raised[at].1 = V::Int(level + 1);
        if let (Some((band, amount)), Some((band_up, amount_up))) = (topup(&p), topup(&raised)) {
            prop_assert!(band_up >= band, "{band} -> {band_up}");
            prop_assert!(amount_up >= amount, "{amount} -> {amount_up}");
        }
    }

    #[test]
    fn a_bundle_decides_exactly_as_its_folder(p in profile()) {
        static BUNDLE: OnceLock<RuleSet> = OnceLock::new();
        let bundle = BUNDLE.get_or_init(|| {
            let text = serde_json::to_string(haringey().bundle()).expect("bundle JSON");
            RuleSet::from_bundle("haringey.json", &text).expect("the bundle loads")
        });
        let line = json_line(&p);
        let a = haringey().evaluate_json(&line, on()).expect("valid");
        let b = bundle.evaluate_json(&line, on()).expect("valid");
        prop_assert_eq!(a.to_json_pretty(), b.to_json_pretty());
    }

    #[test]
    fn herefordshire_a_year_is_three_terms_at_30_hours_and_15_hours_is_half(
        points in 0..120i64,
    ) {
        let tariff = |hours: i64| {
            let profile = format!(
                r#"{{"case_id": "P", "assessment_points": {points}, "funded_hours": {hours}}}"#
            );
            let d = herefordshire().evaluate_json(&profile, on()).expect("valid");
            let r = d.family("tariff").expect("tariff").clone();
            let money = |name: &str| r.output(name).map(|o| o.to_text()).filter(|t| !t.is_empty());
            (money("per_term"), money("per_year"))
        };
        let (term30, year) = tariff(30);
        let (term15, year15) = tariff(15);
        prop_assert_eq!(&year, &year15, "the annual tariff does not depend on hours");
        match (term30, term15, year) {
            (Some(t30), Some(t15), Some(y)) => {
                let (t30, t15, y): (Decimal, Decimal, Decimal) =
                    (t30.parse().unwrap(), t15.parse().unwrap(), y.parse().unwrap());
                prop_assert_eq!(y, t30 * Decimal::from(3));
                prop_assert_eq!(t15 * Decimal::from(2), t30);
            }
            // Above the matrix (over 109 points) there is no group and no money at all.
            (None, None, None) => prop_assert!(points > 109),
            other => prop_assert!(false, "some money but not all: {other:?}"),
        }
    }
}

proptest! {
    // Each case runs three batches: fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_batch_gives_each_rows_single_evaluation_whatever_the_input_format(
        people in prop::collection::vec(profile(), 1..30),
    ) {
        let people: Vec<Profile> = people
            .into_iter()
            .enumerate()
            .map(|(i, mut p)| {
                p[0].1 = V::Text(format!("PROP-{i}"));
                p
            })
            .collect();
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("in.csv"), csv(&people)).expect("write");
        std::fs::write(dir.path().join("in.jsonl"), jsonl(&people)).expect("write");
        write_xlsx(&people, &dir.path().join("in.xlsx"), None);
        let mut outputs = Vec::new();
        for input in ["in.csv", "in.jsonl", "in.xlsx"] {
            let out = dir.path().join(format!("{input}.out.csv"));
            let mut options = sendband::batch::Options::new(dir.path().join(input), &out);
            options.rejects = Some(dir.path().join("rejects.csv"));
            options.threads = Some(2);
            options.chunk_rows = 7;
            let s = sendband::batch::run(haringey(), on(), &options).expect("the batch runs");
            prop_assert_eq!((s.rows_in, s.rows_out), (people.len() as u64, people.len() as u64));
            outputs.push(std::fs::read_to_string(out).expect("output"));
        }
        prop_assert_eq!(&outputs[0], &outputs[1], "CSV and JSON Lines");
        prop_assert_eq!(&outputs[0], &outputs[2], "CSV and xlsx");
        let mut rows = ::csv::Reader::from_reader(outputs[0].as_bytes());
        let header = rows.headers().expect("header").clone();
        for (row, person) in rows.records().zip(&people) {
            let row = row.expect("row");
            let d = haringey().evaluate_json(&json_line(person), on()).expect("valid");
            for r in &d.results {
                let cell = |name: &str| {
                    header.iter().position(|h| h == name).map(|i| row[i].to_string())
                };
                prop_assert_eq!(cell(&format!("{}.status", r.family)), Some(r.status.as_str().to_string()));
                for o in &r.outputs {
                    prop_assert_eq!(cell(&format!("{}.{}", r.family, o.name)), Some(o.to_text()));
                }
            }
        }
    }
}
