//! Profile validation against declared inputs: every kind of mistake names the case and the
//! field, all mistakes are reported together, and defaults fill what is left out.

use sendband::{Date, RuleSet};

fn fixture() -> RuleSet {
    RuleSet::from_folder(std::path::Path::new("tests/fixtures/banding")).expect("fixture loads")
}

fn errors(profile: &str) -> Vec<String> {
    match fixture().facts_from_json(profile) {
        Ok(_) => panic!("{profile} should be refused"),
        Err(e) => e.to_string().lines().map(str::to_string).collect(),
    }
}

#[test]
fn every_kind_of_mistake_is_named_by_case_and_field() {
    assert_eq!(
        errors(
            r#"{"case_id": "P-1", "setting": "mainstream_schol", "ehcp": true,
                "needs": {"communication": 4, "learning": "2", "semh": 1},
                "attendance": {"days_on_roll": 95.5}}"#
        ),
        vec![
            "case \"P-1\": needs.semh: unknown field",
            "case \"P-1\": setting: \"mainstream_schol\" is not one of mainstream_school, special_school (did you mean \"mainstream_school\"?)",
            "case \"P-1\": ehcp: expected one of the listed values, found true",
            "case \"P-1\": needs.communication: 4 is above the maximum 3",
            "case \"P-1\": needs.learning: expected a whole number, found text \"2\"",
            "case \"P-1\": attendance.days_on_roll: expected a whole number, found 95.5",
        ]
    );
}

#[test]
fn required_fields_and_misspelt_nested_fields() {
    assert_eq!(
        errors(r#"{"nedes": {"communication": 1}}"#),
        vec![
            "case without case_id: nedes.communication: unknown field (did you mean \"needs.communication\"?)",
            "case without case_id: case_id: is required",
            "case without case_id: setting: is required",
        ]
    );
    assert_eq!(
        errors("[1, 2]"),
        vec!["case without case_id: (profile): expected a JSON object"]
    );
    assert_eq!(
        errors("{\"case_id\": \"P-2\", "),
        vec!["case without case_id: (profile): not valid JSON: EOF while parsing a value at line 1 column 19"]
    );
}

#[test]
fn defaults_fill_what_is_left_out_and_null_means_left_out() {
    let rules = fixture();
    let facts = rules
        .facts_from_json(r#"{"case_id": "P-3", "setting": "mainstream_school", "ehcp": null, "needs": {"learning": 2}}"#)
        .expect("valid");
    let by_name: Vec<(String, String)> = rules
        .inputs()
        .iter()
        .zip(facts.values())
        .map(|(i, v)| (i.name.to_string(), v.to_string()))
        .collect();
    assert_eq!(
        by_name,
        [
            ("case_id", "P-3"),
            ("setting", "mainstream_school"),
            ("ehcp", "none"),
            ("needs.communication", "0"),
            ("needs.learning", "2"),
            ("attendance.days_on_roll", "190"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(facts.case_id(), Some("P-3"));
    let on: Date = "2024-10-01".parse().expect("date");
    let d = rules.evaluate(&facts, on);
    let topup = d.family("topup").expect("topup");
    assert_eq!(topup.output("band").expect("band").to_text(), "B");
    assert_eq!(topup.output("amount").expect("amount").to_text(), "0.00");
}

#[test]
fn numbers_are_read_exactly_from_their_json_text() {
    // 0.1 + 0.2 style traps: the days on roll must be whole, and a money amount keeps every digit.
    let rules = RuleSet::from_files(
        "exact",
        &[
            (
                "ruleset.json",
                r#"{"id": "exact", "authority": "Test", "title": "Exact numbers", "version": "1",
                    "effective_from": "2024-01-01", "period_basis": "financial", "currency": "GBP",
                    "provenance": "illustrative", "families": ["sum"]}"#,
            ),
            (
                "inputs.json",
                r#"[{"name": "a", "type": "money", "label": "A", "required": true},
                    {"name": "b", "type": "money", "label": "B", "required": true}]"#,
            ),
            (
                "families/sum.json",
                r#"{"name": "sum", "title": "Sum", "steps": [{"name": "total", "let": "a + b"}],
                    "outputs": [{"name": "total", "value": "total", "format": "decimal"},
                                {"name": "exact", "value": "a + b == 0.3"}]}"#,
            ),
        ],
    )
    .expect("loads");
    let d = rules
        .evaluate_json(
            r#"{"a": 0.1, "b": 0.2}"#,
            "2024-06-01".parse().expect("date"),
        )
        .expect("valid");
    let sum = d.family("sum").expect("sum");
    assert_eq!(sum.output("total").expect("total").to_json(), "0.3");
    assert_eq!(sum.output("exact").expect("exact").to_json(), true);
    let d = rules
        .evaluate_json(
            r#"{"a": "12345678901234567.89", "b": 1e2}"#,
            "2024-06-01".parse().expect("date"),
        )
        .expect("valid");
    assert_eq!(
        d.family("sum")
            .expect("sum")
            .output("total")
            .expect("total")
            .to_text(),
        "12345678901234667.89"
    );
}

#[test]
fn a_field_given_twice_is_refused_however_it_is_spelt() {
    // JSON itself allows a repeated key (the last would win); a profile must not, or one of
    // the two values is silently dropped.
    let twice = |profile: &str| -> Vec<String> {
        errors(profile)
            .into_iter()
            .filter(|e| e.contains("twice"))
            .collect()
    };
    assert_eq!(
        twice(r#"{"case_id": "P-2", "needs": {"communication": 1}, "needs.communication": 3}"#),
        vec!["case \"P-2\": needs.communication: is given twice"]
    );
    assert_eq!(
        twice(r#"{"case_id": "P-3", "needs.learning": 2, "needs": {"learning": 2}}"#),
        vec!["case \"P-3\": needs.learning: is given twice"]
    );
    assert_eq!(
        twice(r#"{"case_id": "P-4", "needs": {"communication": 1}, "needs": {"learning": 2}}"#),
        vec!["case \"P-4\": needs: is given twice"]
    );
    assert_eq!(
        twice(r#"{"case_id": "P-5", "setting": "special_school", "setting": "mainstream_school"}"#),
        vec!["case \"P-5\": setting: is given twice"]
    );
    assert_eq!(
        twice(r#"{"case_id": "P-6", "case_id": "P-7"}"#),
        vec!["case \"P-7\": case_id: is given twice"]
    );
}

/// The one error of a profile the embedded (Haringey) rules refuse, as "field: message".
fn embedded_error(profile: &str) -> String {
    let rules = RuleSet::embedded(sendband::Date::new(2025, 1, 15).expect("date")).expect("rules");
    match rules.evaluate_json(profile, "2025-01-15".parse().expect("date")) {
        Ok(_) => panic!("{profile} should be refused"),
        Err(p) => {
            assert_eq!(p.errors.len(), 1, "{p}");
            format!("{}: {}", p.errors[0].field, p.errors[0].message)
        }
    }
}

#[test]
fn a_number_that_cannot_be_held_exactly_is_refused_never_rounded() {
    // The worked Band C example with a notional spend just under the £6,000 evidence line:
    // read rounded, it would be £6,000 and flip the case from band B, £0.00 to band C, £3,000.
    let band_c = |spend: &str| {
        format!(
            r#"{{"case_id": "HG-W2", "date_of_birth": "2015-03-01", "setting": "mainstream_school",
                "needs": {{"communication_interaction": 3, "semh": 2}},
                "sen_support": {{"apdr_cycles": 2, "specialist_advice": true, "notional_spend": {spend}}}}}"#
        )
    };
    assert_eq!(
        embedded_error(&band_c("5999.99999999999999999999999999999")),
        "sen_support.notional_spend: 5999.99999999999999999999999999999 cannot be held \
         exactly: reading it would round it (a number holds at most 28 decimal places and 28 \
         or 29 digits in all)"
    );
    // The same as text, as a CSV cell would give it.
    assert!(
        embedded_error(&band_c("\"5999.99999999999999999999999999999\"")).starts_with(
            "sen_support.notional_spend: 5999.99999999999999999999999999999 cannot be held exactly"
        )
    );
    let rules = RuleSet::embedded(sendband::Date::new(2025, 1, 15).expect("date")).expect("rules");
    let on = "2025-01-15".parse().expect("date");
    let topup = |spend: &str| {
        let d = rules.evaluate_json(&band_c(spend), on).expect("valid");
        let f = d.family("topup").expect("topup");
        (
            f.output("band").map(|v| v.to_text()),
            f.output("amount").map(|v| v.to_text()),
        )
    };
    assert_eq!(topup("5999.99"), (Some("B".into()), Some("0.00".into())));
    assert_eq!(topup("6000"), (Some("C".into()), Some("3000.00".into())));
    // A level a hair above 4 is not 4.
    assert_eq!(
        embedded_error(
            r#"{"case_id": "L", "date_of_birth": "2015-03-01", "setting": "mainstream_school",
                "needs": {"semh": 4.0000000000000000000000000000001}}"#
        ),
        "needs.semh: 4.0000000000000000000000000000001 cannot be held exactly: reading it would \
         round it (a number holds at most 28 decimal places and 28 or 29 digits in all)"
    );
    assert_eq!(
        embedded_error(
            r#"{"case_id": "L", "date_of_birth": "2015-03-01", "setting": "mainstream_school",
                "attendance": {"days_on_roll": 1e40}}"#
        ),
        "attendance.days_on_roll: 1e40 is too large to hold exactly"
    );
}

#[test]
fn money_takes_whole_pence_unless_the_input_declares_more_places() {
    let rules = |places: &str| {
        RuleSet::from_files(
            "pence",
            &[
                (
                    "ruleset.json",
                    r#"{"id": "pence", "authority": "Test", "title": "Pence", "version": "1",
                        "effective_from": "2024-01-01", "period_basis": "financial",
                        "currency": "GBP", "provenance": "illustrative", "families": ["pay"]}"#,
                ),
                (
                    "inputs.json",
                    &format!(
                        r#"[{{"name": "spend", "type": "money", "label": "Spend"}},
                            {{"name": "rate", "label": "Rate", {places}}}]"#
                    ),
                ),
                (
                    "families/pay.json",
                    r#"{"name": "pay", "title": "Pay", "steps": [{"name": "t", "let": "spend + rate"}],
                        "outputs": [{"name": "t", "value": "t", "format": "decimal"}]}"#,
                ),
            ],
        )
    };
    let on = "2024-06-01".parse().expect("date");
    let two = rules(r#""type": "money""#).expect("loads");
    let refused = |r: &RuleSet, profile: &str| match r.facts_from_json(profile) {
        Ok(_) => panic!("{profile} should be refused"),
        Err(e) => e.to_string(),
    };
    assert_eq!(
        refused(&two, r#"{"case_id": "M", "spend": 760.725}"#),
        "case \"M\": spend: 760.725 has more than 2 decimal places (a fraction of a penny); it \
         is refused rather than rounded"
    );
    assert_eq!(
        refused(&two, r#"{"case_id": "M", "rate": "12.3456"}"#),
        "case \"M\": rate: 12.3456 has more than 2 decimal places (a fraction of a penny); it \
         is refused rather than rounded"
    );
    // Trailing zeros are not fractions of a penny.
    let d = two
        .evaluate_json(r#"{"spend": 760.720, "rate": "1.5"}"#, on)
        .expect("whole pence");
    let total = |d: &sendband::Decision| {
        d.family("pay")
            .expect("pay")
            .output("t")
            .expect("t")
            .to_json()
    };
    assert_eq!(total(&d), "762.22");
    let four = rules(r#""type": "money", "places": 4"#).expect("loads");
    let d = four
        .evaluate_json(r#"{"spend": 1, "rate": "12.3456"}"#, on)
        .expect("4 places");
    assert_eq!(total(&d), "13.3456");
    assert_eq!(
        refused(&four, r#"{"case_id": "M", "rate": "12.34567"}"#),
        "case \"M\": rate: 12.34567 has more than 4 decimal places; it is refused rather than \
         rounded"
    );
    let err = rules(r#""type": "money", "places": 29"#).expect_err("too many places");
    assert!(
        err.to_string().contains("29 places cannot be held"),
        "{err}"
    );
    let err = rules(r#""type": "integer", "places": 2"#).expect_err("places on an integer");
    assert!(
        err.to_string()
            .contains("places are only for decimal and money inputs"),
        "{err}"
    );
}

#[test]
fn a_key_names_an_input_only_part_for_whole_part() {
    // Keys are matched part by part: a prefix, an extension or an empty part of a name is
    // no input's name.
    let unknown = |key: &str| {
        let profile = format!(r#"{{"case_id": "P-8", "setting": "special_school", "{key}": 1}}"#);
        errors(&profile)
            .iter()
            .any(|e| e.starts_with(&format!("case \"P-8\": {key}: unknown field")))
    };
    for key in [
        "needs.communicatio",
        "needs.communicationx",
        "needs..communication",
        "needs.communication.",
        ".needs.communication",
        "needs.",
        "",
        "settin",
        "settingx",
        "attendance.days_on_rol",
        "attendance.days_on_roll_",
    ] {
        assert!(unknown(key), "{key:?} should be an unknown field");
    }
    let rules = fixture();
    for profile in [
        r#"{"case_id": "P-9", "setting": "special_school", "needs.communication": 1}"#,
        r#"{"case_id": "P-9", "setting": "special_school", "attendance.days_on_roll": 1}"#,
        r#"{"case_id": "P-9", "setting": "special_school", "attendance": {"days_on_roll": 1}}"#,
    ] {
        assert!(rules.facts_from_json(profile).is_ok(), "{profile}");
    }
}
