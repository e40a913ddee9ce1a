//! What declared inputs tell a form: sections, and `ask_when` conditions that are checked at load
//! like everything else (names with a did-you-mean, only enum or boolean inputs, real values).

mod common;
use common::{load, load_err};

const FAMILY: &str = r#"{"name": "f", "title": "F", "steps": [{"name": "x", "let": "1"}], "outputs": [{"name": "x", "value": "x"}]}"#;

fn inputs(ask_when: &str) -> String {
    format!(
        r#"[
        {{"name": "setting", "type": "enum", "label": "Setting",
          "values": [{{"value": "school", "label": "School"}}, {{"value": "nursery", "label": "Nursery"}}]}},
        {{"name": "funded", "type": "boolean", "label": "Funded"}},
        {{"name": "age", "type": "integer", "label": "Age"}},
        {{"name": "hours", "type": "integer", "label": "Hours", "section": "Early years", "ask_when": {ask_when}}}
    ]"#
    )
}

#[test]
fn a_valid_condition_loads_and_is_kept_in_the_bundle() {
    let rules = load(
        &inputs(r#"{"setting": ["nursery"], "funded": [true]}"#),
        &[FAMILY],
    );
    let hours = &rules.bundle().inputs[3];
    assert_eq!(hours.section.as_deref(), Some("Early years"));
    assert_eq!(
        serde_json::to_string(&hours.ask_when).expect("json"),
        r#"{"funded":[true],"setting":["nursery"]}"#
    );
}

#[test]
fn a_condition_on_an_unknown_input_suggests_the_nearest() {
    assert_eq!(
        load_err(&inputs(r#"{"seting": ["nursery"]}"#), &[FAMILY]),
        "test-rules/inputs.json: at $[3].ask_when.seting: \"seting\" is not a declared input \
         (did you mean \"setting\"?)"
    );
}

#[test]
fn a_condition_needs_an_enum_or_boolean_input_and_its_real_values() {
    assert_eq!(
        load_err(&inputs(r#"{"hours": [1]}"#), &[FAMILY]),
        "test-rules/inputs.json: at $[3].ask_when.hours: an input cannot be asked depending on itself"
    );
    assert_eq!(
        load_err(&inputs(r#"{"age": [3]}"#), &[FAMILY]),
        "test-rules/inputs.json: at $[3].ask_when.age: \"age\" is an integer input; \
         a form can only depend on enum and boolean inputs"
    );
    assert_eq!(
        load_err(&inputs(r#"{"setting": ["school", "nursey"]}"#), &[FAMILY]),
        "test-rules/inputs.json: at $[3].ask_when.setting[1]: \"nursey\" is not a value of \
         \"setting\": \"nursey\" is not one of school, nursery (did you mean \"nursery\"?)"
    );
    assert_eq!(
        load_err(&inputs(r#"{"funded": ["yes"]}"#), &[FAMILY]),
        "test-rules/inputs.json: at $[3].ask_when.funded[0]: \"yes\" is not a value of \
         \"funded\": expected true or false, found text \"yes\""
    );
    assert_eq!(
        load_err(&inputs(r#"{"setting": []}"#), &[FAMILY]),
        "test-rules/inputs.json: at $[3].ask_when.setting: list at least one value"
    );
}
