//! Reading a rule set's JSON: from a folder, from files held in memory (the rule set compiled
//! into the binary), or from one bundle file; every parse error names the file and JSON path.

use super::error::{At, LoadError};
use super::format::{Bundle, FamilySpec, InputSpec, Manifest, TestFile, TestSpec};
use super::json_path;
use serde::de::DeserializeOwned;
use std::path::Path;

/// The largest rule file read (a manifest, inputs, a family or a test file): 4 MiB. The
/// largest shipped one is under 10 KB; past this a file is a mistake or an attack.
pub const MAX_RULE_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The largest bundle read: 16 MiB.
pub const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;

/// An error unless `bytes` is at most `max`; `what` names the kind of file.
pub(crate) fn check_size(file: &str, bytes: u64, max: u64, what: &str) -> Result<(), LoadError> {
    if bytes <= max {
        return Ok(());
    }
    Err(At::new(file, "$").invalid(format!(
        "the file is {bytes} bytes, but {what} may be at most {max} bytes ({} MiB)",
        max >> 20
    )))
}

/// Whether `name` may name a family: an ASCII letter, then ASCII letters, digits or `_`
/// (`topup`, `early_years`). A family is read from `families/<name>.json`, so a name must never
/// be a path (`../../other/f`, `a/b`) that leads to a file outside the rule-set folder.
pub fn is_family_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An error at the first family name of `manifest` (written at `at`) that is not an identifier.
pub(crate) fn check_family_names(manifest: &Manifest, at: &At) -> Result<(), LoadError> {
    for (i, name) in manifest.families.iter().enumerate() {
        if !is_family_name(name) {
            return Err(at.join(&format!(".families[{i}]")).invalid_with(
                format!("{name:?} is not a valid family name"),
                Some(
                    "a family name is an identifier: an ASCII letter, then letters, digits or _; \
                     the family is the file families/<name>.json"
                        .to_string(),
                ),
            ));
        }
    }
    Ok(())
}

/// The parsed files of one rule set, and where each part came from (for error messages).
#[derive(Debug, Clone)]
pub struct Source {
    pub bundle: Bundle,
    pub origin: Origin,
}

/// Where each part of a rule set was written.
#[derive(Debug, Clone)]
pub struct Origin {
    pub manifest: At,
    pub inputs: At,
    pub families: Vec<At>,
    pub tests: Vec<At>,
    /// For a version written as changes to another: that version and the changes, in order.
    #[cfg(edits)]
    pub built_on: Option<super::format::BuiltOn>,
}

/// Parse JSON text into `T`, naming the file, line, column and JSON path on failure.
pub fn parse_json<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, LoadError> {
    let mut de = serde_json::Deserializer::from_str(text);
    // The path is found from where the error stopped reading, rather than tracked while reading
    // (serde_path_to_error did, at a sixth of the browser's module).
    let value = T::deserialize(&mut de).map_err(|e| json_error(file, text, &e, true))?;
    de.end().map_err(|e| json_error(file, text, &e, false))?;
    Ok(value)
}

/// A parse error in words, at its JSON path (`$` for text after the value). Kept out of
/// `parse_json`, which is made once per file type, so the browser's module holds it once.
#[inline(never)]
fn json_error(file: &str, text: &str, e: &serde_json::Error, in_value: bool) -> LoadError {
    LoadError::Json {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        json_path: if in_value {
            path_of(text, e)
        } else {
            "$".to_string()
        },
        message: strip_position(&e.to_string()),
    }
}

/// The JSON path where serde_json stopped with `e`.
fn path_of(text: &str, e: &serde_json::Error) -> String {
    let message = e.to_string();
    let stop = if message.starts_with("unknown variant") {
        json_path::Stop::UnknownVariant
    } else if message.starts_with("invalid type: sequence") {
        json_path::Stop::Sequence
    } else {
        json_path::Stop::Any
    };
    json_path::at_offset(text, json_path::offset_of(text, e.line(), e.column()), stop)
}

/// serde_json appends " at line L column C"; we report those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A rule-set folder's files, by path relative to the folder (`ruleset.json`,
/// `families/topup.json`, `tests/bands.json`), with their text.
pub trait Files {
    /// The text of a file, or `None` when it does not exist; an error past
    /// [`MAX_RULE_FILE_BYTES`].
    fn read(&self, rel: &str) -> Result<Option<String>, LoadError>;
    /// The files in a sub-folder ending in `.json`, sorted by name.
    fn list_json(&self, dir: &str) -> Result<Vec<String>, LoadError>;
    /// How to name a file in messages.
    fn display(&self, rel: &str) -> String;
    /// The version folder `name` beside this one (the version an extending one builds on),
    /// where folders have neighbours.
    fn beside(&self, _name: &str) -> Option<Box<dyn Files + '_>> {
        None
    }
}

/// Files in a folder on disk.
pub struct Folder<'a>(pub &'a Path);

impl Files for Folder<'_> {
    fn read(&self, rel: &str) -> Result<Option<String>, LoadError> {
        let path = self.0.join(rel);
        let shown = path.display().to_string();
        // Refuse an oversized file before reading it into memory; what is read is checked too,
        // as a pipe or a file still being written has no size beforehand.
        if let Ok(meta) = std::fs::metadata(&path) {
            check_size(&shown, meta.len(), MAX_RULE_FILE_BYTES, "a rule file")?;
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                check_size(
                    &shown,
                    text.len() as u64,
                    MAX_RULE_FILE_BYTES,
                    "a rule file",
                )?;
                Ok(Some(text))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(LoadError::Io {
                path: shown,
                source,
            }),
        }
    }

    fn list_json(&self, dir: &str) -> Result<Vec<String>, LoadError> {
        let path = self.0.join(dir);
        let entries = match std::fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(LoadError::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| LoadError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") {
                names.push(format!("{dir}/{name}"));
            }
        }
        names.sort();
        Ok(names)
    }

    fn display(&self, rel: &str) -> String {
        self.0.join(rel).display().to_string()
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn beside(&self, name: &str) -> Option<Box<dyn Files + '_>> {
        Some(Box::new(Beside(self.0.parent()?.join(name))))
    }
}

/// A folder found beside another, held by its own path.
#[cfg(not(target_arch = "wasm32"))]
struct Beside(std::path::PathBuf);

#[cfg(not(target_arch = "wasm32"))]
impl Files for Beside {
    fn read(&self, rel: &str) -> Result<Option<String>, LoadError> {
        Folder(&self.0).read(rel)
    }
    fn list_json(&self, dir: &str) -> Result<Vec<String>, LoadError> {
        Folder(&self.0).list_json(dir)
    }
    fn display(&self, rel: &str) -> String {
        Folder(&self.0).display(rel)
    }
    fn beside(&self, name: &str) -> Option<Box<dyn Files + '_>> {
        Some(Box::new(Beside(self.0.parent()?.join(name))))
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// How many versions an extending version may build on, one on another (a loop would never end).
const MAX_EXTENDS: usize = 16;

/// Files held in memory: `(relative path, text)`, e.g. the rule set compiled into the binary.
pub struct InMemory<'a> {
    pub name: &'a str,
    pub files: &'a [(&'a str, &'a str)],
}

impl Files for InMemory<'_> {
    fn read(&self, rel: &str) -> Result<Option<String>, LoadError> {
        let Some((_, text)) = self.files.iter().find(|(p, _)| *p == rel) else {
            return Ok(None);
        };
        let bytes = text.len() as u64;
        check_size(
            &self.display(rel),
            bytes,
            MAX_RULE_FILE_BYTES,
            "a rule file",
        )?;
        Ok(Some(text.to_string()))
    }

    fn list_json(&self, dir: &str) -> Result<Vec<String>, LoadError> {
        let prefix = format!("{dir}/");
        let mut names: Vec<String> = self
            .files
            .iter()
            .filter(|(p, _)| p.starts_with(&prefix) && p.ends_with(".json"))
            .map(|(p, _)| p.to_string())
            .collect();
        names.sort();
        Ok(names)
    }

    fn display(&self, rel: &str) -> String {
        format!("{}/{rel}", self.name)
    }
}

/// Read a rule-set folder: `ruleset.json`, `inputs.json`, `families/<name>.json` for each
/// family the manifest lists, and every `tests/*.json`.
pub fn read_folder(files: &dyn Files) -> Result<Source, LoadError> {
    #[cfg(not(target_arch = "wasm32"))]
    return read_version(files, 0);
    // The browser reads only whole versions (its own, or bundles): an extending one is refused
    // there as a manifest with an unknown field, `extends`.
    #[cfg(target_arch = "wasm32")]
    read_whole(files)
}

/// A version folder, whole or extending another (`depth` versions deep).
#[cfg(not(target_arch = "wasm32"))]
fn read_version(files: &dyn Files, depth: usize) -> Result<Source, LoadError> {
    if let Some(text) = files.read("ruleset.json")? {
        if extends(&text) {
            return read_extension(files, &files.display("ruleset.json"), &text, depth);
        }
    }
    read_whole(files)
}

/// A version folder with every file of its own.
fn read_whole(files: &dyn Files) -> Result<Source, LoadError> {
    let required = |rel: &str| -> Result<(String, String), LoadError> {
        let shown = files.display(rel);
        match files.read(rel)? {
            Some(text) => Ok((shown, text)),
            None => Err(LoadError::Io {
                path: shown,
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "missing: a rule-set folder needs ruleset.json, inputs.json and families/",
                ),
            }),
        }
    };
    let (manifest_file, text) = required("ruleset.json")?;
    let manifest: Manifest = parse_json(&manifest_file, &text)?;
    // Before any family file is read: a name is joined to the folder's path.
    check_family_names(&manifest, &At::new(&manifest_file, "$"))?;
    let (inputs_file, text) = required("inputs.json")?;
    let inputs: Vec<InputSpec> = parse_json(&inputs_file, &text)?;

    let listed = files.list_json("families")?;
    for rel in &listed {
        let stem = rel
            .trim_start_matches("families/")
            .trim_end_matches(".json");
        if !manifest.families.iter().any(|f| f == stem) {
            return Err(At::new(&manifest_file, "$.families").invalid_with(
                format!("{} is not listed in families", files.display(rel)),
                Some(format!("add \"{stem}\" to the list, or remove the file")),
            ));
        }
    }
    let mut families = Vec::new();
    let mut family_at = Vec::new();
    for name in &manifest.families {
        let (file, text) = required(&format!("families/{name}.json"))?;
        let family: FamilySpec = parse_json(&file, &text)?;
        families.push(family);
        family_at.push(At::new(&file, "$"));
    }

    let (tests, test_at) = read_tests(files)?;
    Ok(Source {
        bundle: Bundle {
            sendband_bundle: 1,
            manifest,
            inputs,
            families,
            tests,
            built_on: None,
        },
        origin: Origin {
            manifest: At::new(&manifest_file, "$"),
            inputs: At::new(&inputs_file, "$"),
            families: family_at,
            tests: test_at,
            #[cfg(edits)]
            built_on: None,
        },
    })
}

/// Whether a `ruleset.json` is a version written as changes to another (it says what it
/// `extends`).
pub(crate) fn extends(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.get("extends").is_some())
}

/// A version written as changes to the version beside it that it extends, flattened.
#[cfg(not(target_arch = "wasm32"))]
fn read_extension(
    files: &dyn Files,
    file: &str,
    text: &str,
    depth: usize,
) -> Result<Source, LoadError> {
    let ext: super::format::Extension = parse_json(file, text)?;
    let at = At::new(file, "$");
    if !super::extend::is_version_folder(&ext.extends) {
        return Err(at.join(".extends").invalid_with(
            format!("{:?} is not a version folder's name", ext.extends),
            Some("name the folder beside this one, such as \"2024-25\"".to_string()),
        ));
    }
    if depth >= MAX_EXTENDS {
        return Err(at.join(".extends").invalid(format!(
            "versions extend one another more than {MAX_EXTENDS} deep (do two extend each other?)"
        )));
    }
    let Some(base_files) = files.beside(&ext.extends) else {
        return Err(at.join(".extends").invalid(
            "a version that extends another is read from a folder beside it; write it flattened with sendband bundle",
        ));
    };
    let base = read_version(base_files.as_ref(), depth + 1)?;
    let digest = super::digest_of(&base.bundle);
    let (mut bundle, built_on) = super::extend::flatten(base.bundle, digest, ext, &at)?;
    let mut origin = base.origin;
    origin.manifest = at;
    origin.built_on = Some(built_on);
    let (tests, test_at) = read_tests(files)?;
    bundle.tests = tests;
    origin.tests = test_at;
    Ok(Source { bundle, origin })
}

/// Every test in `tests/*.json`, and where each is written.
fn read_tests(files: &dyn Files) -> Result<(Vec<TestSpec>, Vec<At>), LoadError> {
    let mut tests: Vec<TestSpec> = Vec::new();
    let mut test_at = Vec::new();
    for rel in files.list_json("tests")? {
        let file = files.display(&rel);
        let text = files.read(&rel)?.unwrap_or_default();
        let parsed: TestFile = parse_json(&file, &text)?;
        for i in 0..parsed.tests.len() {
            test_at.push(At::new(&file, &format!("$.tests[{i}]")));
        }
        tests.extend(parsed.tests);
    }
    Ok((tests, test_at))
}

/// Read a bundle: one JSON file holding a whole rule set.
pub fn read_bundle(file: &str, text: &str) -> Result<Source, LoadError> {
    check_size(file, text.len() as u64, MAX_BUNDLE_BYTES, "a bundle")?;
    let bundle: Bundle = parse_json(file, text)?;
    if bundle.sendband_bundle != 1 {
        return Err(At::new(file, "$.sendband_bundle").invalid(format!(
            "bundle format {} is not known to this sendband (it reads format 1)",
            bundle.sendband_bundle
        )));
    }
    let origin = Origin {
        manifest: At::new(file, "$.manifest"),
        inputs: At::new(file, "$.inputs"),
        families: (0..bundle.families.len())
            .map(|i| At::new(file, &format!("$.families[{i}]")))
            .collect(),
        tests: (0..bundle.tests.len())
            .map(|i| At::new(file, &format!("$.tests[{i}]")))
            .collect(),
        #[cfg(edits)]
        built_on: match &bundle.built_on {
            // Read apart from the bundle, so its path is put under `$.built_on` (a line and
            // column would count within it, not the file).
            Some(raw) => Some(parse_json(file, raw.get()).map_err(|e| match e {
                LoadError::Json {
                    json_path, message, ..
                } => {
                    let inner = json_path.strip_prefix('$').unwrap_or(&json_path);
                    At::new(file, &format!("$.built_on{inner}")).invalid(message)
                }
                other => other,
            })?),
            None => None,
        },
    };
    Ok(Source { bundle, origin })
}
