//! The batch summary as tables for people on standard error: amounts with a subtotal per
//! output, then what is not added up (rates, caps, counts), then the totals by group.

use super::summary::{dash, Summary, TotalLine};
use crate::money::for_people;
use rust_decimal::Decimal;
use std::fmt::Write as _;

impl Summary {
    /// The row counts, then one line per total of an amount with a subtotal for each family's
    /// output; then rates, caps and counts with their range; then totals by `--group-by`.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "rows in: {}, out: {} ({} with a family error), rejected: {}",
            self.rows_in, self.rows_out, self.rows_with_error, self.rows_rejected
        );
        if !self.totals.is_empty() {
            s.push_str(&amounts(&self.totals));
        }
        if !self.not_added.is_empty() {
            s.push_str("not added up (rates, caps and counts are not payments):\n");
            let mut rows = vec![cells(&[
                "family", "output", "kind", "band", "setting", "rows", "min", "max",
            ])];
            for r in &self.not_added {
                rows.push(vec![
                    r.family.clone(),
                    r.output.clone(),
                    r.kind.as_str().to_string(),
                    dash(&r.band).to_string(),
                    dash(&r.setting).to_string(),
                    r.count.to_string(),
                    for_people(r.min),
                    for_people(r.max),
                ]);
            }
            s.push_str(&aligned(&rows, 5));
        }
        if !self.group_by.is_empty() {
            let _ = writeln!(s, "by {}:", self.group_by.join(", "));
            let mut head = vec!["family".to_string(), "output".to_string()];
            head.extend(self.group_by.iter().cloned());
            head.extend(["rows".to_string(), "total".to_string()]);
            let mut rows = vec![head];
            for g in &self.groups {
                let mut row = vec![g.family.clone(), g.output.clone()];
                row.extend(g.values.iter().map(|v| dash(v).to_string()));
                row.extend([g.count.to_string(), total_text(g.total)]);
                rows.push(row);
            }
            s.push_str(&aligned(&rows, 2 + self.group_by.len()));
        }
        s
    }
}

fn cells(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn total_text(total: Option<Decimal>) -> String {
    total.map_or_else(|| "too large to add up".to_string(), for_people)
}

/// The totals of amounts, with a line `all all` after each family's output.
fn amounts(totals: &[TotalLine]) -> String {
    let mut rows = vec![cells(&[
        "family", "output", "band", "setting", "rows", "total",
    ])];
    let mut i = 0;
    while i < totals.len() {
        let (family, output) = (&totals[i].family, &totals[i].output);
        let group: Vec<&TotalLine> = totals[i..]
            .iter()
            .take_while(|t| &t.family == family && &t.output == output)
            .collect();
        let (mut count, mut sum) = (0u64, Some(Decimal::ZERO));
        for t in &group {
            rows.push(vec![
                t.family.clone(),
                t.output.clone(),
                dash(&t.band).to_string(),
                dash(&t.setting).to_string(),
                t.count.to_string(),
                total_text(t.total),
            ]);
            count += t.count;
            sum = sum.zip(t.total).and_then(|(s, t)| s.checked_add(t));
        }
        rows.push(vec![
            family.clone(),
            output.clone(),
            "all".into(),
            "all".into(),
            count.to_string(),
            total_text(sum),
        ]);
        i += group.len();
    }
    aligned(&rows, 4)
}

/// Rows as lines in columns two spaces apart; columns from `right` on (counts and money) line
/// up on the right, names on the left.
fn aligned(rows: &[Vec<String>], right: usize) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |x| x.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.chars().count());
            if c >= right {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
            line.push_str("  ");
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}
