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
    let chosen = versions
        .iter()
        .filter(|(_, m)| m.provenance != Provenance::Draft)
        .find(|(_, m)| on >= m.effective_from && m.effective_to.is_none_or(|to| on <= to));
    match chosen {
        Some((dir, _)) => RuleSet::from_folder(dir),
        None => {
            let listed: Vec<String> = versions
                .iter()
                .map(|(dir, m)| format!("{} {}{}", folder_name(dir), span(m), draft_note(m)))
                .collect();
            Err(LoadError::Versions {
                folder: path.display().to_string(),
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
        let manifest: Manifest = parse_json(&manifest_file.display().to_string(), &text)?;
        versions.push((dir, manifest));
    }
    versions.sort_by(|a, b| {
        a.1.effective_from
            .cmp(&b.1.effective_from)
            .then(a.0.cmp(&b.0))
    });
    let in_force: Vec<&(PathBuf, Manifest)> = versions
        .iter()
        .filter(|(_, m)| m.provenance != Provenance::Draft)
        .collect();
    for pair in in_force.windows(2) {
        let (a, b) = (&pair[0].1, &pair[1].1);
        if a.effective_to.is_none_or(|to| to >= b.effective_from) {
            return Err(LoadError::Overlap {
                folder: folder.display().to_string(),
                message: format!(
                    "versions {} ({}) and {} ({}) are both in force on {}; end one before the other starts",
                    folder_name(&pair[0].0),
                    span(a),
                    folder_name(&pair[1].0),
                    span(b),
                    b.effective_from
                ),
            });
        }
    }
    Ok(versions)
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
