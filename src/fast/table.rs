//! FIRST and UNIQUE decision tables in the compiled tier: the deciding row's outputs written
//! straight to the step's slots.

use super::steps::Checks;
use super::{Compile, Regs, V};
use crate::expr::FastExpr;
use crate::ruleset::format::HitPolicy;
use crate::steps::table;

/// A compiled FIRST or UNIQUE table.
#[derive(Debug)]
pub(crate) struct FastTable {
    unique: bool,
    rows: Vec<TableRow>,
    default: Option<Vec<FastExpr>>,
}

#[derive(Debug)]
struct TableRow {
    when: Vec<FastExpr>,
    then: Vec<FastExpr>,
    reason: Checks,
}

impl TableRow {
    fn matches(&self, r: &mut Regs) -> Option<bool> {
        for c in &self.when {
            if !c.truth(r)? {
                return Some(false);
            }
        }
        Some(true)
    }
}

impl FastTable {
    pub(super) fn compile(t: &table::Table, cx: &mut Compile) -> Option<FastTable> {
        let unique = match t.policy {
            HitPolicy::First => false,
            HitPolicy::Unique => true,
            _ => return None,
        };
        let exprs = |es: &[crate::expr::Expr], cx: &mut Compile| -> Option<Vec<FastExpr>> {
            es.iter().map(|e| e.fast(cx)).collect()
        };
        let mut rows = Vec::new();
        for row in &t.rows {
            rows.push(TableRow {
                when: exprs(&row.when, cx)?,
                then: exprs(&row.then, cx)?,
                reason: Checks::of(row.reason.as_ref(), cx)?,
            });
        }
        let default = match &t.default {
            Some(d) => Some(exprs(d, cx)?),
            None => None,
        };
        Some(FastTable {
            unique,
            rows,
            default,
        })
    }

    /// The deciding row's outputs, written straight to the slots: a row's expressions cannot
    /// read the table's own outputs, so writing one before the next is computed is safe.
    pub(super) fn run(&self, r: &mut Regs, slots: &[u32]) -> Option<()> {
        let mut decided = None;
        for (i, row) in self.rows.iter().enumerate() {
            if row.matches(r)? {
                if decided.is_some() {
                    // UNIQUE: a second matching row is an error.
                    return None;
                }
                decided = Some(i);
                if !self.unique {
                    break;
                }
            }
        }
        let then = match decided {
            Some(i) => {
                let row = self.rows.get(i)?;
                row.reason.pass(r)?;
                &row.then
            }
            None => self.default.as_ref()?,
        };
        for (k, &slot) in slots.iter().enumerate() {
            let v = match then.get(k) {
                Some(e) => e.eval(r)?,
                None => V::NULL,
            };
            r.set(slot, v);
        }
        Some(())
    }
}
