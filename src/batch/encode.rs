//! Encoding a batch's output: the columns, and each decided row as CSV or JSON Lines text or
//! xlsx cells, done by the workers in parallel; money outputs are added to the totals here.

use super::summary::Totals;
use super::Format;
use crate::decision::{output_json, output_text, write_output_text, Decision, Status};
use crate::expr::Value;
use crate::fast::{Lean, OutRef};
use crate::format::OutputFormat;
use crate::format::OutputKind;
use crate::number::write_decimal;
use crate::ruleset::RuleSet;
use std::borrow::Cow;

/// One family's outputs, and which of them the summary groups and adds up.
#[derive(Debug)]
pub(crate) struct FamilyLayout {
    pub name: String,
    pub outputs: Vec<(String, OutputFormat)>,
    /// The output named `band`, else the first text output.
    pub band: Option<usize>,
    /// The money outputs, and whether each is an amount paid (added up by group too).
    pub money: Vec<(usize, OutputKind)>,
}

/// The output columns: `case_id`; per family `<family>.status`, `<family>.<output>` for each
/// output, `<family>.flags` and `<family>.reason`; then the rule set's id, version and digest.
#[derive(Debug)]
pub(crate) struct Layout {
    pub format: Format,
    pub header: Vec<String>,
    /// Each column name as a JSON key with its colon (`"topup.band":`), made once.
    json_keys: Vec<String>,
    pub families: Vec<FamilyLayout>,
    stamp: [String; 3],
    /// The stamp's three cells as CSV or JSON Lines text, with the separators before them
    /// and the row's end: the same on every row, so encoded once.
    stamp_text: Vec<u8>,
}

impl Layout {
    pub fn new(rules: &RuleSet, format: Format) -> Layout {
        let mut header = vec!["case_id".to_string()];
        let mut families = Vec::new();
        for f in rules.families() {
            header.push(format!("{}.status", f.name));
            let outputs: Vec<(String, OutputFormat)> = f
                .outputs()
                .map(|(name, _, format)| (name.to_string(), format))
                .collect();
            for (name, _) in &outputs {
                header.push(format!("{}.{name}", f.name));
            }
            header.push(format!("{}.flags", f.name));
            header.push(format!("{}.reason", f.name));
            let band = f.band_output();
            let money = f
                .output_kinds()
                .enumerate()
                .filter_map(|(i, kind)| Some((i, kind?)))
                .collect();
            families.push(FamilyLayout {
                name: f.name.to_string(),
                outputs,
                band,
                money,
            });
        }
        header.extend(["ruleset_id", "ruleset_version", "ruleset_digest"].map(String::from));
        let json_keys: Vec<String> = header
            .iter()
            .map(|h| format!("{}:", serde_json::Value::String(h.clone())))
            .collect();
        let m = rules.manifest();
        let stamp = [m.id.clone(), m.version.clone(), rules.digest().to_string()];
        let mut stamp_text = Vec::new();
        let first = header.len() - stamp.len();
        for (i, cell) in stamp.iter().enumerate() {
            match format {
                Format::Csv => {
                    stamp_text.push(b',');
                    csv_field(&mut stamp_text, cell);
                }
                Format::Jsonl => {
                    stamp_text.push(b',');
                    stamp_text.extend_from_slice(json_keys[first + i].as_bytes());
                    json_string(&mut stamp_text, cell);
                }
                Format::Xlsx => {}
            }
        }
        Layout {
            format,
            header,
            json_keys,
            families,
            stamp,
            stamp_text,
        }
    }

    /// Encode one decided row into `piece`, and count its money outputs into the totals (by
    /// band and setting, and its amounts by `group`, the row's values of `--group-by`).
    pub fn encode(
        &self,
        d: &impl Decided,
        case_id: Option<&str>,
        setting: &str,
        group: Option<&[String]>,
        piece: &mut Piece,
    ) {
        let mut row = RowWriter::new(self, piece);
        row.text(case_id);
        for (i, fam) in self.families.iter().enumerate() {
            row.text(Some(d.status(i).as_str()));
            for (k, (_, format)) in fam.outputs.iter().enumerate() {
                row.output(d.output(i, k), *format);
            }
            row.flags(d.flags(i));
            row.text(d.reason(i).as_deref());
            // The band is read only for a row with money to count.
            let mut band: Option<Cow<str>> = None;
            for &(m, kind) in &fam.money {
                let amount = match d.output(i, m) {
                    OutRef::Value(Value::Number(n)) => Some(*n),
                    OutRef::Owned(Value::Number(n)) => Some(n),
                    _ => None,
                };
                if let Some(amount) = amount {
                    let band = band.get_or_insert_with(|| {
                        fam.band
                            .and_then(|b| Some(ref_text(d.output(i, b), fam.outputs.get(b)?.1)))
                            .unwrap_or_default()
                    });
                    row.piece.totals.add(i, m, band, setting, amount);
                    if let Some(values) = group.filter(|_| kind == OutputKind::Amount) {
                        row.piece.totals.add_to_group(i, m, values, amount);
                    }
                }
            }
        }
        row.stamp();
        piece.rows_out += 1;
        if d.has_error() {
            piece.rows_with_error += 1;
        }
    }
}

/// A decision as the batch reads it: a full [`Decision`] (with `--reasons`), or a [`Lean`] one.
pub(crate) trait Decided {
    fn status(&self, family: usize) -> Status;
    fn output(&self, family: usize, output: usize) -> OutRef<'_>;
    /// The names of the flags the family raised.
    fn flags(&self, family: usize) -> impl Iterator<Item = &str>;
    /// The family's reason column: a lean decision says why a family is not applied (and
    /// why flags were raised); a full one gives every reason, joined by "; ".
    fn reason(&self, family: usize) -> Option<Cow<'_, str>>;
    fn has_error(&self) -> bool;
}

impl Decided for Decision {
    fn status(&self, family: usize) -> Status {
        self.results.get(family).map_or(Status::Error, |r| r.status)
    }
    fn output(&self, family: usize, output: usize) -> OutRef<'_> {
        match self.results.get(family).and_then(|r| r.outputs.get(output)) {
            Some(o) => OutRef::Value(&o.value),
            None => OutRef::Owned(Value::Null),
        }
    }
    fn flags(&self, family: usize) -> impl Iterator<Item = &str> {
        self.results
            .get(family)
            .into_iter()
            .flat_map(|r| r.flags.iter().map(String::as_str))
    }
    fn reason(&self, family: usize) -> Option<Cow<'_, str>> {
        let reasons = &self.results.get(family)?.reasons;
        match reasons.as_slice() {
            [] => None,
            [one] => Some(Cow::Borrowed(one)),
            all => Some(Cow::Owned(all.join("; "))),
        }
    }
    fn has_error(&self) -> bool {
        Decision::has_error(self)
    }
}

impl Decided for Lean<'_> {
    fn status(&self, family: usize) -> Status {
        Lean::status(self, family)
    }
    fn output(&self, family: usize, output: usize) -> OutRef<'_> {
        Lean::output(self, family, output)
    }
    fn flags(&self, family: usize) -> impl Iterator<Item = &str> {
        Lean::flags(self, family)
    }
    fn reason(&self, family: usize) -> Option<Cow<'_, str>> {
        Lean::reason(self, family).map(Cow::Borrowed)
    }
    fn has_error(&self) -> bool {
        Lean::has_error(self)
    }
}

/// An output's text in its format, for grouping totals by band.
fn ref_text(r: OutRef<'_>, format: OutputFormat) -> Cow<'_, str> {
    match r {
        OutRef::Text(t) => Cow::Borrowed(t),
        OutRef::Value(v) => Cow::Owned(output_text(v, format)),
        OutRef::Owned(v) => Cow::Owned(output_text(&v, format)),
    }
}

/// An xlsx cell: numbers are carried as their exact decimal text until the sheet is written.
#[derive(Debug)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(String),
    Money(String),
}

/// One field error of one rejected row (a line of the rejects file).
#[derive(Debug)]
pub(crate) struct Reject {
    pub row: u64,
    pub case_id: Option<String>,
    pub field: String,
    pub message: String,
}

/// Consecutive rows checked, evaluated and encoded by one worker, in input order.
#[derive(Debug, Default)]
pub(crate) struct Piece {
    /// CSV or JSON Lines text of the output rows.
    pub out: Vec<u8>,
    /// xlsx cells of the output rows, one per column.
    pub cells: Vec<Cell>,
    pub rejects: Vec<Reject>,
    pub rows_out: u64,
    pub rows_rejected: u64,
    pub rows_with_error: u64,
    pub totals: Totals,
    /// A cell's text, as it is written (kept from cell to cell).
    text: String,
}

/// Writes the cells of one row in the layout's format.
struct RowWriter<'a> {
    layout: &'a Layout,
    piece: &'a mut Piece,
    column: usize,
}

impl<'a> RowWriter<'a> {
    fn new(layout: &'a Layout, piece: &'a mut Piece) -> Self {
        if layout.format == Format::Jsonl {
            piece.out.push(b'{');
        }
        RowWriter {
            layout,
            piece,
            column: 0,
        }
    }

    // Always in line: called for each of a row's 24 cells, a call cost more than the comma.
    #[inline(always)]
    fn start_cell(&mut self) {
        match self.layout.format {
            Format::Csv if self.column > 0 => self.piece.out.push(b','),
            Format::Jsonl => {
                if self.column > 0 {
                    self.piece.out.push(b',');
                }
                self.piece
                    .out
                    .extend_from_slice(self.layout.json_keys[self.column].as_bytes());
            }
            _ => {}
        }
        self.column += 1;
    }

    /// A text cell; `None` is empty (CSV, xlsx) or null (JSON).
    fn text(&mut self, text: Option<&str>) {
        self.start_cell();
        let out = &mut self.piece.out;
        match (self.layout.format, text) {
            (Format::Csv, Some(t)) => csv_field(out, t),
            (Format::Csv, None) => {}
            (Format::Jsonl, Some(t)) => json_string(out, t),
            (Format::Jsonl, None) => out.extend_from_slice(b"null"),
            (Format::Xlsx, Some(t)) => self.piece.cells.push(Cell::Text(t.to_string())),
            (Format::Xlsx, None) => self.piece.cells.push(Cell::Empty),
        }
    }

    /// An output as the decision writes it: money "4000.00", whole numbers as numbers.
    fn output(&mut self, output: OutRef, format: OutputFormat) {
        self.start_cell();
        let owned;
        let value = match output {
            // Labels are most cells: written straight from the rule set's own text.
            OutRef::Text(t) => {
                match self.layout.format {
                    Format::Csv => csv_field(&mut self.piece.out, t),
                    Format::Jsonl => json_string(&mut self.piece.out, t),
                    Format::Xlsx => self.piece.cells.push(Cell::Text(t.to_string())),
                }
                return;
            }
            OutRef::Value(v) => v,
            OutRef::Owned(v) => {
                owned = v;
                &owned
            }
        };
        match self.layout.format {
            // Money and nulls are most of the rest: written without a JSON value between.
            Format::Csv => match (value, format) {
                (Value::Null, _) => {}
                (Value::Text(t), _) => csv_field(&mut self.piece.out, t),
                (Value::Number(n), OutputFormat::Money) => match crate::money::pence(*n) {
                    // Written as to_pence_string writes it, with no string between.
                    Some(pence) => write_decimal(&mut self.piece.out, pence),
                    None => csv_field(&mut self.piece.out, &output_text(value, format)),
                },
                // A whole number as its JSON number writes it (normalized: no "-0", no "10.0").
                (Value::Number(n), OutputFormat::Integer) if json_integer(*n) => {
                    write_decimal(&mut self.piece.out, n.normalize())
                }
                _ => {
                    let text = &mut self.piece.text;
                    text.clear();
                    write_output_text(value, format, text);
                    csv_field(&mut self.piece.out, text);
                }
            },
            Format::Jsonl => {
                // Writing a JSON value into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut self.piece.out, &output_json(value, format));
            }
            Format::Xlsx => {
                let text = output_text(value, format);
                self.piece.cells.push(match (value, format) {
                    (Value::Null, _) => Cell::Empty,
                    (Value::Number(_), OutputFormat::Money) => Cell::Money(text),
                    (Value::Number(_), OutputFormat::Integer) => Cell::Number(text),
                    _ => Cell::Text(text),
                });
            }
        }
    }

    /// The names of raised flags joined by "; ", or empty (null in JSON) when none is raised.
    fn flags<'f>(&mut self, mut flags: impl Iterator<Item = &'f str>) {
        let Some(first) = flags.next() else {
            return self.text(None);
        };
        match flags.next() {
            None => self.text(Some(first)),
            Some(second) => {
                let mut all = format!("{first}; {second}");
                for f in flags {
                    all.push_str("; ");
                    all.push_str(f);
                }
                self.text(Some(&all));
            }
        }
    }

    /// The rule set's id, version and digest, and the row's end.
    fn stamp(mut self) {
        if self.layout.format == Format::Xlsx {
            for s in &self.layout.stamp {
                self.text(Some(s));
            }
        } else {
            self.piece.out.extend_from_slice(&self.layout.stamp_text);
        }
        self.end();
    }

    fn end(self) {
        match self.layout.format {
            Format::Csv => self.piece.out.push(b'\n'),
            Format::Jsonl => self.piece.out.extend_from_slice(b"}\n"),
            Format::Xlsx => {}
        }
    }
}

/// Whether `output_json` writes `n` as a JSON whole number (rather than a string).
fn json_integer(n: rust_decimal::Decimal) -> bool {
    let n = n.normalize();
    n.scale() == 0 && i64::try_from(n).is_ok()
}

/// A CSV field, quoted only when it holds a comma, a quote or a line break.
pub(crate) fn csv_field(out: &mut Vec<u8>, text: &str) {
    // All four are ASCII, so a byte test finds them in UTF-8 text.
    let bytes = text.as_bytes();
    if !needs_quotes(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    // Runs between quotes are copied whole; each quote is doubled.
    let mut runs = bytes.split(|&b| b == b'"');
    if let Some(first) = runs.next() {
        out.extend_from_slice(first);
    }
    for run in runs {
        out.extend_from_slice(b"\"\"");
        out.extend_from_slice(run);
    }
    out.push(b'"');
}

/// Whether `bytes` hold a comma, a quote or a line break: eight bytes at a time (most cells
/// are long reasons that hold none).
fn needs_quotes(mut bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte that is zero after the xor (any flag is a true one here: a
    // borrow starts only at a byte that is zero).
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    while let Some(chunk) = bytes.first_chunk::<8>() {
        let w = u64::from_le_bytes(*chunk);
        let hits = zero(w ^ (ONES * u64::from(b',')))
            | zero(w ^ (ONES * u64::from(b'"')))
            | zero(w ^ (ONES * u64::from(b'\n')))
            | zero(w ^ (ONES * u64::from(b'\r')));
        if hits != 0 {
            return true;
        }
        bytes = bytes.get(8..).unwrap_or_default();
    }
    bytes
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

fn json_string(out: &mut Vec<u8>, text: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(out, text);
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_only_when_they_must_be() {
        let mut out = Vec::new();
        for (i, text) in ["plain", "a,b", "say \"hi\"", "two\nlines", ""]
            .iter()
            .enumerate()
        {
            if i > 0 {
                out.push(b'|');
            }
            csv_field(&mut out, text);
        }
        for len in 0..24 {
            for at in 0..len {
                for stop in [b',', b'"', b'\n', b'\r'] {
                    let mut text = vec![b'a'; len];
                    text[at] = stop;
                    assert!(super::needs_quotes(&text));
                    text[at] = b'-';
                    assert!(!super::needs_quotes(&text));
                }
            }
        }
        assert!(!super::needs_quotes("é€😀+-./\t\x0b\x0c\x7f".as_bytes()));
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|"
        );
    }
}
