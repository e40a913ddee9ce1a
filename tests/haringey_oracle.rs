//! Differential test of the Haringey 2024-25 rule set (`rules/haringey/2024-25/`).
//!
//! The oracle below is plain Rust written from the specification only
//! (`shared/reference/haringey-illustrative-2024-25.md`), never from the rule files or the engine,
//! so that a slip in the JSON rules (a weight, a range edge, a rule order, a rounding) shows up as
//! a disagreement. A seeded generator makes 20,000 valid profiles biased towards the edges (every
//! band, scores of 90+, the 6000.00 spend threshold, ages of 23/24/59/60 months, rounding-sensitive
//! days on roll, missing development inputs, both ends of the version); for every profile the
//! status, every output and the `exceptional_panel` flag of all three families must agree, and the
//! reasons must carry what the spec says they carry. Coverage is asserted so the test cannot pass
//! on a narrow sample. Money is checked in integer pence, rounded once, half away from zero.

use sendband::{Date, FamilyResult, RuleSet, Status};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

const CASES: usize = 20_000;
const SETTINGS: [&str; 4] = [
    "mainstream_school",
    "resourced_provision",
    "special_school",
    "early_years_setting",
];
const EHCP: [&str; 4] = ["none", "requested", "assessing", "issued"];
/// The need areas and their weights for levels 0..4.
const NEEDS: [(&str, [i64; 5]); 5] = [
    ("communication_interaction", [0, 2, 6, 12, 20]),
    ("cognition_learning", [0, 2, 6, 12, 20]),
    ("semh", [0, 2, 7, 13, 22]),
    ("sensory_physical", [0, 2, 6, 12, 24]),
    ("medical_personal_care", [0, 1, 4, 9, 16]),
];
const PROGRESS: [&str; 3] = ["expected", "limited", "none"];
const DEV: [&str; 3] = ["communication_language", "physical", "psed"];
const DEV_LABEL: [&str; 3] = [
    "Communication and language",
    "Physical development",
    "Personal, social and emotional development",
];
/// Lowest score of bands A..H.
const BAND_FROM: [i64; 8] = [0, 6, 12, 18, 28, 40, 54, 70];
const NO: i64 = -1;
/// Annual top-up in pounds by setting (mainstream, resourced, special) and band A..H; NO = none.
const ANNUAL: [[i64; 8]; 3] = [
    [0, 0, 3000, 4000, 7000, 10500, 14000, 18500],
    [NO, NO, NO, 8000, 11000, 14500, 18000, 23000],
    [NO, NO, NO, 9000, 13000, 17500, 22500, 28000],
];
/// Early years hourly rates in pence, EY1..EY4.
const EY_RATE: [i64; 4] = [100, 250, 500, 850];
const EY: usize = 3; // index of early_years_setting
const ISSUED: usize = 3; // index of "issued"

// ---------------------------------------------------------------------------------------------
// Calendar (days since 1970-01-01, Hinnant's civil algorithms) and money in pence.

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn ymd(z: i64) -> String {
    let (y, m, d) = civil(z);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The spec's age_months: whole months from birth to `on`.
fn age_months(dob: i64, on: i64) -> i64 {
    let ((y1, m1, d1), (y2, m2, d2)) = (civil(dob), civil(on));
    (y2 - y1) * 12 + (m2 - m1) - i64::from(d2 < d1)
}

/// `num / den` for num >= 0, rounded half away from zero.
fn div_round(num: i64, den: i64) -> i64 {
    (2 * num + den) / (2 * den)
}

fn pence(p: i64) -> Value {
    Value::String(format!("{}.{:02}", p / 100, p % 100))
}

/// Thousandths as a decimal literal without trailing zeros: 12500 -> "12.5".
fn milli(m: i64) -> String {
    let s = format!("{}.{:03}", m / 1000, m % 1000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

// ---------------------------------------------------------------------------------------------
// Generator.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: i64) -> i64 {
        (self.next() % n as u64) as i64
    }
    fn chance(&mut self, pct: i64) -> bool {
        self.below(100) < pct
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as i64) as usize]
    }
    /// One of `edges` with probability `pct`%, otherwise uniform in `from .. from + span`.
    fn edge(&mut self, edges: &[i64], pct: i64, from: i64, span: i64) -> i64 {
        if self.chance(pct) {
            self.pick(edges)
        } else {
            from + self.below(span)
        }
    }
}

/// One generated profile: the typed facts the oracle reads (defaults filled in) and the JSON the
/// engine reads (where defaults are sometimes omitted).
#[derive(Default)]
struct Case {
    on: i64,
    age: i64,
    setting: usize,
    ehcp: usize,
    needs: [usize; 5],
    apdr: i64,
    advice: bool,
    spend: i64, // pence
    progress: usize,
    hours: i64, // thousandths of an hour
    weeks: i64,
    dev: [Option<i64>; 3],
    days: i64,
    over: Option<(usize, String)>,
    json: String,
}

/// A JSON object written field by field; values are raw JSON text.
#[derive(Default)]
struct Obj(String);

impl Obj {
    fn put(&mut self, key: &str, raw: impl std::fmt::Display) {
        let sep = if self.0.is_empty() { "" } else { ", " };
        write!(self.0, "{sep}\"{key}\": {raw}").expect("write to a String");
    }
    /// Put the field, but leave a value equal to the default out half of the time.
    fn put_unless(&mut self, rng: &mut Rng, default: bool, key: &str, raw: impl std::fmt::Display) {
        if !default || rng.chance(50) {
            self.put(key, raw);
        }
    }
    /// Nest `inner` under `key`; an empty object is written only half of the time.
    fn nest(&mut self, rng: &mut Rng, key: &str, inner: Obj) {
        let empty = inner.0.is_empty();
        self.put_unless(rng, empty, key, inner.text());
    }
    fn text(self) -> String {
        format!("{{{}}}", self.0)
    }
}

fn quote(s: impl std::fmt::Display) -> String {
    format!("\"{s}\"")
}

/// Need levels by generator mode: uniform, high (scores up to 102), low, and mixed.
const LEVELS: [&[usize]; 4] = [&[0, 1, 2, 3, 4], &[3, 4], &[0, 1, 2], &[0, 0, 1, 2, 4]];

fn generate(rng: &mut Rng, n: usize) -> Case {
    let mut c = Case::default();
    let (start, end) = (days_from_civil(2024, 9, 1), days_from_civil(2025, 8, 31));
    c.on = rng.edge(&[start, end], 10, start, end - start + 1);
    c.setting = rng.below(4) as usize;
    // Birth: for early years often exactly 23/24/59/60 months before `on`, give or take a day.
    let dob = if c.setting == EY || rng.chance(5) {
        let (y, m, d) = civil(c.on);
        let total = y * 12 + (m - 1) - rng.edge(&[23, 24, 59, 60], 70, 12, 60);
        let (y2, m2) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        let month_end = days_from_civil(y2 + (m2 / 12), m2 % 12 + 1, 1) - 1;
        days_from_civil(y2, m2, d.min(civil(month_end).2)) + rng.pick(&[-1, 0, 0, 1])
    } else {
        c.on - 365 * 4 - rng.below(365 * 13)
    };
    c.age = age_months(dob, c.on);
    let mut top = Obj::default();
    top.put("case_id", quote(format!("HG-{n}")));
    top.put("date_of_birth", quote(ymd(dob)));
    top.put("setting", quote(SETTINGS[c.setting]));
    c.ehcp = rng.below(4) as usize;
    top.put_unless(rng, c.ehcp == 0, "ehcp", quote(EHCP[c.ehcp]));
    let (mut needs, levels) = (Obj::default(), LEVELS[rng.below(4) as usize]);
    for (i, level) in c.needs.iter_mut().enumerate() {
        *level = rng.pick(levels);
        needs.put_unless(rng, *level == 0, NEEDS[i].0, *level);
    }
    top.nest(rng, "needs", needs);
    // SEN support; notional spend as a string with pence, a JSON number, or a string without.
    let mut sen = Obj::default();
    (c.apdr, c.advice, c.progress) = (rng.below(5), rng.chance(60), rng.below(3) as usize);
    c.spend = rng.edge(&[599_999, 600_000, 600_001, 0, 620_000], 50, 0, 1_200_000);
    let exact = format!("{}.{:02}", c.spend / 100, c.spend % 100);
    let spend = match rng.below(3) {
        0 => quote(&exact),
        1 if c.spend % 100 == 0 => (c.spend / 100).to_string(),
        1 => exact,
        _ => quote(milli(c.spend * 10)),
    };
    sen.put_unless(rng, c.apdr == 0, "apdr_cycles", c.apdr);
    sen.put_unless(rng, !c.advice, "specialist_advice", c.advice);
    sen.put_unless(rng, c.spend == 0, "notional_spend", spend);
    sen.put_unless(
        rng,
        c.progress == 0,
        "progress",
        quote(PROGRESS[c.progress]),
    );
    top.nest(rng, "sen_support", sen);
    // Early years: hours whole, to the hundredth or to the thousandth; development delays
    // clustered on the 6/12/18-month thresholds, sometimes missing.
    let mut ey = Obj::default();
    let (whole, hundredths) = (1000 * rng.below(31), 10 * rng.below(3001));
    let edges = [0, 15_000, 30_000, 12_500, whole, hundredths];
    c.hours = rng.edge(&edges, 70, 0, 30_001);
    c.weeks = rng.edge(&[38, 0, 52], 50, 0, 53);
    let q = if rng.chance(50) { "\"" } else { "" };
    let hours = format!("{q}{}{q}", milli(c.hours));
    ey.put_unless(rng, c.hours == 0, "funded_hours", hours);
    ey.put_unless(rng, c.weeks == 38, "weeks", c.weeks);
    let mut dev = Obj::default();
    for (i, slot) in c.dev.iter_mut().enumerate() {
        if rng.chance(if c.setting == EY { 93 } else { 50 }) {
            let delay = rng.edge(&[0, 5, 6, 7, 11, 12, 13, 17, 18, 19], 70, -5, 45);
            *slot = Some((c.age - delay).max(0));
            dev.put(DEV[i], (c.age - delay).max(0));
        }
    }
    ey.nest(rng, "development", dev);
    top.nest(rng, "early_years", ey);
    // Attendance (days where rounding matters) and the occasional panel override.
    c.days = rng.edge(&[190, 190, 190, 0, 1, 7, 100, 133, 189], 80, 0, 191);
    let mut attendance = Obj::default();
    attendance.put_unless(rng, c.days == 190, "days_on_roll", c.days);
    top.nest(rng, "attendance", attendance);
    if rng.chance(8) {
        let (band, reason) = (rng.below(8) as usize, format!("panel minute {n}"));
        let mut over = Obj::default();
        over.put("band", letter(band));
        over.put("reason", quote(&reason));
        top.put("override", over.text());
        c.over = Some((band, reason));
    }
    c.json = top.text();
    c
}

// ---------------------------------------------------------------------------------------------
// Oracle, straight from the spec.

struct Expected {
    status: &'static str,
    outputs: Vec<(&'static str, Value)>,
    panel: bool,
    /// Text each of which must appear somewhere in the reasons.
    reasons: Vec<String>,
}

fn applied(outputs: Vec<(&'static str, Value)>, panel: bool, reasons: Vec<String>) -> Expected {
    Expected {
        status: "applied",
        outputs,
        panel,
        reasons,
    }
}

fn nulls(status: &'static str, names: &[&'static str], reasons: Vec<String>) -> Expected {
    let outputs = names.iter().map(|n| (*n, Value::Null)).collect();
    Expected {
        status,
        outputs,
        panel: false,
        reasons,
    }
}

fn letter(band: usize) -> Value {
    Value::String(((b'A' + band as u8) as char).to_string())
}

fn topup(c: &Case) -> Expected {
    const OUT: [&str; 3] = ["band", "amount", "score"];
    if c.setting == EY {
        return nulls("not_applicable", &OUT, vec![]);
    }
    let score: i64 = (0..5).map(|i| NEEDS[i].1[c.needs[i]]).sum();
    let score_band = BAND_FROM.iter().rposition(|&from| score >= from).unwrap();
    let mut reasons = vec![];
    let band = if let Some((band, reason)) = &c.over {
        reasons.push(reason.clone());
        *band
    } else if c.ehcp == ISSUED {
        score_band.max(3)
    } else if c.setting == 0 {
        let evidence = [
            (c.apdr >= 2, "apdr_cycles"),
            (c.advice, "specialist_advice"),
            (c.spend >= 600_000, "notional_spend"),
        ];
        let missing = evidence.iter().filter(|e| !e.0).map(|e| e.1.to_string());
        if score_band < 2 {
            score_band
        } else if missing.clone().count() == 0 {
            2
        } else {
            reasons.extend(missing);
            1
        }
    } else {
        let why = "a specialist placement needs an issued EHCP".to_string();
        let mut e = nulls("ineligible", &OUT, vec![why]);
        e.outputs[2].1 = json!(score);
        return e;
    };
    let annual = ANNUAL[c.setting][band];
    if annual == NO {
        return nulls("error", &OUT, vec![]);
    }
    let amount = div_round(annual * 100 * c.days, 190);
    let panel = score >= 90;
    if panel {
        reasons.push("panel".into());
    }
    let outputs = vec![
        ("band", letter(band)),
        ("amount", pence(amount)),
        ("score", json!(score)),
    ];
    applied(outputs, panel, reasons)
}

/// Number of prime areas delayed by at least `n` months (of the development inputs given).
fn count(c: &Case, n: i64) -> usize {
    c.dev.iter().flatten().filter(|&&d| c.age - d >= n).count()
}

fn early_years(c: &Case) -> Expected {
    const OUT: [&str; 2] = ["band", "amount"];
    if c.setting != EY || c.age < 24 || c.age >= 60 || c.hours == 0 {
        return nulls("not_applicable", &OUT, vec![]);
    }
    if let Some(i) = c.dev.iter().position(Option::is_none) {
        // The rules stop with the input's label, not its internal name.
        let missing = format!(
            "{}: developmental age (months) is not recorded",
            DEV_LABEL[i]
        );
        return nulls("error", &OUT, vec![missing]);
    }
    let (c6, c12, c18) = (count(c, 6), count(c, 12), count(c, 18));
    let band = if c.ehcp == ISSUED {
        Some(3)
    } else if c18 >= 2 || ((c.ehcp == 1 || c.ehcp == 2) && c12 >= 1) {
        Some(2)
    } else if c12 >= 2 || c18 >= 1 {
        Some(1)
    } else if c6 >= 2 {
        Some(0)
    } else {
        None
    };
    let (band, amount) = match band {
        Some(b) => {
            let raw = EY_RATE[b] * c.hours.min(30_000) * c.weeks.min(38);
            (json!(format!("EY{}", b + 1)), div_round(raw, 1000))
        }
        None => (Value::Null, 0),
    };
    let outputs = vec![("band", band), ("amount", pence(amount))];
    applied(outputs, false, vec![])
}

fn threshold(c: &Case) -> Expected {
    const OUT: [&str; 6] = [
        "outcome",
        "severity",
        "graduated_response",
        "specialist_advice",
        "resources",
        "progress",
    ];
    if c.ehcp == ISSUED {
        return nulls("not_applicable", &OUT, vec![]);
    }
    let early = c.setting == EY && c.dev.iter().all(Option::is_some) && count(c, 12) >= 2;
    let severity = c.needs.iter().any(|&l| l >= 3)
        || c.needs.iter().filter(|&&l| l >= 2).count() >= 2
        || early;
    let criteria = [
        Some(severity),
        Some(c.apdr >= 2),
        Some(c.advice),
        (c.setting == 0).then_some(c.spend >= 600_000),
        Some(c.progress != 0),
    ];
    let unmet: Vec<String> = (1..5)
        .filter(|&i| criteria[i] == Some(false))
        .map(|i| OUT[i + 1].to_string())
        .collect();
    let (outcome, reasons) = match (severity, unmet.is_empty()) {
        (false, _) => ("not_met", vec![]),
        (true, true) => ("meets", vec![]),
        (true, false) => ("borderline", unmet),
    };
    let mut outputs = vec![("outcome", json!(outcome))];
    for (i, met) in criteria.iter().enumerate() {
        let text = match met {
            Some(true) => "met",
            Some(false) => "not_met",
            None => "not_applicable",
        };
        outputs.push((OUT[i + 1], json!(text)));
    }
    applied(outputs, false, reasons)
}

// ---------------------------------------------------------------------------------------------
// Comparison.

fn engine_view(got: &FamilyResult) -> Value {
    let outputs: serde_json::Map<_, _> = got
        .outputs
        .iter()
        .map(|o| (o.name.to_string(), o.to_json()))
        .collect();
    json!({"status": got.status, "outputs": outputs, "flags": got.flags, "reasons": got.reasons})
}

fn differences(exp: &Expected, got: &FamilyResult) -> Vec<String> {
    let mut diffs = vec![];
    if got.status.as_str() != exp.status {
        let have = got.status.as_str();
        diffs.push(format!("status: expected {}, engine {have}", exp.status));
    }
    for (name, want) in &exp.outputs {
        let have = got.output(name).map_or(json!("<missing>"), |o| o.to_json());
        if &have != want {
            diffs.push(format!("{name}: expected {want}, engine {have}"));
        }
    }
    let panel = got.flags.iter().any(|f| f == "exceptional_panel");
    if panel != exp.panel {
        diffs.push(format!("exceptional_panel: engine {panel}"));
    }
    for needle in &exp.reasons {
        if !got.reasons.iter().any(|r| r.contains(needle.as_str())) {
            diffs.push(format!("reasons do not mention {needle:?}"));
        }
    }
    diffs
}

/// Count the engine's status, band or outcome (`none` for null) and panel flag for a family.
fn tally(coverage: &mut BTreeMap<String, usize>, family: &str, got: &FamilyResult) {
    let mut seen = vec![got.status.as_str().to_string()];
    let first = ["band", "outcome"].iter().find_map(|o| got.output(o));
    if let (Status::Applied, Some(o)) = (got.status, first) {
        seen.push(o.to_json().as_str().unwrap_or("none").to_string());
    }
    if got.flags.iter().any(|f| f == "exceptional_panel") {
        seen.push("exceptional_panel".into());
    }
    for s in seen {
        *coverage.entry(format!("{family} {s}")).or_default() += 1;
    }
}

/// What the sample must contain (each at least 20 times), by family.
const WANTED: &str =
    "topup: A B C D E F G H applied not_applicable ineligible error exceptional_panel; \
    early_years: EY1 EY2 EY3 EY4 none applied error not_applicable; \
    ehcp_threshold: meets borderline not_met applied not_applicable";

#[test]
fn the_rule_set_agrees_with_an_oracle_written_from_the_spec() {
    let rules = RuleSet::from_folder(Path::new("rules/haringey/2024-25")).expect("rule set loads");
    let mut rng = Rng(0x5E4D_BA4D_2024_0025);
    let mut coverage = BTreeMap::new();
    let (mut mismatches, mut shown) = (0usize, Vec::new());
    for n in 0..CASES {
        let case = generate(&mut rng, n);
        let on: Date = ymd(case.on).parse().expect("date");
        let decision = rules
            .evaluate_json(&case.json, on)
            .unwrap_or_else(|e| panic!("valid profile rejected: {e}\n{}", case.json));
        // Batch runs evaluate without reasons or trace: everything else must be the same.
        let facts = rules.facts_from_json(&case.json).expect("validated above");
        let lean = rules.evaluate_lean(&facts, on);
        for (full, lean) in decision.results.iter().zip(&lean.results) {
            assert_eq!(
                (&full.status, &full.outputs, &full.flags),
                (&lean.status, &lean.outputs, &lean.flags),
                "lean evaluation differs for {}",
                case.json
            );
            assert!(lean.trace.is_empty());
            // An error keeps its own reason (the last), so a batch can say what went wrong.
            let want: &[String] = match full.status {
                sendband::Status::Error => &full.reasons[full.reasons.len().saturating_sub(1)..],
                _ => &[],
            };
            assert_eq!(lean.reasons, want, "{}", case.json);
        }
        let expected = [
            ("topup", topup(&case)),
            ("early_years", early_years(&case)),
            ("ehcp_threshold", threshold(&case)),
        ];
        for (family, exp) in expected {
            let got = decision.family(family).expect("every family is reported");
            tally(&mut coverage, family, got);
            let diffs = differences(&exp, got);
            if !diffs.is_empty() {
                mismatches += 1;
                if shown.len() < 10 {
                    shown.push(format!(
                        "{family} on {}: {}\n  profile: {}\n  engine:  {}",
                        ymd(case.on),
                        diffs.join("; "),
                        case.json,
                        engine_view(got)
                    ));
                }
            }
        }
    }
    let report: String = coverage
        .iter()
        .map(|(k, v)| format!("\n  {k}: {v}"))
        .collect();
    eprintln!("{CASES} profiles; coverage:{report}");
    let first = shown.join("\n\n");
    assert_eq!(mismatches, 0, "disagreements; the first:\n{first}");
    for group in WANTED.split(';') {
        let (family, wanted) = group.split_once(':').expect("family: items");
        for w in wanted.split_whitespace() {
            let key = format!("{} {w}", family.trim());
            let seen = coverage.get(&key).copied().unwrap_or(0);
            assert!(seen >= 20, "coverage: only {seen} cases of {key}");
        }
    }
}

#[test]
fn dates_outside_the_version_are_refused() {
    let folder = Path::new("rules/haringey");
    for (inside, version) in [
        ("2024-09-01", "2024-25"),
        ("2025-08-31", "2024-25"),
        ("2025-09-01", "2025-26"),
        ("2027-08-31", "2026-27"),
    ] {
        let on: Date = inside.parse().expect("date");
        let loaded = sendband::ruleset::load(Some(folder), on).expect("in force");
        assert_eq!(loaded.manifest().version, version, "{inside}");
    }
    for outside in ["2024-08-31", "2027-09-01"] {
        let on: Date = outside.parse().expect("date");
        let Err(err) = sendband::ruleset::load(Some(folder), on) else {
            panic!("{outside}: expected no version in force");
        };
        let text = err.to_string();
        let want = format!("no version is in force on {outside}");
        assert!(text.contains(&want), "{outside}: {text}");
    }
}
