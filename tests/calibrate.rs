//! `sendband calibrate` (issue 21): the README's example, the shipped draft calibrated to
//! cost-neutral against 2024-25, meets its target within the rounding step, and `diff` of the
//! calibrated bundle, run on its own, gives the same totals.

mod common;

use common::sendband;
use rust_decimal::Decimal;
use std::path::Path;

/// The first amount (`£1,234.50`) after `label` on the line that holds it.
fn pounds_after(text: &str, label: &str) -> Decimal {
    let line = text
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no {label:?} in:\n{text}"));
    let after = &line[line.find(label).unwrap_or(0) + label.len()..];
    let at = after
        .find('£')
        .unwrap_or_else(|| panic!("no amount in {line:?}"));
    let digits: String = after[at + '£'.len_utf8()..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
        .filter(|c| *c != ',')
        .collect();
    let digits = digits.trim_end_matches('.');
    digits
        .parse()
        .unwrap_or_else(|e| panic!("{digits:?} after {label:?}: {e}"))
}

#[test]
fn the_draft_calibrated_to_cost_neutral_meets_it_within_the_rounding_step() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("calibrate");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let cohort = dir.join("cohort.jsonl");
    let bundle = dir.join("calibrated.json");
    let report = dir.join("report.html");
    let (cohort_s, bundle_s, report_s) = (
        cohort.display().to_string(),
        bundle.display().to_string(),
        report.display().to_string(),
    );
    // The README's commands.
    let run = sendband(
        &[
            "synth",
            "--rules",
            "rules/haringey/2024-25",
            "--on",
            "2025-01-15",
            "--n",
            "2000",
            "--seed",
            "7",
            "--cover",
            "rules/haringey/2025-26-draft",
            "-o",
            &cohort_s,
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = sendband(
        &[
            "calibrate",
            "--base",
            "rules/haringey/2024-25",
            "--proposed",
            "rules/haringey/2025-26-draft",
            "--cohort",
            &cohort_s,
            "--on",
            "2025-01-15",
            "--free",
            "topup/annual_value",
            "--cost-neutral",
            "-o",
            &bundle_s,
            "--report",
            &report_s,
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = &run.stdout;
    let target = pounds_after(text, "Target:");
    let cost = pounds_after(text, "Cost:");
    let next = pounds_after(text, "the next factor, ");
    let base_cost = pounds_after(text, "the base's cost is");
    assert_eq!(target, base_cost, "cost-neutral: {text}");
    // The chosen cost and the next factor's lie either side of the target, and the chosen
    // is the nearer: no factor (to 6 places) comes closer.
    assert!(
        (cost <= target && target <= next) || (next <= target && target <= cost),
        "{text}"
    );
    assert!((cost - target).abs() <= (next - target).abs(), "{text}");
    // Within the rounding step: a few pence on a cohort costing millions.
    assert!((cost - target).abs() < Decimal::from(10), "{text}");
    assert!(
        text.contains("What binds: the rounding of the free values to 2 places"),
        "{text}"
    );
    let factor: Decimal = text
        .lines()
        .find_map(|l| l.strip_prefix("Factor: "))
        .expect("factor")
        .parse()
        .expect("decimal");
    // The Band C relaxation costs money, so cost-neutral needs the values down, not up 3%.
    assert!(factor < Decimal::ONE, "{factor}");

    // The calibrated bundle, diffed on its own, costs the same.
    let run = sendband(
        &[
            "diff",
            "--base",
            "rules/haringey/2024-25",
            "--proposed",
            &bundle_s,
            "--cohort",
            &cohort_s,
            "--on",
            "2025-01-15",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let proposed_total: Decimal = run
        .stdout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("cost: "))
        .map(|l| {
            let after = l.split(" -> ").nth(1).expect("arrow");
            after
                .split(' ')
                .next()
                .expect("figure")
                .parse::<Decimal>()
                .expect("decimal")
        })
        .sum();
    assert_eq!(proposed_total, cost, "{}", run.stdout);

    let html = std::fs::read_to_string(&report).expect("report");
    assert!(html.contains("What changed in the rules"));
    assert!(!html.contains("<script") && !html.contains("src=\"http"));
}

/// Haringey 2024-25 and, beside it, a version `next` written as `changes` to it.
fn extended(name: &str, changes: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("calibrate-uplift")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    common::haringey_extended(&dir, changes)
}

/// 1,000 synthetic profiles of 2024-25, and the cases that cover `cover`'s rules where given,
/// written once per test into `dir`.
fn cohort(dir: &Path, cover: Option<&Path>) -> String {
    let path = dir.join("cohort.jsonl").display().to_string();
    let cover = cover.map(|c| c.display().to_string());
    let mut args = vec![
        "synth",
        "--rules",
        "rules/haringey/2024-25",
        "--on",
        "2025-01-15",
        "--n",
        "1000",
        "--seed",
        "3",
        "-o",
        &path,
    ];
    if let Some(cover) = &cover {
        args.extend(["--cover", cover]);
    }
    let run = sendband(&args, "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    path
}

/// `sendband calibrate` of `proposed` against the 2024-25 beside it on `cohort`, with `extra`
/// arguments.
fn calibrate(proposed: &Path, cohort: &str, out: &Path, extra: &[&str]) -> common::Run {
    calibrate_against(
        &proposed.with_file_name("2024-25"),
        proposed,
        cohort,
        out,
        extra,
    )
}

/// `sendband calibrate` of `proposed` against `base` on `cohort`, with `extra` arguments.
fn calibrate_against(
    base: &Path,
    proposed: &Path,
    cohort: &str,
    out: &Path,
    extra: &[&str],
) -> common::Run {
    let (base, proposed) = (base.display().to_string(), proposed.display().to_string());
    let out = out.display().to_string();
    let mut args = vec![
        "calibrate",
        "--base",
        &base,
        "--proposed",
        &proposed,
        "--cohort",
        cohort,
        "--on",
        "2025-01-15",
        "-o",
        &out,
    ];
    args.extend_from_slice(extra);
    sendband(&args, "")
}

/// The total cost proposed that `diff` gives for `bundle` against 2024-25 on `cohort`.
fn diffed_total(bundle: &Path, cohort: &str) -> Decimal {
    let bundle = bundle.display().to_string();
    let run = sendband(
        &[
            "diff",
            "--base",
            "rules/haringey/2024-25",
            "--proposed",
            &bundle,
            "--cohort",
            cohort,
            "--on",
            "2025-01-15",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("cost: "))
        .map(|l| {
            let after = l.split(" -> ").nth(1).expect("arrow");
            let figure = after.split(' ').next().expect("figure");
            figure.parse::<Decimal>().expect("decimal")
        })
        .sum()
}

/// The families of a bundle written by calibrate.
fn families(bundle: &Path) -> serde_json::Value {
    common::json_file(bundle)["families"].clone()
}

const UP_3: &str = r#"{"title": "Band values up 3%", "family": "topup", "step": "annual_value",
   "uplift": {"times": "1.03", "round": {"mode": "half_away_from_zero", "places": 2}}}"#;
const BAND_C: &str = r#"{"title": "Band C needs one review cycle", "family": "topup",
   "step": "apdr_evidence", "let": "sen_support.apdr_cycles >= 1"}"#;

/// An uplift's `times`, free, is the lookup's factor by another road: the values it gives are
/// the base's times it, rounded as the uplift declares. So it lands on the same factor, the
/// same values and the same cost as freeing the lookup, and the report keeps the changes'
/// titles.
#[test]
fn an_uplift_s_factor_calibrates_to_the_same_values_as_freeing_its_lookup() {
    let next = extended("times", &format!("[{UP_3}, {BAND_C}]"));
    let dir = next.parent().expect("dir");
    let cohort = cohort(dir, Some(&next));
    let (by_uplift, by_lookup) = (dir.join("by-uplift.json"), dir.join("by-lookup.json"));
    let report = dir.join("report.html");
    let report_s = report.display().to_string();
    let uplift = calibrate(
        &next,
        &cohort,
        &by_uplift,
        &[
            "--free-uplift",
            "1",
            "--cost-neutral",
            "--report",
            &report_s,
        ],
    );
    assert_eq!(uplift.code, 0, "{}", uplift.stderr);
    let lookup = calibrate(
        &next,
        &cohort,
        &by_lookup,
        &["--free", "topup/annual_value", "--cost-neutral"],
    );
    assert_eq!(lookup.code, 0, "{}", lookup.stderr);
    let factor = |text: &str, label: &str| -> Decimal {
        text.lines()
            .find_map(|l| l.strip_prefix(label))
            .unwrap_or_else(|| panic!("no {label:?} in {text}"))
            .parse()
            .expect("decimal")
    };
    let times = factor(&uplift.stdout, "Uplift: times ");
    assert_eq!(
        times,
        factor(&lookup.stdout, "Factor: "),
        "{}",
        uplift.stdout
    );
    assert!(times < Decimal::ONE, "{}", uplift.stdout);
    let cost = pounds_after(&uplift.stdout, "Cost:");
    assert_eq!(cost, pounds_after(&lookup.stdout, "Cost:"));
    assert_eq!(families(&by_uplift), families(&by_lookup));
    let next_times = pounds_after(&uplift.stdout, "the next uplift factor, ");
    let target = pounds_after(&uplift.stdout, "Target:");
    assert!(
        (cost - target).abs() <= (next_times - target).abs(),
        "{}",
        uplift.stdout
    );
    assert!(
        uplift
            .stdout
            .contains("What binds: the uplift's rounding of values to 2 places"),
        "{}",
        uplift.stdout
    );
    assert_eq!(diffed_total(&by_uplift, &cohort), cost);
    let html = std::fs::read_to_string(&report).expect("report");
    assert!(
        html.contains("Band C needs one review cycle"),
        "titles kept"
    );
    // The uplift is listed as calibrated, under its own title.
    assert!(
        html.contains(&format!(
            "Band values up 3%: Element 3 top-up band: each value times {times}, rounded"
        )),
        "the calibrated uplift in the report"
    );
}

/// An uplift's `plus`, free, is searched to the penny, below zero where the target asks, and
/// only the cells it picks move: each special school value is the base's plus the sum found.
#[test]
fn an_uplift_s_sum_calibrates_to_a_saving_and_an_independent_diff_agrees() {
    let special_plus = r#"{"title": "More a place in special schools", "family": "topup",
       "step": "annual_value", "uplift": {"plus": "100", "only": {"setting": ["special_school"]}}}"#;
    let next = extended("plus", &format!("[{BAND_C}, {special_plus}]"));
    let dir = next.parent().expect("dir");
    let cohort = cohort(dir, None);
    let out = dir.join("calibrated.json");
    let run = calibrate(
        &next,
        &cohort,
        &out,
        &["--free-uplift", "2", "--change", "-1"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = &run.stdout;
    let (target, base_cost) = (
        pounds_after(text, "Target:"),
        pounds_after(text, "the base's cost is"),
    );
    // Shown to the penny.
    let goal = base_cost - base_cost / Decimal::ONE_HUNDRED;
    assert_eq!(target, goal.round_dp(2), "{text}");
    let sum: Decimal = text
        .lines()
        .find_map(|l| l.strip_prefix("Uplift: plus "))
        .expect("sum")
        .replace(['£', ','], "")
        .parse()
        .expect("decimal");
    assert!(sum < Decimal::ZERO && sum.scale() == 2, "{text}");
    let cost = pounds_after(text, "Cost:");
    let next_cost = pounds_after(text, "gives ");
    assert!(
        (cost <= target && target <= next_cost) || (next_cost <= target && target <= cost),
        "{text}"
    );
    assert!(
        (cost - target).abs() <= (next_cost - target).abs(),
        "{text}"
    );
    assert!(
        text.contains("What binds: the sum added, a penny at a time"),
        "{text}"
    );
    assert_eq!(diffed_total(&out, &cohort), cost);
    let values = &families(&out)
        .as_array()
        .expect("families")
        .iter()
        .find(|f| f["name"] == "topup")
        .expect("topup")["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["name"] == "annual_value")
        .expect("annual_value")["lookup"]["values"]
        .clone();
    let cell = |band: &str, setting: &str| -> Decimal {
        values[band][setting]
            .as_str()
            .expect("a value")
            .parse()
            .expect("decimal")
    };
    assert_eq!(cell("D", "special_school"), Decimal::from(9000) + sum);
    assert_eq!(cell("H", "special_school"), Decimal::from(28000) + sum);
    assert_eq!(cell("D", "mainstream_school"), Decimal::from(4000));
}

/// A saving the free sum cannot reach, even with the smallest value it changes at zero, is
/// said with what binds, the bundle is still written, and the exit is 1.
#[test]
fn an_uplift_that_cannot_reach_the_target_says_what_binds_and_exits_1() {
    let special_plus = r#"{"family": "topup", "step": "annual_value",
       "uplift": {"plus": "0.01", "only": {"setting": ["special_school"]}}}"#;
    let next = extended("short", &format!("[{special_plus}]"));
    let dir = next.parent().expect("dir");
    let cohort = cohort(dir, None);
    let out = dir.join("calibrated.json");
    let run = calibrate(
        &next,
        &cohort,
        &out,
        &["--free-uplift", "1", "--change", "-60"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    // The smallest special school value is £9,000.00 (band D).
    assert!(
        run.stdout.contains("Uplift: plus -£9,000.00"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "What binds: even taking £9,000.00 from each value it changes (any more takes one \
             below zero) the cost is £"
        ),
        "{}",
        run.stdout
    );
    assert!(out.exists());
}

/// The free uplift is a change the proposal declares, on the very base given; anything else is
/// refused with why.
#[test]
fn a_free_uplift_must_be_an_uplift_of_a_version_written_on_the_base() {
    let next = extended("refused", &format!("[{BAND_C}, {UP_3}]"));
    let dir = next.parent().expect("dir");
    let cohort = cohort(dir, None);
    let out = dir.join("calibrated.json");
    let refused = |proposed: &Path, extra: &[&str], said: &str| {
        let run = calibrate(proposed, &cohort, &out, extra);
        assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(said), "{said:?} not in {}", run.stderr);
    };
    refused(
        &next,
        &["--free-uplift", "1", "--cost-neutral"],
        "change 1 (\"Band C needs one review cycle\") is not an uplift",
    );
    refused(
        &next,
        &["--free-uplift", "3", "--cost-neutral"],
        "next lists 2 changes, so it has no change 3",
    );
    refused(
        &next,
        &["--free-uplift", "0", "--cost-neutral"],
        "--free-uplift counts the changes from 1",
    );
    refused(
        &next,
        &["--free-uplift", "2", "--places", "3", "--cost-neutral"],
        "cannot be used with",
    );
    // A proposal written whole has no declared uplift.
    let whole = Path::new("rules/haringey/2025-26-draft");
    let base = Path::new("rules/haringey/2024-25");
    let uplift_1 = ["--free-uplift", "1", "--cost-neutral"];
    let run = calibrate_against(base, whole, &cohort, &out, &uplift_1);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("2025-26-draft is not written as changes to another version"),
        "{}",
        run.stderr
    );
    // A base other than the version the proposal is written on.
    let other = dir.join("other");
    common::haringey_copy(&other, |name, text| {
        if name == "ruleset.json" {
            text.replace("\"school_days\": 190", "\"school_days\": 191")
        } else {
            text
        }
    });
    let uplift_2 = ["--free-uplift", "2", "--cost-neutral"];
    let run = calibrate_against(&other.join("2024-25"), &next, &cohort, &out, &uplift_2);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("next is written as changes to 2024-25 (sha256:")
            && run
                .stderr
                .contains("needs that version as the base, not 2024-25 (sha256:"),
        "{}",
        run.stderr
    );
}

/// A row the cohort cannot give is named with why, left out of every cost (as `diff` leaves
/// it), and the exit is 1.
#[test]
fn a_refused_row_is_said_and_exits_1() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("calibrate-refused");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let cohort = cohort(&dir, None);
    let mut text = std::fs::read_to_string(&cohort).expect("cohort");
    text.push_str("{\"case_id\": \"BAD-1\", \"setting\": \"nope\"}\n");
    std::fs::write(&cohort, text).expect("write");
    let base = Path::new("rules/haringey/2024-25");
    let draft = Path::new("rules/haringey/2025-26-draft");
    let out = dir.join("calibrated.json");
    let free = ["--free", "topup/annual_value", "--cost-neutral"];
    let run = calibrate_against(base, draft, &cohort, &out, &free);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("Cohort: 1001 profiles, 1000 compared, 1 refused"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  refused: row 1001 (BAD-1): base rule set: "),
        "{}",
        run.stdout
    );
    // It still calibrates the rows compared, to within the rounding step.
    assert!(
        run.stdout.contains("What binds: the rounding"),
        "{}",
        run.stdout
    );
}
