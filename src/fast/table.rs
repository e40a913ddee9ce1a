//! Decision tables: the DMN hit policies over rows of compiled conditions, the deciding
//! row's (or rows') outputs written straight to the step's slots.

use super::expr::FastExpr;
use super::steps::Checks;
use super::{other, overflow, Compile, Regs, R, V};
use crate::expr::Value;
use crate::format::{HitPolicy, NoMatch};
use crate::steps::table;
use rust_decimal::Decimal;
use std::cmp::Ordering;
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
    /// PRIORITY and OUTPUT ORDER: per output, its values highest priority first.
    priority: Vec<Vec<V>>,
    default: Option<Vec<FastExpr>>,
    no_match: Option<NoMatch>,
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

#[cold]
fn no_row() -> super::Fail {
    other("no row of the table matches this case".into())
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
                .map(|list| list.iter().map(|p| cx.constant(p)).collect::<Option<_>>())
                .collect::<Option<_>>()?,
            default,
            no_match: t.no_match,
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

    /// True for FIRST, which stops at the first row that matches.
    pub(super) fn first_hit(&self) -> bool {
        self.policy == HitPolicy::First
    }

    /// True for the policies where one row decides.
    pub(super) fn single(&self) -> bool {
        matches!(
            self.policy,
            HitPolicy::First | HitPolicy::Unique | HitPolicy::Any | HitPolicy::Priority
        )
    }

    /// What no matching row gives: the default's outputs, nulls, or an error; `None` when
    /// the policy decides (lists and sums of no rows).
    fn none_matched(&self, r: &Regs) -> Option<R<Vec<V>>> {
        if let Some(d) = &self.default {
            return Some(d.iter().map(|e| e.eval(r)).collect());
        }
        match self.no_match {
            Some(NoMatch::Null) => Some(Ok(vec![V::NULL; self.outputs.len()])),
            Some(NoMatch::Error) => Some(Err(no_row())),
            None if self.single() => Some(Err(no_row())),
            None => None,
        }
    }

    /// Each output's rank in its priority list (0 highest), compared output by output; a
    /// value not in a list that exists is an error naming the row.
    fn rank(&self, r: &Regs, row: usize, out: &[V]) -> R<Vec<usize>> {
        let mut ranks = Vec::new();
        for (k, list) in self.priority.iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            let v = out.get(k).copied().unwrap_or(V::NULL);
            let rank = list.iter().position(|p| r.same(*p, v)).ok_or_else(|| {
                other(format!(
                    "row {} gives {} for {}, which is not in the table's priority list",
                    row + 1,
                    r.value(v),
                    self.outputs.get(k).map_or("?", |o| &**o)
                ))
            })?;
            ranks.push(rank);
        }
        Ok(ranks)
    }

    fn single_hit(&self, r: &Regs, matched: &[usize]) -> R<(Vec<V>, Vec<usize>)> {
        let Some(&first) = matched.first() else {
            return match self.none_matched(r) {
                Some(values) => Ok((values?, vec![])),
                None => Err(no_row()),
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
                // The highest ranked outputs; ties go to the earlier row.
                let mut best: Option<(Vec<usize>, usize, Vec<V>)> = None;
                for &i in matched {
                    let out = row(i).outputs(r)?;
                    let rank = self.rank(r, i, &out)?;
                    if best.as_ref().is_none_or(|(b, _, _)| rank < *b) {
                        best = Some((rank, i, out));
                    }
                }
                let (_, i, out) = best.ok_or_else(no_row)?;
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
            if let Some(values) = self.none_matched(r) {
                return values;
            }
        }
        let mut outs = Vec::with_capacity(matched.len());
        for &i in matched {
            if let Some(row) = self.rows.get(i) {
                outs.push(row.outputs(r)?);
            }
        }
        if self.policy == HitPolicy::OutputOrder {
            // Highest priority first; a stable sort keeps row order among equals.
            let mut ranked = Vec::with_capacity(outs.len());
            for (&i, out) in matched.iter().zip(outs) {
                ranked.push((self.rank(r, i, &out)?, out));
            }
            ranked.sort_by(|a, b| a.0.cmp(&b.0));
            outs = ranked.into_iter().map(|(_, out)| out).collect();
        }
        let mut columns: Vec<Vec<V>> = vec![Vec::with_capacity(outs.len()); self.outputs.len()];
        for out in outs {
            for (k, v) in out.into_iter().enumerate() {
                if let Some(col) = columns.get_mut(k) {
                    col.push(v);
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
                // Numbers, texts or dates: whatever the output gives, one kind of them.
                let want = if self.policy == HitPolicy::CollectMin {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                let mut best: Option<V> = None;
                for &v in &col {
                    if v.is_null() {
                        return Err(other(format!(
                            "output {name} has no value in a matching row, so it has no minimum or maximum"
                        )));
                    }
                    best = Some(match best {
                        None => v,
                        Some(b) => {
                            let ord = r.order(v, b).ok_or_else(|| {
                                other(format!(
                                    "output {name} gave {} and {}, which cannot be ordered",
                                    r.kind_name(b),
                                    r.kind_name(v)
                                ))
                            })?;
                            if ord == want {
                                v
                            } else {
                                b
                            }
                        }
                    });
                }
                best.ok_or_else(|| {
                    other(format!(
                        "no row of the table matches this case, so {name} has no minimum or maximum"
                    ))
                })?
            }
            _ => {
                let items: Vec<Value> = col.iter().map(|&v| r.value(v)).collect();
                r.boxed(Value::List(items.into()))
            }
        })
    }
}
