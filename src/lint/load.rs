//! Loading for lint: range gaps and overlaps, which loading refuses one at a time, are let
//! through and reported all together; an authority folder is linted version by version.

use super::{check, Finding, Options, Report, Severity};
use crate::error::LoadError;
use crate::format::Outside;
use crate::ruleset::source::{self, Folder, Source};
use crate::ruleset::{overlaps, versions_listed};
use crate::steps::ranges::Meeting;
use crate::steps::Kind;
use crate::RuleSet;
use std::path::Path;

/// Lint what `path` names: a bundle file, a version folder, or an authority folder of
/// versions (each version, and whether versions overlap).
pub fn lint_path(path: &Path, options: Options) -> Result<Vec<Report>, LoadError> {
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
        path: path.display().to_string(),
        source,
    })?;
    if meta.is_file() {
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let source = source::read_bundle(&path.display().to_string(), &text)?;
        return Ok(vec![lenient(source, options)?]);
    }
    if path.join("ruleset.json").is_file() {
        return Ok(vec![lenient(source::read_folder(&Folder(path))?, options)?]);
    }
    let versions = versions_listed(path)?;
    if versions.is_empty() {
        return Err(LoadError::Versions {
            folder: path.display().to_string(),
            message: "no rule set here: expected ruleset.json, or version folders that hold one"
                .into(),
        });
    }
    let mut reports = vec![Report {
        name: path.display().to_string(),
        findings: overlaps(&versions)
            .into_iter()
            .map(|message| Finding {
                severity: Severity::Error,
                check: "versions-overlap",
                place: path.display().to_string(),
                message: format!(
                    "{message}: on those days sendband cannot tell which version to use"
                ),
            })
            .collect(),
        explored: 0,
    }];
    for (dir, _) in &versions {
        reports.push(lenient(source::read_folder(&Folder(dir))?, options)?);
    }
    Ok(reports)
}

/// Compile with every range gap and overlap let through, then lint, reporting those not
/// declared (`allow_gaps`, `allow_overlaps`) as errors.
fn lenient(mut source: Source, options: Options) -> Result<Report, LoadError> {
    let declared = source.bundle.clone();
    for f in &mut source.bundle.families {
        for s in &mut f.steps {
            if let Some(r) = &mut s.ranges {
                r.allow_gaps = true;
                r.allow_overlaps = true;
            }
        }
    }
    let rules = RuleSet::compile(source)?;
    let mut meetings = Vec::new();
    for (f, spec) in rules.families().iter().zip(&declared.families) {
        for s in &f.steps {
            let Kind::Ranges(r) = &s.kind else { continue };
            let Some(allowed) = spec
                .steps
                .iter()
                .find(|x| *x.name == *s.name)
                .and_then(|x| x.ranges.as_ref())
            else {
                continue;
            };
            for m in r.meetings() {
                let (check, message) = match m {
                    Meeting::Gap(m) if !allowed.allow_gaps => ("range-gap", m),
                    Meeting::Overlap(m) if !allowed.allow_overlaps => ("range-overlap", m),
                    _ => continue,
                };
                let consequence = if check == "range-gap" {
                    match r.outside {
                        Outside::Error => "a case there ends in an error",
                        Outside::NoValue => "a case there gets no value",
                    }
                } else {
                    "the range listed first wins, which may not be what was meant"
                };
                meetings.push(Finding {
                    severity: Severity::Error,
                    check,
                    place: format!("families/{}.json: step {:?}", f.name, s.name),
                    message: format!("{message}: {consequence}"),
                });
            }
        }
    }
    Ok(check(&rules, options, meetings))
}
