//! `sendband diff`: the impact of Haringey's 2025-26 draft on a synthetic cohort. Totals are the
//! sums of the per-case changes, the changes file agrees with the summary, and a CSV cohort
//! gives what the same profiles give as JSON Lines.

mod batch_cohort;
mod common;

use common::{sendband, Run};
use rust_decimal::Decimal;
use sendband::impact::{compare, Change, Cohort, Impact};
use sendband::{Date, RuleSet};
use std::path::Path;

fn on() -> Date {
    "2025-01-15".parse().expect("date")
}

fn rules(path: &str) -> RuleSet {
    RuleSet::from_folder(Path::new(path)).expect("loads")
}

fn cohort(n: u64) -> String {
    let mut out = Vec::new();
    sendband::synth::write_jsonl(&rules("rules/haringey/2024-25"), n, 21, on(), &mut out)
        .expect("synth");
    String::from_utf8(out).expect("utf-8")
}

/// `sendband diff` of Haringey's 2025-26 draft against 2024-25 on `cohort` on 2025-01-15,
/// writing `changes`, with more arguments.
fn diff_cli(cohort: &Path, changes: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "diff",
        "--base",
        "rules/haringey",
        "--proposed",
        "rules/haringey/2025-26-draft",
        "--cohort",
        cohort.to_str().expect("path"),
        "--on",
        "2025-01-15",
        "--changes",
        changes.to_str().expect("path"),
    ];
    args.extend_from_slice(extra);
    sendband(&args, "")
}

fn impact_of(text: &str) -> (Impact, Vec<Change>) {
    impact_of_cohort(Cohort::Jsonl(text.as_bytes()))
}

fn impact_of_cohort(cohort: Cohort<&[u8]>) -> (Impact, Vec<Change>) {
    let mut changes = Vec::new();
    let impact = compare(
        &rules("rules/haringey/2024-25"),
        &rules("rules/haringey/2025-26-draft"),
        on(),
        cohort,
        "cohort",
        &mut |c| {
            changes.push(c.clone());
            Ok(())
        },
    )
    .expect("compares");
    (impact, changes)
}

#[test]
fn totals_are_the_sums_of_the_per_case_changes() {
    let (impact, changes) = impact_of(&cohort(4000));
    assert_eq!((impact.rows, impact.compared), (4000, 4000));
    assert!(impact.rejected.is_empty());
    let topup = &impact.families[0];
    assert_eq!(topup.family, "topup");
    let deltas: Decimal = changes
        .iter()
        .filter(|c| c.family == "topup")
        .map(Change::delta)
        .sum();
    assert_eq!(topup.cost_proposed - topup.cost_base, deltas);
    assert_eq!(topup.gained - topup.lost, deltas);
    assert_eq!(topup.gain + topup.lose + topup.stay, 4000);
    // The draft raises every value: nobody loses, and at least one case in ten gains.
    assert_eq!((topup.lose, topup.lost), (0, Decimal::ZERO));
    assert!(topup.gain >= 400, "{} gain", topup.gain);
    let by_band: (Decimal, Decimal) = topup
        .by_band_setting
        .values()
        .fold((Decimal::ZERO, Decimal::ZERO), |a, b| {
            (a.0 + b.0, a.1 + b.1)
        });
    assert_eq!(by_band, (topup.cost_base, topup.cost_proposed));
    assert_eq!(topup.transitions.values().sum::<u64>(), 4000);
    // Only Band C's new evidence moves a band, and only from B to C.
    for ((from, to), n) in &topup.transitions {
        assert!(
            from == to || (from, to) == (&"B".into(), &"C".into()),
            "{from} -> {to}: {n}"
        );
    }
    // Early years and the needs-assessment threshold do not change.
    assert!(changes.iter().all(|c| c.family == "topup"));
    assert_eq!(
        impact.families[1].cost_base,
        impact.families[1].cost_proposed
    );
    // Movers: the largest first, each a real change.
    let sizes: Vec<Decimal> = topup.movers.iter().map(|m| m.delta().abs()).collect();
    assert_eq!(sizes.len(), sendband::impact::MOVERS);
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    let largest = changes.iter().map(|c| c.delta().abs()).max();
    assert_eq!(largest, sizes.first().copied());
}

#[test]
fn the_changes_file_agrees_with_the_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("cohort.jsonl");
    std::fs::write(&input, cohort(3000)).expect("write");
    let changes = dir.path().join("changes.csv");
    let Run { code, stdout, .. } = diff_cli(&input, &changes, &[]);
    assert_eq!(code, 0, "{stdout}");
    let text = std::fs::read_to_string(&changes).expect("changes written");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(sendband::impact::CHANGES_HEADER.trim_end())
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let sum: Decimal = rows
        .iter()
        .filter(|r| r[2] == "topup")
        .map(|r| r[9].parse::<Decimal>().expect("change"))
        .sum();
    // "  cost: 1234.00 -> 1271.02 (+37.02, +3.0%)"
    let cost = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("cost: "))
        .expect("a cost line");
    let diff = cost
        .split('(')
        .nth(1)
        .and_then(|x| x.split(',').next())
        .expect("difference");
    assert_eq!(diff.trim_start_matches('+').parse::<Decimal>(), Ok(sum));
    let changed: usize = stdout
        .lines()
        .find_map(|l| l.split("; ").nth(1)?.strip_suffix(" cases changed"))
        .and_then(|n| n.parse().ok())
        .expect("cases changed");
    assert_eq!(changed, rows.len());
}

#[test]
fn a_csv_cohort_is_compared_as_its_json_lines_are_and_refusals_are_counted() {
    let jsonl = r#"{"case_id": "A", "date_of_birth": "2016-03-01", "setting": "special_school", "ehcp": "issued", "needs": {"semh": 4}}
{"case_id": "B", "date_of_birth": "2016-03-01", "setting": "mainstream_school", "needs": {"communication_interaction": 3, "semh": 2}, "sen_support": {"apdr_cycles": 1, "specialist_advice": true, "notional_spend": "6000.00"}}
"#;
    let csv = "case_id,date_of_birth,setting,ehcp,needs.communication_interaction,needs.semh,\
sen_support.apdr_cycles,sen_support.specialist_advice,sen_support.notional_spend
A,2016-03-01,special_school,issued,,4,,,
B,2016-03-01,mainstream_school,,3,2,1,true,6000.00
C,2016-03-01,academy,,,,,,
";
    let (from_json, json_changes) = impact_of(jsonl);
    let (from_csv, csv_changes) = impact_of_cohort(Cohort::Csv(csv.as_bytes()));
    assert_eq!(json_changes, csv_changes);
    assert_eq!(
        from_json.families[0].cost_proposed,
        from_csv.families[0].cost_proposed
    );
    // A: special school, semh 4 (22) is band D with a plan: 9000.00 -> 9270.00.
    // B: score 19 with one APDR cycle: B (0.00) -> C (3090.00).
    let deltas: Vec<String> = json_changes.iter().map(|c| c.delta().to_string()).collect();
    assert_eq!(deltas, ["270.00", "3090.00"]);
    assert_eq!((from_csv.rows, from_csv.compared), (3, 2));
    let (row, case_id, why) = &from_csv.rejected[0];
    assert_eq!((*row, case_id.as_deref()), (3, Some("C")));
    assert!(
        why.starts_with("base rule set: setting: \"academy\" is not one of"),
        "{why}"
    );
}

#[test]
fn the_report_escapes_what_a_cohort_says() {
    let hostile = r#"{"case_id": "<script>alert(1)</script>", "date_of_birth": "2016-03-01", "setting": "special_school", "ehcp": "issued", "needs": {"semh": 4}}"#;
    let (impact, _) = impact_of(hostile);
    let title = sendband::impact::ReportTitle {
        base: "base <b>".into(),
        proposed: "proposed".into(),
        on: "2025-01-15".into(),
        cohort: "c.jsonl".into(),
    };
    let html = sendband::impact::report(&impact, &title, &[]);
    assert!(!html.contains("<script"), "a case id became markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("against base &lt;b&gt;;"));
    // The one change, +270.00, is the difference shown.
    assert!(html.contains(r#"data-figure="cost-difference" data-value="270.00">+£270.00<"#));
}

#[test]
fn a_bad_row_of_a_cohort_is_refused_and_the_diff_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long = "x".repeat(sendband::batch::MAX_ROW_BYTES + 1);
    // Rows 1, 2 and 5 are good; row 3 is a short record, row 4 is over the row limit.
    let csv = format!(
        "case_id,date_of_birth,setting,ehcp,needs.communication_interaction,needs.semh,\
sen_support.apdr_cycles,sen_support.specialist_advice,sen_support.notional_spend
A,2016-03-01,special_school,issued,,4,,,
B,2016-03-01,mainstream_school,,3,2,1,true,6000.00
C,2016-03-01
D,2016-03-01,special_school,issued,,4,,,{long}
E,2016-03-01,special_school,issued,,4,,,
"
    );
    let cohort = dir.path().join("cohort.csv");
    std::fs::write(&cohort, csv).expect("write");
    let changes = dir.path().join("changes.csv");
    let report = dir.path().join("report.html");
    let Run {
        code,
        stdout,
        stderr,
    } = diff_cli(
        &cohort,
        &changes,
        &["--report", report.to_str().expect("path")],
    );
    // Refused rows make the exit code 1, but the comparison is complete.
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[1],
        "Cohort: 5 profiles, 3 compared, 2 refused (unreadable, or invalid under either rule \
         set); 3 cases changed"
    );
    assert_eq!(
        lines[2],
        "  refused: row 3 (C): (row): has 2 fields, but the header has 9"
    );
    assert_eq!(
        lines[3],
        "  refused: row 4 (D): (row): the row is longer than 1048576 bytes (1 MiB), the most a \
         row may be"
    );
    // A and E: band D with a plan, 9000.00 -> 9270.00 each; B: band B (0.00) -> C (3090.00).
    assert!(
        stdout.contains("\n  cost: 18000.00 -> 21630.00 (+3630.00, +20.2%)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n  cases: 3 gain (+3630.00), 0 lose (0.00), 0 stay\n"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&changes).expect("changes written");
    let rows: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default())
        .collect();
    assert_eq!(rows, ["1", "2", "5"]);
    let html = std::fs::read_to_string(&report).expect("report written");
    assert!(html.contains(r#"data-figure="refused">2<"#), "{html}");
    assert!(html.contains("<td>4</td><td>D</td>"), "{html}");
}

#[test]
fn csv_jsonl_and_xlsx_cohorts_are_read_as_a_batch_reads_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let people = batch_cohort::cohort(300);
    std::fs::write(dir.path().join("c.csv"), batch_cohort::csv(&people)).expect("write");
    std::fs::write(dir.path().join("c.jsonl"), batch_cohort::jsonl(&people)).expect("write");
    batch_cohort::write_xlsx(&people, &dir.path().join("c.xlsx"), None);
    let on: Date = common::ON.parse().expect("date");
    let mut seen = Vec::new();
    for name in ["c.csv", "c.jsonl", "c.xlsx"] {
        let cohort = Cohort::open(&dir.path().join(name)).expect("opens");
        let mut changes = Vec::new();
        let impact = compare(
            &rules("rules/haringey/2024-25"),
            &rules("rules/haringey/2025-26-draft"),
            on,
            cohort,
            name,
            &mut |c| {
                changes.push(c.clone());
                Ok(())
            },
        )
        .expect("compares");
        assert_eq!(impact.rows, 300, "{name}");
        let refused: Vec<u64> = impact.rejected.iter().map(|r| r.0).collect();
        seen.push((name, impact.compared, refused, changes));
    }
    assert!(seen[0].1 > 250, "{} compared", seen[0].1);
    for other in &seen[1..] {
        assert_eq!(seen[0].1, other.1, "compared in {}", other.0);
        assert_eq!(seen[0].2, other.2, "refused rows of {}", other.0);
        assert_eq!(seen[0].3, other.3, "changes of {}", other.0);
    }
    // A file that is no cohort format is refused before anything is read.
    match Cohort::open(Path::new("cohort.txt")) {
        Err(e) => assert_eq!(
            e.to_string(),
            "cohort.txt: a cohort is a .csv, .jsonl, .ndjson or .xlsx file"
        ),
        Ok(_) => panic!("a .txt cohort opened"),
    }
}

#[test]
fn a_rate_is_never_a_cost() {
    // The first money output is an hourly rate; the amount paid comes second. The draft raises
    // the rate but pays the same: the cost must not move, and the rate is reported as such.
    let inputs = r#"[{"name": "paid", "type": "money", "label": "Amount paid"}]"#;
    let family = |rate: &str| {
        format!(
            r#"{{"name": "pay", "title": "Pay", "steps": [], "outputs": [
              {{"name": "hourly_rate", "value": "{rate}", "format": "money", "kind": "rate"}},
              {{"name": "amount", "value": "paid", "format": "money"}}]}}"#
        )
    };
    let base = common::load(inputs, &[&family("10.00")]);
    let proposed = common::load(inputs, &[&family("12.00")]);
    let cohort = "{\"paid\": \"100.00\"}\n{\"paid\": \"200.00\"}\n";
    let impact = compare(
        &base,
        &proposed,
        on(),
        Cohort::Jsonl(cohort.as_bytes()),
        "cohort",
        &mut |_| Ok(()),
    )
    .expect("compares");
    let pay = &impact.families[0];
    assert_eq!(
        (pay.cost_base, pay.cost_proposed),
        (Decimal::new(30000, 2), Decimal::new(30000, 2))
    );
    assert_eq!((pay.gain, pay.lose, pay.stay), (0, 0, 2));
    let text = impact.to_text();
    assert!(
        text.contains(
            "Pay\n  not added up (not amounts paid): hourly_rate (rate)\n  \
             cost: 300.00 -> 300.00 (0.00, +0%)\n"
        ),
        "{text}"
    );
}

/// `diff --group-by` totals each family's cost by an input's values, named by the inputs' and
/// values' labels; each group's totals are what the diff of that group's rows alone gives, and
/// the groups add up to the family's cost.
#[test]
fn group_by_totals_each_family_by_an_input_s_values() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-group-by");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let all = dir.join("all.jsonl");
    let run = common::sendband(
        &[
            "synth",
            "--rules",
            "rules/haringey/2024-25",
            "--on",
            "2025-01-15",
            "--n",
            "400",
            "--seed",
            "11",
            "-o",
            &all.display().to_string(),
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&all).expect("cohort");
    let special: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("\"setting\":\"special_school\""))
        .collect();
    assert!(special.len() > 10, "{} special school rows", special.len());
    let only = dir.join("special.jsonl");
    std::fs::write(&only, special.join("\n") + "\n").expect("write");
    let diff = |cohort: &std::path::Path, extra: &[&str]| {
        let cohort = cohort.display().to_string();
        let mut args = vec![
            "diff",
            "--base",
            "rules/haringey/2024-25",
            "--proposed",
            "rules/haringey/2025-26-draft",
            "--cohort",
            &cohort,
            "--on",
            "2025-01-15",
        ];
        args.extend_from_slice(extra);
        let run = common::sendband(&args, "");
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let grouped = diff(&all, &["--group-by", "setting", "--group-by", "ehcp"]);
    let alone = diff(&only, &[]);
    // The topup cost of the special school rows alone: "  cost: X -> Y (...)".
    let cost_line = alone
        .lines()
        .find(|l| l.starts_with("  cost: "))
        .expect("cost line");
    let figures = cost_line.trim_start_matches("  cost: ");
    let (now, rest) = figures.split_once(" -> ").expect("arrow");
    let proposed = rest.split(' ').next().expect("proposed");
    let now: Decimal = now.parse().expect("now");
    let proposed: Decimal = proposed.parse().expect("proposed");
    // In the grouped run, the special school groups (by EHC plan status) add up to the same.
    let section = grouped
        .split("  cost by Setting / EHC plan (base -> proposed):\n")
        .nth(1)
        .expect("the topup groups");
    let mut sum = (Decimal::ZERO, Decimal::ZERO);
    let mut groups = 0;
    for line in section.lines().take_while(|l| l.starts_with("    ")) {
        let (group, figures) = line.trim().split_once(": ").expect("group line");
        let (b, rest) = figures.split_once(" -> ").expect("arrow");
        let p = rest.split(' ').next().expect("figure");
        groups += 1;
        // Both are enums: each value is shown by its label, never its code.
        assert!(!group.contains('_'), "{group}");
        if group.starts_with("Special school / ") {
            sum.0 += b.parse::<Decimal>().expect("decimal");
            sum.1 += p.parse::<Decimal>().expect("decimal");
        }
    }
    assert!(groups >= 4, "{section}");
    assert!(
        section.contains("    Special school / Plan issued: "),
        "{section}"
    );
    assert_eq!(sum, (now, proposed), "{grouped}");
}
