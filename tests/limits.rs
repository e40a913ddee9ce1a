//! Every documented limit, at the limit and just past it: rule files and bundles, rows of a
//! table, input rows in a batch, JSON nesting of a profile, and numbers too large to hold.
//! (Expression length and nesting are tested with the expression language, in src/expr.)

mod common;

use common::{sendband, Run};
use sendband::batch::MAX_ROW_BYTES;
use sendband::ruleset::source::{MAX_BUNDLE_BYTES, MAX_RULE_FILE_BYTES};
use sendband::RuleSet;
use std::path::Path;

/// `text` padded with spaces after its JSON to exactly `bytes`.
fn padded(text: &str, bytes: u64) -> String {
    let mut t = text.trim_end().to_string();
    let n = usize::try_from(bytes).expect("size") - t.len() - 1;
    t.push_str(&" ".repeat(n));
    t.push('\n');
    t
}

#[test]
fn a_rule_file_may_be_4_mib_and_no_more() {
    let dir = tempfile::tempdir().expect("tempdir");
    let at = common::haringey_copy(&dir.path().join("at"), |name, text| match name {
        "families/topup.json" => padded(&text, MAX_RULE_FILE_BYTES),
        _ => text,
    });
    assert!(RuleSet::from_folder(&at).is_ok());
    let past = common::haringey_copy(&dir.path().join("past"), |name, text| match name {
        "families/topup.json" => padded(&text, MAX_RULE_FILE_BYTES + 1),
        _ => text,
    });
    let err = RuleSet::from_folder(&past)
        .expect_err("too large")
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: at $: the file is 4194305 bytes, but a rule file may be at most 4194304 bytes \
             (4 MiB)",
            past.join("families/topup.json").display()
        )
    );
}

#[test]
fn a_bundle_may_be_16_mib_and_no_more() {
    let rules = RuleSet::from_folder(Path::new("rules/herefordshire/2021-04")).expect("rules");
    let text = serde_json::to_string(rules.bundle()).expect("bundle");
    let at = RuleSet::from_bundle("b.json", &padded(&text, MAX_BUNDLE_BYTES)).expect("loads");
    assert_eq!(at.digest(), rules.digest());
    let err = RuleSet::from_bundle("b.json", &padded(&text, MAX_BUNDLE_BYTES + 1))
        .expect_err("too large")
        .to_string();
    assert_eq!(
        err,
        "b.json: at $: the file is 16777217 bytes, but a bundle may be at most 16777216 bytes \
         (16 MiB)"
    );
    // From disk, the size is checked before the file is read.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("big.json");
    std::fs::write(&file, padded(&text, MAX_BUNDLE_BYTES + 1)).expect("write");
    let Run { code, stderr, .. } = sendband(&["lint", file.to_str().expect("path")], "");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("a bundle may be at most 16777216 bytes"),
        "{stderr}"
    );
}

#[test]
fn a_table_may_have_10000_rows_and_no_more() {
    let table = |rows: usize| {
        let rows: Vec<String> = (0..rows)
            .map(|i| format!(r#"{{"when": "points >= {i}", "then": {{"x": "{i}"}}}}"#))
            .collect();
        common::one_step(
            "t",
            &format!(
                r#"{{"name": "t", "table": {{"hit_policy": "RULE ORDER", "outputs": ["x"], "rows": [{}]}}}}"#,
                rows.join(",")
            ),
        )
    };
    let inputs = r#"[{"name": "points", "type": "integer", "label": "Points", "min": 0}]"#;
    assert!(common::rules(inputs, &[&table(sendband::ruleset::MAX_TABLE_ROWS)]).is_ok());
    let err = common::load_err(inputs, &[&table(sendband::ruleset::MAX_TABLE_ROWS + 1)]);
    assert!(
        err.ends_with(
            "at $.steps[0].table.rows: the table has 10001 rows, but a table may have at most \
             10000"
        ),
        "{err}"
    );
}

/// A valid Haringey profile, padded with spaces inside its JSON to exactly `bytes`.
fn profile_line(case_id: &str, bytes: usize) -> String {
    let start = format!(r#"{{"case_id": "{case_id}", "date_of_birth": "2016-02-14", "#);
    let end = r#""setting": "mainstream_school"}"#;
    let pad = bytes - start.len() - end.len();
    format!("{start}{}{end}", " ".repeat(pad))
}

#[test]
fn a_batch_row_may_be_1_mib_and_a_longer_one_is_rejected_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name).display().to_string();
    let lines = [
        profile_line("AT-LIMIT", MAX_ROW_BYTES),
        profile_line("PAST-LIMIT", MAX_ROW_BYTES + 1),
        profile_line("FAR-PAST", 3 * MAX_ROW_BYTES),
        profile_line("AFTER", 100),
    ];
    std::fs::write(path("in.jsonl"), lines.join("\n") + "\n").expect("write");
    // CSV: records whose fields hold those sizes, most of it in one cell of spaces (a blank
    // cell: the input is not given).
    let record = |id: &str, bytes: usize| {
        let pad = bytes - id.len() - "2016-02-14".len() - "mainstream_school".len();
        format!("{id},2016-02-14,mainstream_school,\"{}\"", " ".repeat(pad))
    };
    let csv = format!(
        "case_id,date_of_birth,setting,override.reason\n{}\n{}\n{}\n",
        record("AT-LIMIT", MAX_ROW_BYTES),
        record("PAST-LIMIT", MAX_ROW_BYTES + 1),
        record("AFTER", 60)
    );
    std::fs::write(path("in.csv"), csv).expect("write");
    for (input, rows_in) in [("in.jsonl", 4), ("in.csv", 3)] {
        let Run { code, stderr, .. } = sendband(
            &[
                "batch",
                "--on",
                "2025-01-15",
                "--input",
                &path(input),
                "--output",
                &path("out.csv"),
                "--rejects",
                &path("rejects.csv"),
                "--summary",
                &path("summary.json"),
                "--quiet",
            ],
            "",
        );
        assert_eq!(code, 1, "{input}: {stderr}");
        let summary = common::json_file(path("summary.json"));
        assert_eq!(summary["rows_in"], rows_in, "{input}");
        assert_eq!(summary["rows_out"], 2, "{input}");
        let out = std::fs::read_to_string(path("out.csv")).expect("output");
        let ids: Vec<&str> = out
            .lines()
            .skip(1)
            .map(|l| &l[..l.find(',').unwrap_or(0)])
            .collect();
        assert_eq!(ids, ["AT-LIMIT", "AFTER"], "{input}");
        let rejects = std::fs::read_to_string(path("rejects.csv")).expect("rejects");
        let expected_case = if input == "in.csv" { "PAST-LIMIT" } else { "" };
        assert!(
            rejects.contains(&format!(
                "2,{expected_case},(row),\"the row is longer than 1048576 bytes (1 MiB), the most a row may be\""
            )) || rejects.contains(&format!(
                "2,{expected_case},(row),the row is longer than 1048576 bytes (1 MiB), the most a row may be"
            )),
            "{input}: {rejects}"
        );
    }
}

/// A profile whose `needs` object holds objects nested `depth` deep in all.
fn nested(depth: usize) -> String {
    let inner = format!(
        "{}1{}",
        r#"{"a": "#.repeat(depth - 2),
        "}".repeat(depth - 2)
    );
    format!(
        r#"{{"case_id": "DEEP", "date_of_birth": "2016-02-14", "setting": "mainstream_school", "needs": {{"semh": {inner}}}}}"#
    )
}

#[test]
fn a_profile_may_nest_objects_8_deep_and_deeper_is_refused_without_a_crash() {
    use sendband::profile::MAX_NESTING;
    let rules = RuleSet::embedded(sendband::Date::new(2025, 1, 15).expect("date")).expect("rules");
    // At the limit the innermost field is read, and is unknown.
    let err = rules
        .facts_from_json(&nested(MAX_NESTING))
        .expect_err("unknown");
    let field = format!("needs.semh{}", ".a".repeat(MAX_NESTING - 2));
    assert_eq!(err.errors[0].field, field);
    assert_eq!(err.errors[0].message, "unknown field");
    // Past it, the field is refused as it stands.
    let err = rules
        .facts_from_json(&nested(MAX_NESTING + 1))
        .expect_err("too deep");
    // The object that would be one level too deep is the value of that same field.
    assert_eq!(err.errors[0].field, field);
    assert_eq!(
        err.errors[0].message,
        "objects nest more than 8 deep here; no input is named that deep"
    );
    // Far past it (this overflowed the stack before the limit), the same, at once.
    let err = rules
        .facts_from_json(&nested(200_000))
        .expect_err("too deep");
    assert_eq!(err.errors[0].field, field);
}

#[test]
fn a_number_too_large_to_hold_is_an_error_for_the_case_never_a_wrong_amount() {
    let rules = RuleSet::embedded(sendband::Date::new(2025, 1, 15).expect("date")).expect("rules");
    let on = "2025-01-15".parse().expect("date");
    // The largest decimal there is, as a notional spend: read exactly, compared, not overflowed.
    let profile = r#"{"case_id": "BIG", "date_of_birth": "2016-02-14", "setting": "mainstream_school",
        "sen_support": {"notional_spend": "79228162514264337593543950335"}}"#;
    let d = rules.evaluate_json(profile, on).expect("a valid profile");
    assert!(!d.has_error(), "{}", d.to_json_pretty());
    // One more than that cannot be held: the field is refused, with its name.
    let past = profile.replace("950335", "950336");
    let err = rules
        .evaluate_json(&past, on)
        .expect_err("too large")
        .to_string();
    assert!(err.contains("sen_support.notional_spend"), "{err}");
}

#[test]
fn a_rule_file_may_nest_json_127_deep_and_no_more() {
    let inputs = r#"[{"name": "band", "type": "enum", "label": "Band", "values": [{"value": "A", "label": "A"}]}]"#;
    // A family's JSON nests 5 deep before the lookup's values: the family, steps, a step,
    // lookup, values; arrays make up the rest.
    let family = |depth: usize| {
        let deep = format!("{}\"1.00\"{}", "[".repeat(depth - 5), "]".repeat(depth - 5));
        common::one_step(
            "v",
            &format!(
                r#"{{"name": "v", "lookup": {{"keys": ["band"], "values": {{"A": {deep}}}}}}}"#
            ),
        )
    };
    let load = |family: &str| {
        let manifest = common::manifest(&["f"]);
        let files = [
            ("ruleset.json", manifest.as_str()),
            ("inputs.json", inputs),
            ("families/f.json", family),
        ];
        RuleSet::from_files("deep", &files)
            .map(|_| ())
            .expect_err("not a decimal")
            .to_string()
    };
    // At the limit the JSON is read, and the lookup says what is wrong with it.
    let at = load(&family(127));
    assert!(at.contains("expected a decimal"), "{at}");
    let past = load(&family(128));
    assert!(
        past.starts_with("deep/families/f.json:1:") && past.contains("recursion limit exceeded"),
        "{past}"
    );
}
