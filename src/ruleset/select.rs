//! Choosing what a path names: a bundle file, one version's folder, or an authority folder of
//! versions, where the evaluation date picks the version in force (drafts only by name).

use super::error::LoadError;
use super::format::{Manifest, Provenance};
use super::source::parse_json;
use super::{span, RuleSet};
use crate::Date;
use std::path::{Path, PathBuf};

/// Load what `path` names, choosing by `on` in an authority folder.
pub fn load_path(path: &Path, on: Date) -> Result<RuleSet, LoadError> {
    let io = |source| LoadError::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_file() {
        return RuleSet::from_bundle_file(path);
    }
    if path.join("ruleset.json").is_file() {
        return RuleSet::from_folder(path);
    }
    let versions = versions_in(path)?;
    let named: Vec<(String, &Manifest)> = versions
        .iter()
        .map(|(dir, m)| (folder_name(dir), m))
        .collect();
    let chosen = in_force(&path.display().to_string(), &named, on)?;
    RuleSet::from_folder(&versions[chosen].0)
}

/// Which of `versions` (each by its folder's name, sorted by start date) is in force on `on` (a
/// draft never, since drafts are used only by name), or an error naming `folder` that lists them.
pub(crate) fn in_force(
    folder: &str,
    versions: &[(String, &Manifest)],
    on: Date,
) -> Result<usize, LoadError> {
    let chosen = versions
        .iter()
        .position(|(_, m)| m.provenance != Provenance::Draft && m.in_force_on(on));
    match chosen {
        Some(i) => Ok(i),
        None => {
            let listed: Vec<String> = versions
                .iter()
                .map(|(name, m)| format!("{name} {}{}", span(m), draft_note(m)))
                .collect();
            Err(LoadError::Versions {
                folder: folder.to_string(),
                message: if listed.is_empty() {
                    "no rule set here: expected ruleset.json, or version folders that hold one"
                        .to_string()
                } else {
                    format!(
                        "no version is in force on {on} (versions: {})",
                        listed.join("; ")
                    )
                },
            })
        }
    }
}

/// The version folders of an authority folder with their manifests, sorted by start date.
/// Two versions that are not drafts and are in force on a common day are an error.
pub fn versions_in(folder: &Path) -> Result<Vec<(PathBuf, Manifest)>, LoadError> {
    let versions = versions_listed(folder)?;
    if let Some(message) = overlaps(&versions).into_iter().next() {
        return Err(LoadError::Overlap {
            folder: folder.display().to_string(),
            message,
        });
    }
    Ok(versions)
}

/// The version folders of an authority folder with their manifests, sorted by start date,
/// overlapping or not.
pub fn versions_listed(folder: &Path) -> Result<Vec<(PathBuf, Manifest)>, LoadError> {
    let entries = std::fs::read_dir(folder).map_err(|source| LoadError::Io {
        path: folder.display().to_string(),
        source,
    })?;
    let mut versions = Vec::new();
    for entry in entries.flatten() {
        let dir = entry.path();
        let manifest_file = dir.join("ruleset.json");
        if !manifest_file.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest_file).map_err(|source| LoadError::Io {
            path: manifest_file.display().to_string(),
            source,
        })?;
        let manifest: Manifest = if super::source::extends(&text) {
            // Its dates and title may be the version's it extends: flattened to be known.
            super::source::read_folder(&super::source::Folder(&dir))?
                .bundle
                .manifest
        } else {
            parse_json(&manifest_file.display().to_string(), &text)?
        };
        versions.push((dir, manifest));
    }
    versions.sort_by(|a, b| {
        a.1.effective_from
            .cmp(&b.1.effective_from)
            .then(a.0.cmp(&b.0))
    });
    Ok(versions)
}

/// Each pair of versions (not drafts) in force on a common day, in words; `versions` sorted by
/// start date as `versions_listed` gives them.
pub fn overlaps(versions: &[(PathBuf, Manifest)]) -> Vec<String> {
    let in_force: Vec<&(PathBuf, Manifest)> = versions
        .iter()
        .filter(|(_, m)| m.provenance != Provenance::Draft)
        .collect();
    let mut found = Vec::new();
    for (k, (dir_a, a)) in in_force.iter().map(|v| (&v.0, &v.1)).enumerate() {
        for (dir_b, b) in in_force[k + 1..].iter().map(|v| (&v.0, &v.1)) {
            if a.effective_to.is_none_or(|to| to >= b.effective_from) {
                found.push(format!(
                    "versions {} ({}) and {} ({}) are both in force on {}; end one before the other starts",
                    folder_name(dir_a),
                    span(a),
                    folder_name(dir_b),
                    span(b),
                    b.effective_from
                ));
            }
        }
    }
    found
}

fn folder_name(dir: &Path) -> String {
    dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn draft_note(m: &Manifest) -> &'static str {
    if m.provenance == Provenance::Draft {
        " (draft: used only when named)"
    } else {
        ""
    }
}
