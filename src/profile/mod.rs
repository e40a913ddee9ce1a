//! Case profiles: a JSON object (nested objects map to dotted names) or a set of named fields,
//! decoded straight into one checked value per declared input. Errors name the case and field.

mod json;
mod names;
mod reader;

pub(crate) use names::Names;

use crate::expr::Value;
use crate::input::Input;
use crate::input::Raw;
use crate::suggest::did_you_mean;
use std::fmt;

/// A validated profile: one value per declared input (defaults filled in), in input order.
///
/// Only validation makes one ([`RuleSet::facts_from_json`](crate::RuleSet::facts_from_json)), so every `Facts` holds a value of
/// the right type for every declared input: a hand-made one could hold too few, and a reused
/// evaluation buffer would then decide it with the previous case's inputs.
///
/// ```compile_fail
/// let facts = sendband::Facts { case_id: None, values: Vec::new() };
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub(crate) case_id: Option<String>,
    pub(crate) values: Vec<Value>,
}

impl Facts {
    /// The profile's `case_id`, when it has one.
    pub fn case_id(&self) -> Option<&str> {
        self.case_id.as_deref()
    }

    /// One value per declared input, in the rule set's input order (defaults filled in, null
    /// for an optional input not given).
    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

/// One thing wrong with one field of a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The dotted field name, e.g. `needs.semh`, or `(profile)` for the whole.
    pub field: String,
    pub message: String,
}

/// Everything wrong with a profile, with its case id when it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProfileErrors {
    pub case_id: Option<String>,
    pub errors: Vec<FieldError>,
}

impl fmt::Display for ProfileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let case = match &self.case_id {
            Some(id) => format!("case {id:?}"),
            None => "case without case_id".to_string(),
        };
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{case}: {}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

/// The name of the field that identifies a case; allowed in every profile.
pub const CASE_ID: &str = "case_id";

/// Whether a profile gave an input, as it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Given {
    No,
    /// Given as null or an empty cell: as good as not given, but given.
    Empty,
    Yes,
}

/// Decodes profiles into facts, checking each field into its input's slot as it is read. Its
/// buffers are kept from one profile to the next, so a batch worker allocates nothing per
/// field once it has decoded a few rows (only texts of `string` inputs are copied).
pub(crate) struct Decoder<'r> {
    inputs: &'r [Input],
    names: &'r Names,
    facts: Facts,
    given: Vec<Given>,
    /// Levels of the names given as an object (an object given twice is refused).
    objects: Vec<bool>,
    case_id_given: bool,
    /// Problems met reading: unknown fields, fields given twice; in the order met.
    errors: Vec<FieldError>,
    /// Problems checking values, by input slot, reported in input order.
    invalid: Vec<(usize, String)>,
    /// What each input is when a profile leaves it out (`validate(Raw::Null)`: its default, or
    /// why it cannot be left out), worked out once rather than per profile.
    absent: Vec<Result<Value, String>>,
    /// True where `facts.values` holds that input's `absent` value still: a value only
    /// changes when a profile gives the input, so an input left out profile after profile
    /// has its default written once.
    settled: Vec<bool>,
    /// The last case id's text, kept for the next (a case id is copied, not allocated).
    spare: String,
}

impl<'r> Decoder<'r> {
    /// A decoder for profiles of `inputs`, whose names are `names`.
    pub fn new(inputs: &'r [Input], names: &'r Names) -> Decoder<'r> {
        Decoder {
            inputs,
            names,
            facts: Facts {
                case_id: None,
                values: vec![Value::Null; inputs.len()],
            },
            given: vec![Given::No; inputs.len()],
            objects: vec![false; names.levels],
            case_id_given: false,
            errors: Vec::new(),
            invalid: Vec::new(),
            absent: inputs.iter().map(|i| i.validate(Raw::Null)).collect(),
            settled: vec![false; inputs.len()],
            spare: String::new(),
        }
    }

    /// Decode and check a JSON profile.
    pub fn json(&mut self, text: &str) -> Result<&Facts, ProfileErrors> {
        self.begin();
        if let Err(message) = json::decode(self, text) {
            return Err(ProfileErrors {
                case_id: None,
                errors: vec![FieldError {
                    field: "(profile)".to_string(),
                    message,
                }],
            });
        }
        self.end()
    }

    /// Check named fields (dotted names), e.g. a form's. `errors` are problems found reading
    /// them, reported first.
    pub fn fields<'a>(
        &mut self,
        fields: impl IntoIterator<Item = (&'a str, Raw<'a>)>,
        errors: Vec<FieldError>,
    ) -> Result<&Facts, ProfileErrors> {
        self.begin();
        self.errors = errors;
        for (name, raw) in fields {
            if name == CASE_ID {
                self.case_id_raw(raw);
            }
            match self.names.slot(name) {
                Some(slot) => self.input(slot, raw),
                None if name == CASE_ID => {}
                None => self.unknown(name),
            }
        }
        self.end()
    }

    #[cfg(feature = "cohort")]
    /// Check the cells of a row whose columns are known: cell k is `columns[k]`'s. A cell that
    /// could not be read is its error, reported once and not checked; `stray` are problems of
    /// the row outside any column, reported first.
    pub fn cells<'a>(
        &mut self,
        stray: impl IntoIterator<Item = FieldError>,
        columns: &[Column],
        cells: impl IntoIterator<Item = Result<&'a str, FieldError>>,
    ) -> Result<&Facts, ProfileErrors> {
        self.begin();
        self.errors.extend(stray);
        for (column, cell) in columns.iter().zip(cells) {
            let text = match cell {
                Ok(text) => text,
                Err(e) => {
                    if let Some(slot) = column.slot {
                        self.given[slot] = Given::Yes;
                    }
                    self.errors.push(e);
                    continue;
                }
            };
            if column.case_id {
                self.case_id_raw(Raw::Cell(text));
            }
            if let Some(slot) = column.slot {
                self.input(slot, Raw::Cell(text));
            }
        }
        self.end()
    }

    /// Ready for the next profile. Values stay as the last left them: each is written when
    /// its input is given, or by `end` when it is not (see `settled`).
    fn begin(&mut self) {
        if let Some(id) = self.facts.case_id.take() {
            self.spare = id;
        }
        self.given.fill(Given::No);
        self.objects.fill(false);
        self.case_id_given = false;
        self.errors.clear();
        self.invalid.clear();
    }

    /// Give input `slot` its raw value, checked now.
    fn input(&mut self, slot: usize, raw: Raw<'_>) {
        let (Some(input), Some(given)) = (self.inputs.get(slot), self.given.get_mut(slot)) else {
            return;
        };
        if *given != Given::No {
            self.errors.push(FieldError {
                field: input.name.to_string(),
                message: "is given twice".to_string(),
            });
            return;
        }
        *given = if raw.is_blank() {
            Given::Empty
        } else {
            Given::Yes
        };
        if let Some(settled) = self.settled.get_mut(slot) {
            *settled = false;
        }
        match input.validate(raw) {
            Ok(v) => {
                if let Some(place) = self.facts.values.get_mut(slot) {
                    *place = v;
                }
            }
            Err(message) => self.invalid.push((slot, message)),
        }
    }

    fn case_id_raw(&mut self, raw: Raw<'_>) {
        if self.names.slot(CASE_ID).is_none() {
            if self.case_id_given {
                self.errors.push(FieldError {
                    field: CASE_ID.to_string(),
                    message: "is given twice".to_string(),
                });
                return;
            }
            self.case_id_given = true;
        }
        let id = match raw {
            Raw::Str(s) | Raw::Cell(s) | Raw::Number(s) if !s.trim().is_empty() => s.trim(),
            _ => {
                self.facts.case_id = None;
                return;
            }
        };
        let mut text = self
            .facts
            .case_id
            .take()
            .unwrap_or_else(|| std::mem::take(&mut self.spare));
        text.clear();
        text.push_str(id);
        self.facts.case_id = Some(text);
    }

    /// A field no input has.
    fn unknown(&mut self, name: &str) {
        self.errors.push(FieldError {
            field: name.to_string(),
            message: unknown(name, self.inputs),
        });
    }

    /// True when the object of `level` was given before (and says so); marks it given.
    fn object_given(&mut self, level: &names::Level) -> bool {
        match self.objects.get_mut(level.id) {
            Some(true) => {
                self.errors.push(FieldError {
                    field: level.prefix.to_string(),
                    message: "is given twice".to_string(),
                });
                true
            }
            Some(seen) => {
                *seen = true;
                false
            }
            None => false,
        }
    }

    /// Defaults for inputs not given, then every problem, or the facts.
    fn end(&mut self) -> Result<&Facts, ProfileErrors> {
        for &(slot, ref needs) in &self.names.requires {
            if self.given.get(slot) != Some(&Given::Yes) {
                continue;
            }
            for (needed, k) in needs.iter() {
                let needed_given = k.is_some_and(|k| self.given.get(k) == Some(&Given::Yes));
                if !needed_given {
                    let name = self.inputs.get(slot).map_or("", |i| &*i.name);
                    self.errors.push(FieldError {
                        field: needed.to_string(),
                        message: format!("is required when {name} is given"),
                    });
                }
            }
        }
        let slots = self.given.iter().zip(&self.absent).zip(&mut self.settled);
        for (slot, ((given, absent), settled)) in slots.enumerate() {
            if *given != Given::No || *settled {
                continue;
            }
            match absent {
                Ok(v) => {
                    if let Some(place) = self.facts.values.get_mut(slot) {
                        *place = v.clone();
                        *settled = true;
                    }
                }
                Err(message) => self.invalid.push((slot, message.clone())),
            }
        }
        if self.errors.is_empty() && self.invalid.is_empty() {
            return Ok(&self.facts);
        }
        // Checking problems in the inputs' order, as the rule set lists them: at most one per
        // input and seldom many, so each is picked in turn rather than sorted (a sort would
        // be another few kilobytes of WebAssembly for the form).
        let mut errors = std::mem::take(&mut self.errors);
        while let Some(first) = (0..self.invalid.len()).min_by_key(|&i| self.invalid[i].0) {
            let (slot, message) = self.invalid.swap_remove(first);
            errors.push(FieldError {
                field: self.inputs[slot].name.to_string(),
                message,
            });
        }
        Err(ProfileErrors {
            case_id: self.facts.case_id.clone(),
            errors,
        })
    }

    /// The facts decoded last, taken.
    pub fn into_facts(self) -> Facts {
        self.facts
    }
}

#[cfg(feature = "cohort")]
/// A column of a CSV or xlsx header: its name, the input it gives, and whether it is the case id.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub name: Box<str>,
    pub slot: Option<usize>,
    pub case_id: bool,
}

#[cfg(feature = "cohort")]
impl Column {
    /// The columns named `names` (a checked header), for profiles of `names`' inputs.
    pub fn of(columns: &[String], names: &Names) -> Vec<Column> {
        columns
            .iter()
            .map(|c| Column {
                name: c.as_str().into(),
                slot: names.slot(c),
                case_id: c == CASE_ID,
            })
            .collect()
    }
}

fn unknown(name: &str, inputs: &[Input]) -> String {
    let names = inputs
        .iter()
        .map(|i| &*i.name)
        .chain(std::iter::once(CASE_ID));
    match did_you_mean(name, names) {
        Some(hint) => format!("unknown field ({hint})"),
        None => "unknown field".to_string(),
    }
}

/// How deep the objects of a JSON profile may nest (`early_years.development.psed` is 3). Each
/// level is parsed on its own, so without a bound a deeply nested value would exhaust the stack.
pub const MAX_NESTING: usize = 8;
