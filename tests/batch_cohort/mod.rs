//! A synthetic Haringey cohort for the batch tests, written as CSV, JSON Lines and xlsx, and
//! helpers to run `sendband batch` and read what it wrote. No real data: a seeded generator.
#![allow(dead_code)]

use crate::common::{sendband, Run, ON};
use std::collections::BTreeMap;
use std::path::Path;

/// A field value as a generated profile holds it.
#[derive(Clone, Debug)]
pub enum V {
    Text(String),
    Int(i64),
    Bool(bool),
    Money(String),
    Date(u16, u8, u8),
}

/// A profile: dotted input names and values, in column order; absent fields are left out.
pub type Profile = Vec<(&'static str, V)>;

/// The CSV and xlsx columns: every declared Haringey input.
pub const COLUMNS: &[&str] = &[
    "case_id",
    "date_of_birth",
    "setting",
    "ehcp",
    "needs.communication_interaction",
    "needs.cognition_learning",
    "needs.semh",
    "needs.sensory_physical",
    "needs.medical_personal_care",
    "sen_support.apdr_cycles",
    "sen_support.specialist_advice",
    "sen_support.notional_spend",
    "sen_support.progress",
    "early_years.funded_hours",
    "early_years.weeks",
    "early_years.development.communication_language",
    "early_years.development.physical",
    "early_years.development.psed",
    "attendance.days_on_roll",
    "override.band",
    "override.reason",
];

/// The worked example of the README (`examples/haringey-band-c.json`).
pub fn worked_example() -> Profile {
    vec![
        ("case_id", V::Text("HG-EXAMPLE-2".into())),
        ("date_of_birth", V::Date(2016, 2, 14)),
        ("setting", V::Text("mainstream_school".into())),
        ("ehcp", V::Text("none".into())),
        ("needs.communication_interaction", V::Int(3)),
        ("needs.semh", V::Int(2)),
        ("sen_support.apdr_cycles", V::Int(2)),
        ("sen_support.specialist_advice", V::Bool(true)),
        ("sen_support.notional_spend", V::Money("6200.00".into())),
        ("sen_support.progress", V::Text("limited".into())),
    ]
}

/// `n` synthetic profiles from a tiny seeded generator (SplitMix64), the worked example first.
pub fn cohort(n: usize) -> Vec<Profile> {
    let mut state = 0x5EED_u64;
    let mut next = move |below: u64| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below
    };
    let pick = |i: u64, from: &[&str]| V::Text(from[i as usize].to_string());
    let mut all = vec![worked_example()];
    for i in 1..n {
        let setting = ["mainstream_school", "resourced_provision", "special_school"]
            .get(next(4) as usize)
            .copied()
            .unwrap_or("early_years_setting");
        let mut p: Profile = vec![("case_id", V::Text(format!("SYN-{i:04}")))];
        let early = setting == "early_years_setting";
        let year = if early {
            2021 + next(2)
        } else {
            2009 + next(11)
        };
        p.push((
            "date_of_birth",
            V::Date(year as u16, 1 + next(12) as u8, 1 + next(28) as u8),
        ));
        p.push(("setting", V::Text(setting.into())));
        if next(3) > 0 {
            p.push((
                "ehcp",
                pick(next(4), &["none", "requested", "assessing", "issued"]),
            ));
        }
        for need in &COLUMNS[4..9] {
            if next(4) > 0 {
                p.push((need, V::Int(next(5) as i64)));
            }
        }
        p.push(("sen_support.apdr_cycles", V::Int(next(4) as i64)));
        p.push(("sen_support.specialist_advice", V::Bool(next(2) == 1)));
        if next(2) == 1 {
            let pence = next(900_000);
            let spend = format!("{}.{:02}", pence / 100, pence % 100);
            p.push(("sen_support.notional_spend", V::Money(spend)));
        }
        p.push((
            "sen_support.progress",
            pick(next(3), &["expected", "limited", "none"]),
        ));
        if early {
            p.push(("early_years.funded_hours", V::Int(5 * (1 + next(6)) as i64)));
            for dev in &COLUMNS[15..18] {
                p.push((dev, V::Int(next(40) as i64)));
            }
        }
        if next(3) == 0 {
            p.push(("attendance.days_on_roll", V::Int(1 + next(190) as i64)));
        }
        if next(20) == 0 {
            p.push((
                "override.band",
                pick(next(8), &["A", "B", "C", "D", "E", "F", "G", "H"]),
            ));
            // A comma and a quote, so CSV quoting is exercised both ways.
            p.push((
                "override.reason",
                V::Text("Panel agreed, \"exceptional\"".into()),
            ));
        }
        all.push(p);
    }
    all
}

pub fn text(v: &V) -> String {
    match v {
        V::Text(s) | V::Money(s) => s.clone(),
        V::Int(i) => i.to_string(),
        V::Bool(b) => b.to_string(),
        V::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
    }
}

/// A profile as one line of JSON, nested by the dotted names.
pub fn json_line(p: &Profile) -> String {
    let mut top = serde_json::Map::new();
    for (name, v) in p {
        let value = match v {
            V::Int(i) => serde_json::json!(i),
            V::Bool(b) => serde_json::json!(b),
            other => serde_json::json!(text(other)),
        };
        let mut parts: Vec<&str> = name.split('.').collect();
        let last = parts.pop().expect("a name");
        let mut map = &mut top;
        for part in parts {
            map = map
                .entry(part)
                .or_insert_with(|| serde_json::json!({}))
                .as_object_mut()
                .expect("an object");
        }
        map.insert(last.to_string(), value);
    }
    serde_json::Value::Object(top).to_string()
}

pub fn jsonl(profiles: &[Profile]) -> String {
    profiles.iter().map(|p| json_line(p) + "\n").collect()
}

pub fn csv(profiles: &[Profile]) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("header");
    for p in profiles {
        let row: Vec<String> = COLUMNS
            .iter()
            .map(|c| {
                p.iter()
                    .find(|(n, _)| n == c)
                    .map(|(_, v)| text(v))
                    .unwrap_or_default()
            })
            .collect();
        w.write_record(&row).expect("row");
    }
    String::from_utf8(w.into_inner().expect("flush")).expect("UTF-8")
}

/// The profiles as a workbook: numbers as numbers, dates as date cells, a blank row after
/// `blank_after` data rows when given.
pub fn write_xlsx(profiles: &[Profile], path: &Path, blank_after: Option<usize>) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet.write_string(0, c as u16, *name).expect("header");
    }
    let mut r = 0u32;
    for (i, p) in profiles.iter().enumerate() {
        r += if blank_after == Some(i) { 2 } else { 1 };
        for (name, v) in p {
            let c = COLUMNS.iter().position(|n| n == name).expect("a column") as u16;
            match v {
                V::Text(s) => sheet.write_string(r, c, s),
                V::Int(i) => sheet.write_number(r, c, *i as f64),
                V::Bool(b) => sheet.write_boolean(r, c, *b),
                V::Money(s) => sheet.write_number(r, c, s.parse::<f64>().expect("amount")),
                V::Date(y, m, d) => {
                    let dt = ExcelDateTime::from_ymd(*y, *m, *d).expect("date");
                    sheet.write_datetime_with_format(r, c, &dt, &date)
                }
            }
            .expect("cell");
        }
    }
    book.save(path).expect("save xlsx");
}

pub fn p(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().expect("UTF-8 path").to_string()
}

pub fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Run `sendband batch --on ON -q` with more arguments.
pub fn batch_run(args: &[&str], stdin: &str) -> Run {
    let mut all = vec!["batch", "--on", ON, "-q"];
    all.extend_from_slice(args);
    sendband(&all, stdin)
}

/// CSV text as maps from column to cell.
pub fn records(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = ::csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            header
                .iter()
                .map(String::from)
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

pub fn on() -> sendband::Date {
    crate::common::on()
}

pub fn rules() -> sendband::RuleSet {
    sendband::RuleSet::embedded(sendband::Date::new(2025, 1, 15).expect("date"))
        .expect("built-in rules")
}
