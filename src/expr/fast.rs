//! Expressions for the compiled tier: the checked tree flattened to register instructions
//! (`fast_ops`), where any failure is `None` (the interpreter then decides the case and words the error).

use super::builtins::Func;
use super::eval::{Node, NodeKind};
use super::fast_ops::{run, Op};
use super::Expr;
use crate::fast::{Compile, Regs, V};
use rust_decimal::Decimal;

/// A compiled expression: evaluates to the interpreter's value whenever the interpreter
/// succeeds, and gives `None` whenever it fails (and, rarely, when only the interpreter can tell).
#[derive(Debug, Clone)]
pub(crate) struct FastExpr {
    ops: Box<[Op]>,
    args: Box<[u32]>,
    pool: Box<[V]>,
    /// The register that holds the value once the instructions have run (a name is read where
    /// it lies, with no instruction at all).
    out: u32,
    /// True when no case can make the instructions fail (see [`cannot_fail`]).
    infallible: bool,
}

impl Expr {
    /// The compiled form, or `None` when the expression uses what the compiled tier lacks
    /// (list values other than `in [...]`, `len`, `sum`).
    pub(crate) fn fast(&self, cx: &mut Compile) -> Option<FastExpr> {
        let mut e = Emit {
            cx,
            ops: Vec::new(),
            args: Vec::new(),
            pool: Vec::new(),
            next: 0,
        };
        e.next = e.cx.temps_from;
        let out = e.operand(&self.inner.node)?;
        let used = e.next - e.cx.temps_from;
        e.cx.temps = e.cx.temps.max(used);
        let infallible = cannot_fail(&e.ops);
        Some(FastExpr {
            ops: e.ops.into(),
            args: e.args.into(),
            pool: e.pool.into(),
            out,
            infallible,
        })
    }

    /// The compiled form of a condition that may be left out (a plain name cannot fail).
    pub(crate) fn fast_check(&self, cx: &mut Compile) -> Option<Option<FastExpr>> {
        match self.inner.node.kind {
            NodeKind::Name(..) | NodeKind::Const(_) => Some(None),
            _ => self.fast(cx).map(Some),
        }
    }
}

impl FastExpr {
    /// True when evaluating it fails for no case: a condition of a reason that is not written
    /// need not be evaluated at all.
    pub fn infallible(&self) -> bool {
        self.infallible
    }

    /// The value for one case.
    #[inline]
    pub fn eval(&self, r: &mut Regs) -> Option<V> {
        if !self.ops.is_empty() {
            run(&self.ops, &self.args, &self.pool, r)?;
        }
        r.v.get(self.out as usize).copied()
    }

    /// A condition's truth; no value, or a value that is not true or false, fails.
    #[inline]
    pub fn truth(&self, r: &mut Regs) -> Option<bool> {
        if !self.ops.is_empty() {
            run(&self.ops, &self.args, &self.pool, r)?;
        }
        r.boolean(self.out)
    }

    /// A number; no value, or a value that is not a number, fails.
    #[inline]
    pub fn num(&self, r: &mut Regs) -> Option<Decimal> {
        if !self.ops.is_empty() {
            run(&self.ops, &self.args, &self.pool, r)?;
        }
        r.num(self.out)
    }
}

/// Instructions being written for one expression. Temporaries are numbered from the first
/// register after the case's slots and never reused within the expression; every expression
/// starts again from the first, as none is evaluated inside another.
struct Emit<'c> {
    cx: &'c mut Compile,
    ops: Vec<Op>,
    args: Vec<u32>,
    pool: Vec<V>,
    next: u32,
}

impl Emit<'_> {
    fn temp(&mut self) -> Option<u32> {
        let t = self.next;
        self.next = t.checked_add(1)?;
        Some(t)
    }

    fn here(&self) -> Option<u32> {
        u32::try_from(self.ops.len()).ok()
    }

    /// Point the jump at `at` to `to`.
    fn patch(&mut self, at: usize, to: u32) {
        match self.ops.get_mut(at) {
            Some(Op::Jump { to: t })
            | Some(Op::JumpIfFalse { to: t, .. })
            | Some(Op::JumpIfTrue { to: t, .. })
            | Some(Op::JumpIfPresent { to: t, .. }) => *t = to,
            _ => {}
        }
    }

    /// The register holding a node's value: a name is read where it lies.
    fn operand(&mut self, n: &Node) -> Option<u32> {
        match n.kind {
            NodeKind::Name(slot, _) => {
                self.cx.reads(slot);
                Some(slot)
            }
            _ => {
                let t = self.temp()?;
                self.into(n, t)?;
                Some(t)
            }
        }
    }

    /// Registers for a list of nodes, as a range of the argument list.
    fn operands(&mut self, ns: &[Node]) -> Option<(u32, u32)> {
        let regs = ns
            .iter()
            .map(|n| self.operand(n))
            .collect::<Option<Vec<u32>>>()?;
        let from = u32::try_from(self.args.len()).ok()?;
        self.args.extend(regs);
        Some((from, u32::try_from(ns.len()).ok()?))
    }

    fn constant(&mut self, v: &super::Value) -> Option<V> {
        self.cx.syms.constant(v)
    }

    /// Instructions that leave a node's value in register `dst`.
    fn into(&mut self, n: &Node, dst: u32) -> Option<()> {
        let op = match &n.kind {
            NodeKind::Const(v) => Op::Const {
                dst,
                v: self.constant(v)?,
            },
            NodeKind::Name(slot, _) => {
                self.cx.reads(*slot);
                Op::Move { dst, src: *slot }
            }
            NodeKind::On => Op::On { dst },
            NodeKind::List(_) => return None,
            NodeKind::Neg(a) => Op::Neg {
                dst,
                a: self.operand(a)?,
            },
            NodeKind::Not(a) => Op::Not {
                dst,
                a: self.operand(a)?,
            },
            NodeKind::Arith(first, rest) => {
                let mut a = self.operand(first)?;
                if rest.is_empty() {
                    return None;
                }
                for (op, node) in rest.iter() {
                    let b = self.operand(node)?;
                    self.ops.push(Op::Arith { dst, op: *op, a, b });
                    a = dst;
                }
                return Some(());
            }
            NodeKind::And(items) => return self.junction(items, dst, false),
            NodeKind::Or(items) => return self.junction(items, dst, true),
            NodeKind::Eq(neg, a, b) => match (&a.kind, &b.kind) {
                (_, NodeKind::Const(c)) => Op::EqConst {
                    dst,
                    neg: *neg,
                    a: self.operand(a)?,
                    c: self.constant(c)?,
                },
                (NodeKind::Const(c), _) => Op::EqConst {
                    dst,
                    neg: *neg,
                    a: self.operand(b)?,
                    c: self.constant(c)?,
                },
                _ => Op::Eq {
                    dst,
                    neg: *neg,
                    a: self.operand(a)?,
                    b: self.operand(b)?,
                },
            },
            NodeKind::Ord(op, a, b) => match &b.kind {
                NodeKind::Const(super::Value::Number(num)) => Op::OrdConst {
                    dst,
                    op: *op,
                    a: self.operand(a)?,
                    n: *num,
                },
                _ => Op::Ord {
                    dst,
                    op: *op,
                    a: self.operand(a)?,
                    b: self.operand(b)?,
                },
            },
            NodeKind::InList(neg, x, list) => {
                let x = self.operand(x)?;
                match &list.kind {
                    NodeKind::Const(super::Value::List(items)) => {
                        let from = u32::try_from(self.pool.len()).ok()?;
                        for v in items.iter() {
                            let c = self.constant(v)?;
                            self.pool.push(c);
                        }
                        let n = u32::try_from(items.len()).ok()?;
                        Op::InPool {
                            dst,
                            neg: *neg,
                            x,
                            from,
                            n,
                        }
                    }
                    NodeKind::List(items) => {
                        let (from, n) = self.operands(items)?;
                        Op::In {
                            dst,
                            neg: *neg,
                            x,
                            from,
                            n,
                        }
                    }
                    _ => return None,
                }
            }
            NodeKind::InRange(neg, x, lo, hi) => Op::InRange {
                dst,
                neg: *neg,
                x: self.operand(x)?,
                lo: self.operand(lo)?,
                hi: self.operand(hi)?,
            },
            NodeKind::If(c, a, b) => {
                let cond = self.operand(c)?;
                let to_else = self.ops.len();
                self.ops.push(Op::JumpIfFalse { cond, to: 0 });
                self.into(a, dst)?;
                let to_end = self.ops.len();
                self.ops.push(Op::Jump { to: 0 });
                let at_else = self.here()?;
                self.patch(to_else, at_else);
                self.into(b, dst)?;
                let end = self.here()?;
                self.patch(to_end, end);
                return Some(());
            }
            NodeKind::Given(slot) => {
                self.cx.reads(*slot);
                Op::Given { dst, a: *slot }
            }
            NodeKind::Call(f, args) => match f {
                Func::Len | Func::Sum => return None,
                _ if args.is_empty() => return None,
                Func::Coalesce => return self.coalesce(args, dst),
                _ => {
                    let (from, n) = self.operands(args)?;
                    Op::Call {
                        dst,
                        f: *f,
                        from,
                        n,
                    }
                }
            },
        };
        self.ops.push(op);
        Some(())
    }

    /// `and` (`or` when `any`): each item must be a boolean; the first false (true) decides.
    fn junction(&mut self, items: &[Node], dst: u32, any: bool) -> Option<()> {
        let mut jumps = Vec::with_capacity(items.len());
        for item in items {
            let cond = self.operand(item)?;
            jumps.push(self.ops.len());
            self.ops.push(if any {
                Op::JumpIfTrue { cond, to: 0 }
            } else {
                Op::JumpIfFalse { cond, to: 0 }
            });
        }
        self.ops.push(Op::Const {
            dst,
            v: V::Bool(!any),
        });
        let to_end = self.ops.len();
        self.ops.push(Op::Jump { to: 0 });
        let decided = self.here()?;
        for j in jumps {
            self.patch(j, decided);
        }
        self.ops.push(Op::Const {
            dst,
            v: V::Bool(any),
        });
        let end = self.here()?;
        self.patch(to_end, end);
        Some(())
    }

    /// `coalesce`: the first argument that holds a value; later ones are not evaluated.
    fn coalesce(&mut self, args: &[Node], dst: u32) -> Option<()> {
        let mut jumps = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            self.into(a, dst)?;
            if i + 1 < args.len() {
                jumps.push(self.ops.len());
                self.ops.push(Op::JumpIfPresent { a: dst, to: 0 });
            }
        }
        let end = self.here()?;
        for j in jumps {
            self.patch(j, end);
        }
        Some(())
    }
}

/// Whether instructions fail for no case. Sound, not complete: comparisons with a constant,
/// `given`, constants, and `not`/`and`/`or`/`if` over what they produce cannot fail (a constant
/// is never an opaque text, and a register always exists); anything reading a case's value as
/// a particular kind might.
fn cannot_fail(ops: &[Op]) -> bool {
    // Temporaries (and only they) known to hold a boolean when read; a case's own slot might
    // hold anything.
    let mut booleans: Vec<u32> = Vec::new();
    // Temporaries also written with something else (`if c then true else 5`).
    let mut others: Vec<u32> = Vec::new();
    for op in ops {
        let is_bool = |r: u32| booleans.contains(&r) && !others.contains(&r);
        match *op {
            Op::Const { dst, v } => {
                if matches!(v, V::Bool(_)) {
                    booleans.push(dst);
                } else {
                    others.push(dst);
                }
            }
            Op::EqConst { dst, .. } | Op::Given { dst, .. } => booleans.push(dst),
            Op::Not { dst, a } if is_bool(a) => booleans.push(dst),
            Op::JumpIfFalse { cond, .. } | Op::JumpIfTrue { cond, .. } if is_bool(cond) => {}
            Op::Jump { .. } => {}
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::tests::compile;
    use crate::fast::{Compile, Syms};

    fn infallible(src: &str) -> bool {
        let mut cx = Compile {
            syms: Syms::default(),
            temps_from: 100,
            temps: 0,
            read: Vec::new(),
        };
        compile(src).fast(&mut cx).map(|f| f.infallible()) == Some(true)
    }

    #[test]
    fn only_what_no_case_can_break_is_infallible() {
        // A comparison with a constant, given, and the logic over them cannot fail.
        assert!(infallible("band == 'B'"));
        assert!(infallible(
            "not given(missing) and band != 'C' or score == 12"
        ));
        assert!(infallible(
            "(if band == 'A' then true else false) and given(score)"
        ));
        // A case's own value read as a boolean or a number, or `in` (null fails), might.
        assert!(!infallible("eligible and band == 'B'"));
        assert!(!infallible("score >= 10"));
        assert!(!infallible("band in ['A', 'B']"));
        assert!(!infallible("not eligible"));
        assert!(!infallible("score + 1"));
    }
}
