//! `sendband schema --profile`: the JSON Schema of a case profile agrees with validation on
//! every test profile of the shipped rule sets (valid ones pass, invalid ones fail), checked
//! by a small checker of the keywords the schema uses.

mod common;

use common::{sendband, Run};
use serde_json::{json, Value};
use std::path::Path;

/// Problems with `v` under `schema`, for the keywords `profile_schema` writes.
fn check(schema: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
    let mut fail = |what: &str| out.push(format!("{at}: {what}"));
    if let Some(types) = schema["type"].as_array() {
        let kind = match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let fits = types
            .iter()
            .any(|t| t == kind || (t == "number" && kind == "integer"));
        if !fits {
            fail(&format!("{kind} is not one of {types:?}"));
        }
    } else if schema["type"] == "object" && !v.is_object() {
        fail("not an object");
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(v) {
            fail(&format!("{v} is not one of {allowed:?}"));
        }
    }
    if let (Some(n), Some(min)) = (v.as_f64(), schema["minimum"].as_f64()) {
        if n < min {
            fail("below the minimum");
        }
    }
    if let (Some(n), Some(max)) = (v.as_f64(), schema["maximum"].as_f64()) {
        if n > max {
            fail("above the maximum");
        }
    }
    if let (Some(s), Some(max)) = (v.as_str(), schema["maxLength"].as_u64()) {
        if s.chars().count() as u64 > max {
            fail("too long");
        }
    }
    let Some(fields) = v.as_object() else { return };
    let given = |k: &str| fields.get(k).is_some_and(|x| !x.is_null());
    for r in schema["required"].as_array().into_iter().flatten() {
        let k = r.as_str().unwrap_or_default();
        if !given(k) {
            fail(&format!("{k} is required"));
        }
    }
    if let Some(deps) = schema["dependentRequired"].as_object() {
        for (k, needed) in deps {
            for n in needed.as_array().into_iter().flatten() {
                let n = n.as_str().unwrap_or_default();
                if given(k) && !given(n) {
                    fail(&format!("{n} is required with {k}"));
                }
            }
        }
    }
    let mut nested = Vec::new();
    for (k, x) in fields {
        match schema["properties"].get(k) {
            Some(s) => nested.push((s, x, format!("{at}.{k}"))),
            None if schema["additionalProperties"] == false => fail(&format!("{k} is unknown")),
            None => {}
        }
    }
    for (s, x, place) in nested {
        check(s, x, &place, out);
    }
}

fn schema_of(rules: &str) -> Value {
    let Run { code, stdout, .. } = sendband(&["schema", "--profile", rules], "");
    assert_eq!(code, 0);
    serde_json::from_str(&stdout).expect("the schema is JSON")
}

#[test]
fn the_schema_agrees_with_validation_on_every_test_profile() {
    for folder in ["rules/haringey/2024-25", "rules/herefordshire/2021-04"] {
        let schema = schema_of(folder);
        let rules = sendband::RuleSet::from_folder(Path::new(folder)).expect("loads");
        assert_eq!(schema, sendband::schema::profile_schema(&rules));
        let (mut valid, mut invalid) = (0, 0);
        for t in &rules.bundle().tests {
            let profile: Value = serde_json::from_str(t.profile.get()).expect("json");
            let mut problems = Vec::new();
            check(&schema, &profile, "$", &mut problems);
            if t.expect_invalid.is_some() {
                assert!(
                    !problems.is_empty(),
                    "{folder}: {} passes the schema",
                    t.name
                );
                invalid += 1;
            } else {
                assert_eq!(problems, Vec::<String>::new(), "{folder}: {}", t.name);
                valid += 1;
            }
        }
        // Haringey has 49 valid test profiles and 6 invalid ones.
        let least = if folder.contains("haringey") { 40 } else { 4 };
        assert!(valid >= least, "{folder}: {valid} valid profiles");
        if folder.contains("haringey") {
            assert_eq!(invalid, 6);
        }
    }
}

#[test]
fn the_haringey_profile_schema_says_what_a_form_would() {
    let s = schema_of("rules/haringey/2024-25");
    assert_eq!(
        s["required"],
        json!(["case_id", "date_of_birth", "setting"])
    );
    assert_eq!(s["additionalProperties"], json!(false));
    let semh = &s["properties"]["needs"]["properties"]["semh"];
    assert_eq!(
        (&semh["minimum"], &semh["maximum"], &semh["default"]),
        (&json!(0), &json!(4), &json!(0))
    );
    assert!(semh["description"]
        .as_str()
        .is_some_and(|d| d.contains("\n3 = Severe: Persistent, severe difficulties")));
    assert_eq!(
        s["properties"]["setting"]["enum"],
        json!([
            "mainstream_school",
            "resourced_provision",
            "special_school",
            "early_years_setting",
            null
        ])
    );
    assert_eq!(
        s["properties"]["override"]["dependentRequired"],
        json!({"band": ["reason"]})
    );
    let spend = &s["properties"]["sen_support"]["properties"]["notional_spend"];
    assert_eq!(spend["type"], json!(["number", "string", "null"]));
    assert!(spend["description"].as_str().is_some_and(
        |d| d.ends_with("Asked when ehcp is \"none\" or \"requested\" or \"assessing\".")
    ));
}

#[test]
fn a_named_version_needs_no_date_but_an_authority_folder_does() {
    // A version named directly is described whatever the date; an authority folder still
    // picks by date, and says so when none is in force.
    let Run { code, .. } = sendband(&["schema", "--profile", "rules/haringey/2025-26-draft"], "");
    assert_eq!(code, 0);
    let Run { code, stderr, .. } = sendband(
        &[
            "schema",
            "--profile",
            "rules/haringey",
            "--on",
            "2030-01-01",
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no version is in force on 2030-01-01"),
        "{stderr}"
    );
}
