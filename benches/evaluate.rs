//! Evaluation speed on pre-parsed profiles: the Haringey rule set's `topup` family alone and all
//! three families, lean into a reusable buffer (as batch runs), as a lean Decision (compiled tier and
//! interpreter alone) and with reasons and trace, against hand-written Rust.
//!
//! `cargo bench --bench evaluate` (criterion). The cohort is 20,000 profiles from `sendband::synth`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rust_decimal::Decimal;
use sendband::expr::Value;
use sendband::LeanBuf;
use sendband::{Date, Facts, RuleSet};
use std::hint::black_box;
use std::path::Path;

const COHORT: u64 = 20_000;
const HARINGEY: &str = "rules/haringey/2024-25";

/// The Haringey rule set with only the families named.
fn haringey(families: &[&str]) -> RuleSet {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(HARINGEY);
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).expect("rule file");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&read("ruleset.json")).expect("manifest");
    manifest["families"] = serde_json::json!(families);
    let manifest = manifest.to_string();
    let inputs = read("inputs.json");
    let texts: Vec<(String, String)> = families
        .iter()
        .map(|f| {
            let rel = format!("families/{f}.json");
            let text = read(&rel);
            (rel, text)
        })
        .collect();
    let mut files = vec![
        ("ruleset.json", manifest.as_str()),
        ("inputs.json", &inputs),
    ];
    files.extend(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    RuleSet::from_files("haringey-bench", &files).expect("rule set loads")
}

fn cohort(rules: &RuleSet, on: Date) -> Vec<Facts> {
    let mut jsonl = Vec::new();
    sendband::synth::write_jsonl(rules, COHORT, 7, on, &mut jsonl).expect("synth");
    let text = String::from_utf8(jsonl).expect("utf-8");
    text.lines()
        .map(|l| {
            rules
                .facts_from_json(l)
                .expect("synthetic profiles are valid")
        })
        .collect()
}

/// Haringey's `topup` written by hand from the rule files, on the same validated facts: the
/// floor an interpreter of rules-as-data is measured against. Slots are found once, as the
/// engine does at load.
struct HandTopup {
    needs: [usize; 5],
    setting: usize,
    ehcp: usize,
    override_band: usize,
    apdr_cycles: usize,
    specialist_advice: usize,
    notional_spend: usize,
    days_on_roll: usize,
}

const WEIGHTS: [[i64; 5]; 5] = [
    [0, 2, 6, 12, 20],
    [0, 2, 6, 12, 20],
    [0, 2, 7, 13, 22],
    [0, 2, 6, 12, 24],
    [0, 1, 4, 9, 16],
];
const BAND_MIN: [i64; 8] = [0, 6, 12, 18, 28, 40, 54, 70];
/// Annual values in pounds by band (A-H) for mainstream, resourced provision, special school;
/// -1 where the rule set has no cell.
const VALUES: [[i64; 3]; 8] = [
    [0, -1, -1],
    [0, -1, -1],
    [3000, -1, -1],
    [4000, 8000, 9000],
    [7000, 11000, 13000],
    [10500, 14500, 17500],
    [14000, 18000, 22500],
    [18500, 23000, 28000],
];

fn int(v: &Value) -> i64 {
    match v {
        Value::Number(n) => i64::try_from(*n).unwrap_or(0),
        _ => 0,
    }
}

fn text(v: &Value) -> &str {
    match v {
        Value::Text(t) => t,
        _ => "",
    }
}

impl HandTopup {
    fn new(rules: &RuleSet) -> HandTopup {
        let slot = |name: &str| {
            rules
                .inputs()
                .iter()
                .position(|i| &*i.name == name)
                .expect("declared input")
        };
        HandTopup {
            needs: [
                "needs.communication_interaction",
                "needs.cognition_learning",
                "needs.semh",
                "needs.sensory_physical",
                "needs.medical_personal_care",
            ]
            .map(slot),
            setting: slot("setting"),
            ehcp: slot("ehcp"),
            override_band: slot("override.band"),
            apdr_cycles: slot("sen_support.apdr_cycles"),
            specialist_advice: slot("sen_support.specialist_advice"),
            notional_spend: slot("sen_support.notional_spend"),
            days_on_roll: slot("attendance.days_on_roll"),
        }
    }

    /// (band index, amount in pence); None when the family does not apply, the placement is
    /// ineligible, or the band has no value in the setting (an error in the engine).
    fn eval(&self, f: &Facts) -> Option<(u8, i64)> {
        let v = |slot: usize| &f.values()[slot];
        let setting = match text(v(self.setting)) {
            "mainstream_school" => 0,
            "resourced_provision" => 1,
            "special_school" => 2,
            _ => return None,
        };
        let score: i64 = (0..5)
            .map(|k| WEIGHTS[k][int(v(self.needs[k])).clamp(0, 4) as usize])
            .sum();
        let score_band = BAND_MIN.iter().rposition(|&m| score >= m).unwrap_or(0);
        let issued = text(v(self.ehcp)) == "issued";
        let overridden = v(self.override_band);
        if overridden.is_null() && !issued && setting != 0 {
            return None;
        }
        let band = if let Value::Text(b) = overridden {
            usize::from(b.as_bytes()[0] - b'A')
        } else if issued {
            score_band.max(3)
        } else if score_band >= 2 {
            let spend = match v(self.notional_spend) {
                Value::Number(n) => *n,
                _ => Decimal::ZERO,
            };
            let evidence = int(v(self.apdr_cycles)) >= 2
                && matches!(v(self.specialist_advice), Value::Bool(true))
                && spend >= Decimal::new(600_000, 2);
            if evidence {
                2
            } else {
                1
            }
        } else {
            score_band
        };
        let annual = VALUES[band][setting];
        if annual < 0 {
            return None;
        }
        // pence = annual x 100 x days / 190, rounded half away from zero.
        let num = annual * 100 * int(v(self.days_on_roll));
        Some((band as u8, (2 * num + 190) / 380))
    }
}

fn bench(c: &mut Criterion) {
    let on: Date = "2025-01-15".parse().expect("date");
    let all = haringey(&["topup", "early_years", "ehcp_threshold"]);
    let topup = haringey(&["topup"]);
    let facts = cohort(&all, on);
    let hand = HandTopup::new(&topup);

    // The hand-written function must agree with the engine on every case before it is timed.
    for f in &facts {
        let d = topup.evaluate_lean(f, on);
        let r = &d.results[0];
        let engine = match (r.output("band"), r.output("amount")) {
            (Some(b), Some(a)) if r.status == sendband::Status::Applied => {
                let pence: i64 = a.to_text().replace('.', "").parse().expect("pence");
                Some((b.to_text().as_bytes()[0] - b'A', pence))
            }
            _ => None,
        };
        assert_eq!(hand.eval(f), engine, "hand-written topup differs: {f:?}");
    }

    let mut g = c.benchmark_group("haringey");
    g.throughput(Throughput::Elements(facts.len() as u64));
    // What batch runs do: the compiled tier, read in place from a reusable buffer.
    let mut buf = LeanBuf::default();
    g.bench_function("topup, lean into a buffer", |b| {
        b.iter(|| {
            for f in &facts {
                let lean = topup.evaluate_into(black_box(f), on, &mut buf);
                black_box(lean.status(0));
            }
        })
    });
    g.bench_function("topup, hand-written Rust", |b| {
        b.iter(|| {
            for f in &facts {
                black_box(hand.eval(black_box(f)));
            }
        })
    });
    g.bench_function("three families, lean into a buffer", |b| {
        b.iter(|| {
            for f in &facts {
                let lean = all.evaluate_into(black_box(f), on, &mut buf);
                black_box(lean.status(2));
            }
        })
    });
    g.bench_function("three families, lean Decision", |b| {
        b.iter(|| {
            for f in &facts {
                black_box(all.evaluate_lean(black_box(f), on));
            }
        })
    });
    g.bench_function("three families, with reasons and trace", |b| {
        b.iter(|| {
            for f in &facts {
                black_box(all.evaluate(black_box(f), on));
            }
        })
    });
    g.finish();

    // What would change the result, for the Band C worked example: a case at a time, as a
    // SENDCo asks it (every single change and pair of changes, each evaluated).
    let band_c = all
        .facts_from_json(include_str!("../examples/haringey-band-c.json"))
        .expect("valid");
    let mut w = c.benchmark_group("what_if");
    w.bench_function("Band C example, three families", |b| {
        b.iter(|| black_box(sendband::what_if::what_if(&all, black_box(&band_c), on)))
    });
    w.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
