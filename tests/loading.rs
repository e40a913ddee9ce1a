//! Loading rule sets: schemas in step with the format, errors that name the file, JSON path and
//! nearest name, bundles that match their folder, and versions chosen by date.

use sendband::{Date, RuleSet};
use std::fs;
use std::path::{Path, PathBuf};

const HEREFORDSHIRE: &str = "rules/herefordshire/2021-04";

fn on(s: &str) -> Date {
    s.parse().expect("date")
}

/// A copy of the Herefordshire folder in a temporary directory, with `edit` applied to one file.
fn edited_copy(dir: &Path, name: &str, file: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let root = dir.join(name);
    for sub in ["", "families", "tests"] {
        fs::create_dir_all(root.join(sub)).expect("mkdir");
        for entry in fs::read_dir(Path::new(HEREFORDSHIRE).join(sub)).expect("read") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                let rel = Path::new(sub).join(path.file_name().expect("name"));
                let mut text = fs::read_to_string(&path).expect("read");
                if rel == Path::new(file) {
                    let edited = edit(text.clone());
                    assert_ne!(edited, text, "the edit must change {file}");
                    text = edited;
                }
                fs::write(root.join(rel), text).expect("write");
            }
        }
    }
    root
}

fn load_error(root: &Path) -> String {
    match RuleSet::from_folder(root) {
        Ok(_) => panic!("{} should not load", root.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn checked_in_schemas_match_the_format() {
    for (name, schema) in sendband::schema::rule_file_schemas() {
        let path = Path::new("rules/schema").join(name);
        let on_disk = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == sendband::schema::to_file_text(&schema),
            "{} is stale: run `cargo run -- schema --out-dir rules/schema` and review the diff",
            path.display()
        );
    }
}

#[test]
fn a_misspelt_input_in_a_rule_file_names_file_path_and_suggestion() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = edited_copy(dir.path(), "misspelt", "families/tariff.json", |t| {
        t.replace(
            "\"when\": \"assessment_points <= 109\"",
            "\"when\": \"assesment_points <= 109\"",
        )
    });
    let file = root.join("families/tariff.json").display().to_string();
    assert_eq!(
        load_error(&root),
        format!(
            "{file}: at $.steps[0].when: in \"assesment_points <= 109\" at column 1: \
             unknown name \"assesment_points\" (did you mean \"assessment_points\"?)"
        )
    );
}

#[test]
fn a_misspelt_key_or_bad_json_names_line_column_and_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = edited_copy(dir.path(), "key", "families/tariff.json", |t| {
        t.replacen("\"reason\"", "\"reasn\"", 1)
    });
    let err = load_error(&root);
    let file = root.join("families/tariff.json").display().to_string();
    assert!(err.starts_with(&format!("{file}:10:")), "{err}");
    assert!(
        err.contains("at $.steps[0].reasn: unknown field `reasn`, expected one of"),
        "{err}"
    );

    let root = edited_copy(dir.path(), "syntax", "inputs.json", |t| {
        t.replacen("[", "[[", 1)
    });
    let err = load_error(&root);
    assert!(
        err.starts_with(&root.join("inputs.json").display().to_string()),
        "{err}"
    );

    let root = edited_copy(dir.path(), "float", "families/tariff.json", |t| {
        t.replace("\"125.50\"", "125.5")
    });
    let err = load_error(&root);
    assert!(err.contains("at $.steps[1].lookup.values.A1.15: write the number 125.5 as a string (\"125.5\") so that it stays exact"), "{err}");
}

#[test]
fn semantic_errors_name_the_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = edited_copy(dir.path(), "gap", "families/tariff.json", |t| {
        t.replace(
            "{\"label\": \"A2\", \"min\": 15,",
            "{\"label\": \"A2\", \"min\": 16,",
        )
    });
    let file = root.join("families/tariff.json").display().to_string();
    assert_eq!(
        load_error(&root),
        format!(
            "{file}: at $.steps[0].ranges.ranges: there is a gap between ranges \"A1\" (10-14) and \
             \"A2\" (16-19): assessment_points 15 falls in no range (set allow_gaps if the gap is intended)"
        )
    );
    let root = edited_copy(dir.path(), "unlisted", "ruleset.json", |t| {
        t.replace("\"families\": [\"tariff\"]", "\"families\": [\"tarif\"]")
    });
    let err = load_error(&root);
    assert!(err.contains("families/tariff.json is not listed in families (add \"tariff\" to the list, or remove the file)"), "{err}");
}

#[test]
fn a_bundle_has_the_folders_digest_and_decisions() {
    let folder = RuleSet::from_folder(Path::new(HEREFORDSHIRE)).expect("loads");
    let text = serde_json::to_string_pretty(folder.bundle()).expect("bundle");
    let bundle = RuleSet::from_bundle("hf.bundle.json", &text).expect("bundle loads");
    assert_eq!(bundle.digest(), folder.digest());
    let haringey = RuleSet::from_folder(Path::new("rules/haringey/2024-25")).expect("loads");
    assert_eq!(
        RuleSet::embedded(sendband::Date::new(2025, 1, 15).expect("date"))
            .expect("embedded")
            .digest(),
        haringey.digest(),
        "the built-in rule set is Haringey's"
    );
    assert_ne!(haringey.digest(), folder.digest());
    let profile = r#"{"case_id": "B-1", "assessment_points": 77, "funded_hours": 15}"#;
    let a = folder
        .evaluate_json(profile, on("2024-09-01"))
        .expect("valid");
    let b = bundle
        .evaluate_json(profile, on("2024-09-01"))
        .expect("valid");
    assert_eq!(a.to_json_pretty(), b.to_json_pretty());
    assert_eq!(
        b.family("tariff")
            .expect("tariff")
            .output("per_term")
            .expect("per_term")
            .to_text(),
        "2643.50"
    );
    // Changing any value changes the digest.
    let changed = text.replace("\"2643.50\"", "\"2643.51\"");
    let changed = RuleSet::from_bundle("changed.json", &changed).expect("loads");
    assert_ne!(changed.digest(), folder.digest());
}

fn write_version(
    authority: &Path,
    name: &str,
    from: &str,
    to: Option<&str>,
    provenance: &str,
    a1_term: &str,
) {
    let edit = |t: String| {
        let mut t = t
            .replace(
                "\"version\": \"2021-04\"",
                &format!("\"version\": \"{name}\""),
            )
            .replace(
                "\"effective_from\": \"2021-04-01\"",
                &format!("\"effective_from\": \"{from}\""),
            )
            .replace(
                "\"provenance\": \"published\"",
                &format!("\"provenance\": \"{provenance}\""),
            );
        if let Some(to) = to {
            t = t.replace(
                &format!("\"effective_from\": \"{from}\""),
                &format!("\"effective_from\": \"{from}\", \"effective_to\": \"{to}\""),
            );
        }
        t
    };
    let root = edited_copy(authority, name, "ruleset.json", edit);
    let family = root.join("families/tariff.json");
    let text = fs::read_to_string(&family).expect("family");
    fs::write(
        &family,
        text.replace("\"251.00\"", &format!("\"{a1_term}\"")),
    )
    .expect("write");
}

#[test]
fn an_authority_folder_picks_the_version_in_force_and_never_a_draft() {
    let dir = tempfile::tempdir().expect("tempdir");
    let authority = dir.path().join("shire");
    write_version(
        &authority,
        "2021-04",
        "2021-04-01",
        Some("2024-03-31"),
        "published",
        "251.00",
    );
    write_version(
        &authority,
        "2024-04",
        "2024-04-01",
        None,
        "published",
        "260.00",
    );
    write_version(
        &authority,
        "2025-draft",
        "2025-04-01",
        None,
        "draft",
        "999.00",
    );
    let a1 = |date: &str| {
        let rules = sendband::ruleset::load(Some(&authority), on(date)).expect("loads");
        let d = rules
            .evaluate_json(r#"{"assessment_points": 12, "funded_hours": 30}"#, on(date))
            .expect("valid");
        (
            rules.manifest().version.clone(),
            d.family("tariff")
                .expect("tariff")
                .output("per_term")
                .expect("out")
                .to_text(),
        )
    };
    assert_eq!(
        a1("2024-03-31"),
        ("2021-04".to_string(), "251.00".to_string())
    );
    assert_eq!(
        a1("2024-04-01"),
        ("2024-04".to_string(), "260.00".to_string())
    );
    assert_eq!(
        a1("2026-01-01"),
        ("2024-04".to_string(), "260.00".to_string()),
        "drafts are never picked by date"
    );
    // A draft is used when named, and a version named directly must be in force.
    let draft = sendband::ruleset::load(Some(&authority.join("2025-draft")), on("2025-05-01"))
        .expect("draft loads");
    assert!(draft.is_draft());
    let err = sendband::ruleset::load(Some(&authority.join("2021-04")), on("2024-04-01"))
        .expect_err("not in force");
    assert_eq!(err.to_string(), "herefordshire-high-needs-matrix version 2021-04 is in force from 2021-04-01 to 2024-03-31, not on 2024-04-01");
}

#[test]
fn overlapping_versions_are_a_load_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let authority = dir.path().join("shire");
    write_version(
        &authority,
        "2021-04",
        "2021-04-01",
        Some("2024-04-30"),
        "published",
        "251.00",
    );
    write_version(
        &authority,
        "2024-04",
        "2024-04-01",
        None,
        "published",
        "260.00",
    );
    let err = sendband::ruleset::load(Some(&authority), on("2022-01-01")).expect_err("overlap");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: versions 2021-04 (from 2021-04-01 to 2024-04-30) and 2024-04 (from 2024-04-01 with no end date) \
             are both in force on 2024-04-01; end one before the other starts",
            authority.display()
        )
    );
}

/// The Herefordshire copy with one more family, `name`, listed in the manifest and written at
/// `families/<name>.json` (wherever that path leads): a copy of `tariff` under that name.
fn with_family(dir: &Path, name: &str) -> PathBuf {
    let root = edited_copy(dir, "set", "ruleset.json", |t| {
        t.replace(
            "\"families\": [\"tariff\"]",
            &format!("\"families\": [\"tariff\", {name:?}]"),
        )
    });
    let tariff = fs::read_to_string(root.join("families/tariff.json")).expect("read");
    let file = root.join(format!("families/{name}.json"));
    fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    fs::write(
        &file,
        tariff.replacen("\"name\": \"tariff\"", &format!("\"name\": {name:?}"), 1),
    )
    .expect("write");
    root
}

#[test]
fn a_family_name_must_be_an_identifier_so_no_file_outside_the_folder_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    // x/set/families/../../other/f.json is x/other/f.json: outside the rule-set folder x/set.
    let root = with_family(&dir.path().join("x"), "../../other/f");
    assert!(dir.path().join("x/other/f.json").is_file());
    let manifest = root.join("ruleset.json").display().to_string();
    let error = load_error(&root);
    assert_eq!(
        error,
        format!(
            "{manifest}: at $.families[1]: \"../../other/f\" is not a valid family name (a \
             family name is an identifier: an ASCII letter, then letters, digits or _; the \
             family is the file families/<name>.json)"
        )
    );
    let root = with_family(&dir.path().join("y"), "a/b");
    let error = load_error(&root);
    assert!(
        error.starts_with(&format!(
            "{}: at $.families[1]: \"a/b\" is not a valid family name",
            root.join("ruleset.json").display()
        )),
        "{error}"
    );
    for name in ["2nd", "_f", "early-years", "tariff.v2", ""] {
        let root = with_family(&dir.path().join(format!("z{name}")), name);
        assert!(
            load_error(&root).contains("is not a valid family name"),
            "{name:?} loaded"
        );
    }
    // A bundle holds its families itself, but their names are held to the same rule.
    let good = RuleSet::from_folder(Path::new(HEREFORDSHIRE)).expect("loads");
    let text = serde_json::to_string(good.bundle())
        .expect("bundle")
        .replace("\"tariff\"", "\"a/b\"");
    match RuleSet::from_bundle("b.json", &text) {
        Ok(_) => panic!("a bundle with a family a/b loaded"),
        Err(e) => assert!(
            e.to_string().starts_with(
                "b.json: at $.manifest.families[0]: \"a/b\" is not a valid family name"
            ),
            "{e}"
        ),
    }
    // An ordinary name still loads, as every shipped one does.
    let root = with_family(&dir.path().join("ok"), "Tariff_2");
    let rules = RuleSet::from_folder(&root).expect("an identifier loads");
    let names: Vec<&str> = rules.families().iter().map(|f| &*f.name).collect();
    assert_eq!(names, ["tariff", "Tariff_2"]);
}
