//! Decision tables: the DMN hit policies over rows of compiled conditions, the deciding
//! row's (or rows') outputs written straight to the step's slots.

use super::expr::FastExpr;
use super::steps::Checks;
use super::{other, overflow, Compile, Regs, R, V};
use crate::expr::Value;
use crate::format::HitPolicy;
use crate::steps::table;
use rust_decimal::Decimal;
use std::sync::Arc;

/// What a table decided for one case.
pub(crate) struct Decided {
    pub values: Vec<V>,
    pub matched: Vec<usize>,
    pub deciding: Vec<usize>,
}

/// A compiled decision table.
#[derive(Debug)]
pub(crate) struct FastTable {
    policy: HitPolicy,
    /// The output names, for errors.
    outputs: Vec<Arc<str>>,
    rows: Vec<TableRow>,
    /// PRIORITY: the first output's values, highest priority first.
    priority: Vec<V>,
    default: Option<Vec<FastExpr>>,
}

#[derive(Debug)]
struct TableRow {
    when: Vec<FastExpr>,
    then: Vec<FastExpr>,
    reason: Checks,
}

impl TableRow {
    fn matches(&self, r: &Regs) -> R<bool> {
        for c in &self.when {
            if !c.truth(r)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn outputs(&self, r: &Regs) -> R<Vec<V>> {
        self.then.iter().map(|e| e.eval(r)).collect()
    }
}

fn join_rows(rows: &[usize]) -> String {
    let shown: Vec<String> = rows.iter().map(|r| (r + 1).to_string()).collect();
    shown.join(" and ")
}

impl FastTable {
    pub(super) fn compile(t: &table::Table, cx: &mut Compile) -> Option<FastTable> {
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
            policy: t.policy,
            outputs: t.outputs.clone(),
            rows,
            priority: t
                .priority
                .iter()
                .map(|p| cx.constant(p))
                .collect::<Option<_>>()?,
            default,
        })
    }

    /// The table's outputs for one case, into `slots`.
    pub(super) fn run(&self, r: &mut Regs, slots: &[u32]) -> R<()> {
        if self.policy == HitPolicy::First {
            // FIRST needs no list of matches: the first row decides.
            for row in &self.rows {
                if row.matches(r)? {
                    row.reason.pass(r)?;
                    for (k, &slot) in slots.iter().enumerate() {
                        let v = match row.then.get(k) {
                            Some(e) => e.eval(r)?,
                            None => V::NULL,
                        };
                        r.set(slot, v);
                    }
                    return Ok(());
                }
            }
        }
        let d = self.decide(r)?;
        for &i in &d.deciding {
            if let Some(row) = self.rows.get(i) {
                row.reason.pass(r)?;
            }
        }
        for (k, &slot) in slots.iter().enumerate() {
            r.set(slot, d.values.get(k).copied().unwrap_or(V::NULL));
        }
        Ok(())
    }

    /// Every row that matches, whatever the policy; a condition that cannot be worked out is
    /// no match (the case ends in that error).
    pub(super) fn rows_matching(&self, r: &Regs) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&i| {
                self.rows
                    .get(i)
                    .is_some_and(|row| row.matches(r).unwrap_or(false))
            })
            .collect()
    }

    /// The matching rows (0-based; for FIRST only the first), the rows that decide, and the
    /// outputs; the deciding rows' reasons are the caller's to give.
    pub(super) fn decide(&self, r: &Regs) -> R<Decided> {
        let mut matched = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            if row.matches(r)? {
                matched.push(i);
                if self.policy == HitPolicy::First {
                    break;
                }
            }
        }
        let single = self.single();
        let (values, deciding) = if single {
            self.single_hit(r, &matched)?
        } else {
            (self.multi_hit(r, &matched)?, matched.clone())
        };
        Ok(Decided {
            values,
            matched,
            deciding,
        })
    }

    /// True for the policies where one row decides.
    pub(super) fn single(&self) -> bool {
        matches!(
            self.policy,
            HitPolicy::First | HitPolicy::Unique | HitPolicy::Any | HitPolicy::Priority
        )
    }

    fn single_hit(&self, r: &Regs, matched: &[usize]) -> R<(Vec<V>, Vec<usize>)> {
        let Some(&first) = matched.first() else {
            return match &self.default {
                Some(d) => Ok((d.iter().map(|e| e.eval(r)).collect::<R<_>>()?, vec![])),
                None => Err(other("no row of the table matches this case".into())),
            };
        };
        let row = |i: usize| &self.rows[i];
        match self.policy {
            HitPolicy::Unique if matched.len() > 1 => Err(other(format!(
                "rows {} of a UNIQUE table all match this case; only one may",
                join_rows(matched)
            ))),
            HitPolicy::Any => {
                let out = row(first).outputs(r)?;
                for &i in &matched[1..] {
                    let other_out = row(i).outputs(r)?;
                    let same = out.len() == other_out.len()
                        && out.iter().zip(&other_out).all(|(a, b)| r.same(*a, *b));
                    if !same {
                        return Err(other(format!(
                            "rows {} of an ANY table match this case but give different outputs",
                            join_rows(&[first, i])
                        )));
                    }
                }
                Ok((out, vec![first]))
            }
            HitPolicy::Priority => {
                let mut best: Option<(usize, usize, Vec<V>)> = None;
                for &i in matched {
                    let out = row(i).outputs(r)?;
                    let first_out = out.first().copied().unwrap_or(V::NULL);
                    let rank = self
                        .priority
                        .iter()
                        .position(|p| r.same(*p, first_out))
                        .ok_or_else(|| {
                            other(format!(
                                "row {} gives {}, which is not in the table's priority list",
                                i + 1,
                                r.value(first_out)
                            ))
                        })?;
                    if best.as_ref().is_none_or(|(b, _, _)| rank < *b) {
                        best = Some((rank, i, out));
                    }
                }
                let (_, i, out) = best.ok_or_else(|| other("no row decided".into()))?;
                Ok((out, vec![i]))
            }
            _ => Ok((row(first).outputs(r)?, vec![first])),
        }
    }

    fn multi_hit(&self, r: &Regs, matched: &[usize]) -> R<Vec<V>> {
        if matched.is_empty() {
            if let Some(d) = &self.default {
                // The default stands for one row, so COLLECT and RULE ORDER still give lists.
                return d
                    .iter()
                    .zip(&self.outputs)
                    .map(|(e, name)| self.aggregate(r, vec![e.eval(r)?], name))
                    .collect();
            }
        }
        let mut columns: Vec<Vec<V>> = vec![Vec::with_capacity(matched.len()); self.outputs.len()];
        for &i in matched {
            if let Some(row) = self.rows.get(i) {
                for (k, v) in row.outputs(r)?.into_iter().enumerate() {
                    if let Some(col) = columns.get_mut(k) {
                        col.push(v);
                    }
                }
            }
        }
        columns
            .into_iter()
            .zip(&self.outputs)
            .map(|(col, name)| self.aggregate(r, col, name))
            .collect()
    }

    fn aggregate(&self, r: &Regs, col: Vec<V>, name: &str) -> R<V> {
        let numbers = || -> R<Vec<Decimal>> {
            col.iter()
                .map(|&v| {
                    r.decimal(v).ok_or_else(|| {
                        other(format!(
                            "output {name} gave {}, not a number",
                            r.kind_name(v)
                        ))
                    })
                })
                .collect()
        };
        Ok(match self.policy {
            HitPolicy::CollectCount => r.number(Decimal::from(col.len())),
            HitPolicy::CollectSum => {
                let mut total = Decimal::ZERO;
                for n in numbers()? {
                    total = total.checked_add(n).ok_or_else(|| overflow(name))?;
                }
                r.number(total)
            }
            HitPolicy::CollectMin | HitPolicy::CollectMax => {
                let nums = numbers()?;
                let pick = if self.policy == HitPolicy::CollectMin {
                    nums.iter().min()
                } else {
                    nums.iter().max()
                };
                let n = pick.ok_or_else(|| {
                    other(format!(
                        "no row of the table matches this case, so {name} has no minimum or maximum"
                    ))
                })?;
                r.number(*n)
            }
            _ => {
                let items: Vec<Value> = col.iter().map(|&v| r.value(v)).collect();
                r.boxed(Value::List(items.into()))
            }
        })
    }
}
