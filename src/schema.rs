//! JSON Schemas of the rule-set format, generated from the serde types so they cannot drift.
//! Checked in under `rules/schema/` for editors; a test fails when they are stale.

use crate::ruleset::format::{Bundle, FamilySpec, InputSpec, Manifest, TestFile};
use schemars::schema_for;

/// Every schema with its file name under `rules/schema/`.
pub fn rule_file_schemas() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("ruleset.schema.json", schema_for!(Manifest).to_value()),
        ("inputs.schema.json", schema_for!(Vec<InputSpec>).to_value()),
        ("family.schema.json", schema_for!(FamilySpec).to_value()),
        ("tests.schema.json", schema_for!(TestFile).to_value()),
        ("bundle.schema.json", schema_for!(Bundle).to_value()),
    ]
}

/// A schema as written to disk: pretty JSON and a final newline.
pub fn to_file_text(schema: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
