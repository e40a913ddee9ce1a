//! The impact as people read it: a summary for a terminal, and the list of changes as CSV.

use super::{Attribution, Change, Impact, Side};
use rust_decimal::Decimal;

/// The header of a changes file (CSV); [`change_row`] writes its rows.
pub const CHANGES_HEADER: &str = "row,case_id,family,base_status,proposed_status,base_band,\
proposed_band,base_amount,proposed_amount,change\n";

/// A change as a CSV row of a changes file.
pub fn change_row(c: &Change) -> String {
    let money = |a: Option<Decimal>| a.map(pence).unwrap_or_default();
    let cells = [
        c.row.to_string(),
        c.case_id.clone().unwrap_or_default(),
        c.family.clone(),
        c.base.status.as_str().to_string(),
        c.proposed.status.as_str().to_string(),
        c.base.band.clone().unwrap_or_default(),
        c.proposed.band.clone().unwrap_or_default(),
        money(c.base.amount),
        money(c.proposed.amount),
        pence(c.delta()),
    ];
    // Quoted as the batch's CSV output quotes, only where a cell must be.
    let mut out = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        crate::batch::csv_field(&mut out, cell);
    }
    out.push(b'\n');
    // Built from whole UTF-8 texts and ASCII punctuation, so it is UTF-8.
    String::from_utf8_lossy(&out).into_owned()
}

/// An amount to the penny, as written everywhere in sendband.
pub(super) fn pence(a: Decimal) -> String {
    crate::money::to_pence_string(a).unwrap_or_else(|| a.to_string())
}

/// A change of amount with its sign (`+0.00` never: no change is `0.00`).
fn signed(a: Decimal) -> String {
    if a.is_zero() {
        "0.00".to_string()
    } else if a.is_sign_negative() {
        pence(a)
    } else {
        format!("+{}", pence(a))
    }
}

impl Impact {
    /// How many rows were read, compared, refused and changed, and the first refusals.
    pub fn cohort_text(&self) -> String {
        use std::fmt::Write;
        let mut t = String::new();
        let _ = writeln!(
            t,
            "Cohort: {} profiles, {} compared, {} refused (unreadable, or invalid under either \
             rule set); {} cases changed",
            self.rows,
            self.compared,
            self.rejected.len(),
            self.changed
        );
        for (row, case_id, why) in self.rejected.iter().take(super::REFUSALS_SHOWN) {
            let id = case_id.as_deref().unwrap_or("-");
            let _ = writeln!(t, "  refused: row {row} ({id}): {why}");
        }
        if self.rejected.len() > super::REFUSALS_SHOWN {
            let _ = writeln!(
                t,
                "  and {} more refused",
                self.rejected.len() - super::REFUSALS_SHOWN
            );
        }
        t
    }

    /// The impact in words and tables, for a terminal.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut t = self.cohort_text();
        for f in &self.families {
            let _ = writeln!(t, "\n{}", f.title);
            if !f.not_added.is_empty() {
                let _ = writeln!(
                    t,
                    "  not added up (not amounts paid): {}",
                    f.not_added.join(", ")
                );
            }
            if f.has_amount {
                let diff = f.cost_proposed - f.cost_base;
                let pct = if f.cost_base.is_zero() {
                    String::new()
                } else {
                    let p = (diff * Decimal::ONE_HUNDRED / f.cost_base).round_dp(1);
                    format!(", {}{p}%", if p.is_sign_negative() { "" } else { "+" })
                };
                let _ = writeln!(
                    t,
                    "  cost: {} -> {} ({}{pct})",
                    pence(f.cost_base),
                    pence(f.cost_proposed),
                    signed(diff)
                );
                let _ = writeln!(
                    t,
                    "  cases: {} gain ({}), {} lose ({}), {} stay",
                    f.gain,
                    signed(f.gained),
                    f.lose,
                    signed(-f.lost),
                    f.stay
                );
            }
            if f.has_amount {
                let _ = writeln!(t, "  cost by band and setting (base -> proposed):");
                for ((band, setting), (b, p)) in &f.by_band_setting {
                    if b.is_zero() && p.is_zero() {
                        continue;
                    }
                    let place = match self.setting_labels.get(setting) {
                        Some(label) => label.as_str(),
                        None if setting.is_empty() => "-",
                        None => setting,
                    };
                    let _ = writeln!(
                        t,
                        "    {band} {place}: {} -> {} ({})",
                        pence(*b),
                        pence(*p),
                        signed(*p - *b)
                    );
                }
            }
            if f.has_amount && !f.by_group.is_empty() {
                let _ = writeln!(
                    t,
                    "  cost by {} (base -> proposed):",
                    self.group_by.join(" / ")
                );
                for (group, (b, p)) in &f.by_group {
                    let _ = writeln!(
                        t,
                        "    {group}: {} -> {} ({})",
                        pence(*b),
                        pence(*p),
                        signed(*p - *b)
                    );
                }
            }
            let _ = writeln!(t, "  band transitions (base -> proposed: cases):");
            for ((from, to), n) in &f.transitions {
                let mark = if from == to { "" } else { "  *" };
                let _ = writeln!(t, "    {from} -> {to}: {n}{mark}");
            }
            if !f.movers.is_empty() {
                let _ = writeln!(t, "  largest movers:");
                for m in &f.movers {
                    let band = |s: &Side| s.band.clone().unwrap_or_else(|| "-".into());
                    let _ = writeln!(
                        t,
                        "    row {} ({}): {} -> {}, {} -> {} ({})",
                        m.row,
                        m.case_id.as_deref().unwrap_or("-"),
                        band(&m.base),
                        band(&m.proposed),
                        m.base.amount.map(pence).unwrap_or_else(|| "-".into()),
                        m.proposed.amount.map(pence).unwrap_or_else(|| "-".into()),
                        signed(m.delta())
                    );
                }
            }
        }
        t
    }
}

/// The rule changes with what each cost, for a terminal: applied to the base in order, each
/// costed after those before it, so they add up to the whole difference.
pub fn rule_changes_text(changes: &[Attribution]) -> String {
    use std::fmt::Write;
    let mut t = String::new();
    if changes.is_empty() {
        return t;
    }
    let _ = writeln!(
        t,
        "\nWhat changed in the rules (applied in this order; each costed after those before it):"
    );
    for (i, a) in changes.iter().enumerate() {
        let _ = writeln!(
            t,
            "  {}. {}\n     cost {}, {} {} changed",
            i + 1,
            a.words,
            pounds(a.cost),
            crate::money::thousands(&a.cases.to_string()),
            if a.cases == 1 { "case" } else { "cases" }
        );
    }
    let total: Decimal = changes.iter().map(|a| a.cost).sum();
    let _ = writeln!(t, "  All the changes: cost {}", pounds(total));
    t
}

/// A change of cost as people read it, with its sign: `+£1,234.00`, `-£5.00`, `£0.00`.
fn pounds(a: Decimal) -> String {
    let sign = if a.is_zero() {
        ""
    } else if a.is_sign_negative() {
        "-"
    } else {
        "+"
    };
    format!("{sign}£{}", crate::money::for_people(a.abs()))
}
