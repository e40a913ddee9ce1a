//! Reading a cohort's profiles (JSON Lines or CSV) in chunks, before either rule set checks
//! them: each rule set validates every profile itself, as their inputs may differ.

use super::{Cohort, ImpactError};
use crate::profile::ProfileErrors;
use crate::RuleSet;
use std::io::BufRead;

/// A profile as read, before either rule set checks it.
pub(super) enum Profile {
    Json(String),
    Cells(Vec<(String, String)>),
}

impl Profile {
    pub(super) fn facts(&self, rules: &RuleSet) -> Result<crate::Facts, ProfileErrors> {
        match self {
            Profile::Json(text) => rules.facts_from_json(text),
            Profile::Cells(cells) => rules.facts_from_fields(
                cells
                    .iter()
                    .map(|(k, v)| (k.as_str(), crate::input::Raw::Cell(v.as_str()))),
                Vec::new(),
            ),
        }
    }
}

/// Reads profiles from a cohort file, numbering them from 1.
pub(super) enum ProfileReader<R: std::io::Read> {
    Jsonl {
        reader: R,
        file: String,
        row: u64,
    },
    Csv {
        csv: csv::Reader<R>,
        header: Vec<String>,
        file: String,
        row: u64,
    },
}

impl<R: BufRead> ProfileReader<R> {
    pub(super) fn new(cohort: Cohort<R>, file: &str) -> Result<Self, ImpactError> {
        let file = file.to_string();
        Ok(match cohort {
            Cohort::Jsonl(reader) => ProfileReader::Jsonl {
                reader,
                file,
                row: 0,
            },
            Cohort::Csv(reader) => {
                let mut csv = csv::Reader::from_reader(reader);
                let header = csv
                    .headers()
                    .map_err(|e| ImpactError::Cohort {
                        file: file.clone(),
                        message: format!("the header row: {e}"),
                    })?
                    .iter()
                    .map(|h| h.trim().to_string())
                    .collect();
                ProfileReader::Csv {
                    csv,
                    header,
                    file,
                    row: 0,
                }
            }
        })
    }

    /// Up to `max` more profiles into `out` (none at the end of the file).
    pub(super) fn fill(
        &mut self,
        out: &mut Vec<(u64, Profile)>,
        max: usize,
    ) -> Result<(), ImpactError> {
        match self {
            ProfileReader::Jsonl { reader, file, row } => {
                let mut line = String::new();
                while out.len() < max {
                    line.clear();
                    let n = reader
                        .read_line(&mut line)
                        .map_err(|source| ImpactError::Io {
                            file: file.clone(),
                            source,
                        })?;
                    if n == 0 {
                        break;
                    }
                    if line.trim().is_empty() {
                        continue;
                    }
                    *row += 1;
                    out.push((*row, Profile::Json(line.trim_end().to_string())));
                }
            }
            ProfileReader::Csv {
                csv,
                header,
                file,
                row,
            } => {
                let mut record = csv::StringRecord::new();
                while out.len() < max {
                    let more = csv
                        .read_record(&mut record)
                        .map_err(|e| ImpactError::Cohort {
                            file: file.clone(),
                            message: e.to_string(),
                        })?;
                    if !more {
                        break;
                    }
                    *row += 1;
                    // An empty cell takes the input's default, as in a batch.
                    let cells = header
                        .iter()
                        .zip(record.iter())
                        .map(|(k, v)| (k.clone(), v.to_string()))
                        .collect();
                    out.push((*row, Profile::Cells(cells)));
                }
            }
        }
        Ok(())
    }
}
