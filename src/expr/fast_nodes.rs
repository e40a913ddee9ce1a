//! One compiled evaluator per node kind: the checked tree becomes a tree of closures over the
//! case's flat array of values, each specialised to what its operands are (a slot, a constant, code).
//!
//! Any failure is `None`; the interpreter then decides the case and words the error. A closure
//! gives `Some` exactly when the interpreter would succeed, with the interpreter's value.

use super::ast::{ArithOp, CmpOp};
use super::eval::{Node, NodeKind};
use crate::fast::{Compile, Day, Op, Ref, Regs, N, V};
use crate::Date;
use std::cmp::Ordering;

/// Code giving any value.
pub(crate) type ValueFn = Box<dyn Fn(&Regs) -> Option<V> + Send + Sync>;
/// Code giving true or false (conditions never build a value).
pub(crate) type TestFn = Box<dyn Fn(&Regs) -> Option<bool> + Send + Sync>;
/// Code giving a number, held in place or wide (operands of arithmetic); anything else fails.
type NumFn = Box<dyn Fn(&Regs) -> Option<V> + Send + Sync>;

/// A compiled node: a slot and a constant are read where they are, with no code at all.
pub(super) enum Code {
    Slot(u32),
    Const(V),
    Value(ValueFn),
    Test(TestFn),
}

/// An operand: a slot or a constant read in place, anything else by its code.
pub(super) enum Operand {
    Slot(u32),
    Const(V),
    Code(ValueFn),
}

impl Operand {
    #[inline(always)]
    pub(super) fn get(&self, r: &Regs) -> Option<V> {
        match self {
            Operand::Slot(s) => r.at(*s),
            Operand::Const(v) => Some(*v),
            Operand::Code(f) => f(r),
        }
    }
}

/// A condition as an operand: a true-or-false slot is read in place.
pub(super) enum Cond {
    Slot(u32),
    Code(TestFn),
}

impl Cond {
    #[inline(always)]
    fn get(&self, r: &Regs) -> Option<bool> {
        match self {
            Cond::Slot(s) => r.boolean(*s),
            Cond::Code(t) => t(r),
        }
    }
}

#[inline]
pub(super) fn present(v: V) -> Option<V> {
    (!v.is_null()).then_some(v)
}

#[inline]
fn as_bool(v: V) -> Option<bool> {
    v.truth()
}

#[inline]
pub(super) fn as_date(v: V) -> Option<Date> {
    match v.view() {
        Ref::Date(d) => d.date(),
        _ => None,
    }
}

/// The order of two values of one orderable kind; anything else fails, as in the interpreter.
pub(super) fn order(x: V, y: V, r: &Regs) -> Option<Ordering> {
    match (x.view(), y.view()) {
        (Ref::Num(_) | Ref::Wide(_), Ref::Num(_) | Ref::Wide(_)) => r.cmp_num(x, y),
        (Ref::Text(p), Ref::Text(q)) => Some(r.syms.text(p)?.cmp(r.syms.text(q)?)),
        (Ref::Date(p), Ref::Date(q)) => Some(p.cmp(&q)),
        _ => None,
    }
}

#[inline]
fn holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }
}

#[inline]
fn op(a: ArithOp) -> Op {
    match a {
        ArithOp::Add => Op::Add,
        ArithOp::Sub => Op::Sub,
        ArithOp::Mul => Op::Mul,
        ArithOp::Div => Op::Div,
    }
}

#[inline]
fn number(v: V) -> Option<V> {
    v.is_number().then_some(v)
}

impl Code {
    /// True when the code gives true or false whenever it succeeds.
    fn is_test(&self) -> bool {
        match self {
            Code::Test(_) => true,
            Code::Const(v) => v.truth().is_some(),
            _ => false,
        }
    }

    /// As an operand: a slot or constant is read with no call.
    pub fn operand(self) -> Operand {
        match self {
            Code::Slot(s) => Operand::Slot(s),
            Code::Const(v) => Operand::Const(v),
            other => Operand::Code(other.value()),
        }
    }

    /// As a condition operand: a slot is read with no call.
    pub fn cond(self) -> Cond {
        match self {
            Code::Slot(s) => Cond::Slot(s),
            other => Cond::Code(other.test()),
        }
    }

    /// As code giving any value.
    pub fn value(self) -> ValueFn {
        match self {
            Code::Slot(s) => Box::new(move |r| r.at(s)),
            Code::Const(v) => Box::new(move |_| Some(v)),
            Code::Value(f) => f,
            Code::Test(t) => Box::new(move |r| t(r).map(V::boolean)),
        }
    }

    /// As a condition: a value that is not true or false fails.
    pub fn test(self) -> TestFn {
        match self {
            Code::Slot(s) => Box::new(move |r| r.boolean(s)),
            Code::Const(v) => {
                let b = as_bool(v);
                Box::new(move |_| b)
            }
            Code::Value(f) => Box::new(move |r| as_bool(f(r)?)),
            Code::Test(t) => t,
        }
    }

    /// As a number: a value that is not a number fails.
    pub(super) fn num(self) -> NumFn {
        match self {
            Code::Slot(s) => Box::new(move |r| number(r.at(s)?)),
            Code::Const(v) => {
                let n = number(v);
                Box::new(move |_| n)
            }
            Code::Value(f) => Box::new(move |r| number(f(r)?)),
            Code::Test(_) => Box::new(|_| None),
        }
    }
}

/// Compiles nodes for one rule set (interning its texts, noting the slots read).
pub(super) struct Build<'c> {
    pub cx: &'c mut Compile,
}

impl Build<'_> {
    /// The code of a node, or `None` when it uses what the compiled tier lacks (list values
    /// other than `in [...]`, `len`, `sum`).
    pub fn code(&mut self, n: &Node) -> Option<Code> {
        Some(match &n.kind {
            NodeKind::Const(v) => Code::Const(self.cx.syms.constant(v)?),
            NodeKind::Name(slot, _) => {
                self.cx.reads(*slot);
                Code::Slot(*slot)
            }
            NodeKind::On => Code::Value(Box::new(|r| Some(V::date(Day::of(r.on))))),
            NodeKind::List(_) => return None,
            NodeKind::Neg(a) => {
                let a = self.code(a)?.operand();
                Code::Value(Box::new(move |r| r.neg(a.get(r)?)))
            }
            NodeKind::Not(a) => match a.kind {
                // `not given(x)`: one closure, not two.
                NodeKind::Given(slot) => {
                    self.cx.reads(slot);
                    Code::Test(Box::new(move |r| Some(r.at(slot)?.is_null())))
                }
                _ => {
                    let a = self.code(a)?.cond();
                    Code::Test(Box::new(move |r| Some(!a.get(r)?)))
                }
            },
            NodeKind::Arith(first, rest) => self.arith(first, rest)?,
            NodeKind::And(items) => self.junction(items, false)?,
            NodeKind::Or(items) => self.junction(items, true)?,
            NodeKind::Eq(neg, a, b) => self.eq(*neg, a, b)?,
            NodeKind::Ord(op, a, b) => self.ord(*op, a, b)?,
            NodeKind::InList(neg, x, list) => self.in_list(*neg, x, list)?,
            NodeKind::InRange(neg, x, lo, hi) => {
                let neg = *neg;
                let (x, lo, hi) = (
                    self.code(x)?.operand(),
                    self.code(lo)?.operand(),
                    self.code(hi)?.operand(),
                );
                Code::Test(Box::new(move |r| {
                    let (v, l, h) = (x.get(r)?, lo.get(r)?, hi.get(r)?);
                    let v = present(v)?;
                    let low = order(present(l)?, v, r)? != Ordering::Greater;
                    let inside = low && order(v, present(h)?, r)? != Ordering::Greater;
                    Some(inside != neg)
                }))
            }
            NodeKind::If(c, a, b) => {
                let c = self.code(c)?.test();
                let (a, b) = (self.code(a)?, self.code(b)?);
                if let (Code::Const(a), Code::Const(b)) = (&a, &b) {
                    // `if ... then 'met' else 'not_met'`: the branches need no code.
                    let (a, b) = (*a, *b);
                    Code::Value(Box::new(move |r| Some(if c(r)? { a } else { b })))
                } else if a.is_test() && b.is_test() {
                    let (a, b) = (a.test(), b.test());
                    Code::Test(Box::new(move |r| if c(r)? { a(r) } else { b(r) }))
                } else {
                    let (a, b) = (a.operand(), b.operand());
                    Code::Value(Box::new(move |r| if c(r)? { a.get(r) } else { b.get(r) }))
                }
            }
            NodeKind::Given(slot) => {
                self.cx.reads(*slot);
                let s = *slot;
                Code::Test(Box::new(move |r| Some(!r.at(s)?.is_null())))
            }
            NodeKind::Call(f, args) => self.call(*f, args)?,
        })
    }

    pub(super) fn values(&mut self, ns: &[Node]) -> Option<Vec<Operand>> {
        ns.iter().map(|n| Some(self.code(n)?.operand())).collect()
    }

    fn arith(&mut self, first: &Node, rest: &[(ArithOp, Node)]) -> Option<Code> {
        let a = self.code(first)?.operand();
        if let [(o, b)] = rest {
            let (o, b) = (op(*o), self.code(b)?.operand());
            return Some(Code::Value(Box::new(move |r| {
                r.arith(o, a.get(r)?, b.get(r)?)
            })));
        }
        if rest.is_empty() {
            return None;
        }
        let rest = rest
            .iter()
            .map(|(o, n)| Some((op(*o), self.code(n)?.operand())))
            .collect::<Option<Vec<_>>>()?;
        Some(Code::Value(Box::new(move |r| {
            let mut x = a.get(r)?;
            for (o, b) in &rest {
                x = r.arith(*o, x, b.get(r)?)?;
            }
            Some(x)
        })))
    }

    /// `and` (`or` when `any`): each item must be true or false; the first false (true)
    /// decides, and later items are not evaluated.
    fn junction(&mut self, items: &[Node], any: bool) -> Option<Code> {
        let tests = items
            .iter()
            .map(|n| Some(self.code(n)?.cond()))
            .collect::<Option<Vec<_>>>()?;
        if tests.len() == 2 {
            let mut two = tests.into_iter();
            let (a, b) = (two.next()?, two.next()?);
            return Some(Code::Test(Box::new(move |r| {
                if a.get(r)? == any {
                    Some(any)
                } else {
                    b.get(r)
                }
            })));
        }
        Some(Code::Test(Box::new(move |r| {
            for t in &tests {
                if t.get(r)? == any {
                    return Some(any);
                }
            }
            Some(!any)
        })))
    }

    fn eq(&mut self, neg: bool, a: &Node, b: &Node) -> Option<Code> {
        let (other, c) = match (&a.kind, &b.kind) {
            (_, NodeKind::Const(c)) => (a, c),
            (NodeKind::Const(c), _) => (b, c),
            _ => {
                let (a, b) = (self.code(a)?.operand(), self.code(b)?.operand());
                return Some(Code::Test(Box::new(move |r| {
                    Some(r.same(a.get(r)?, b.get(r)?)? != neg)
                })));
            }
        };
        let c = self.cx.syms.constant(c)?;
        // A constant is never opaque, so comparing with it cannot fail.
        Some(Code::Test(match (self.code(other)?, c) {
            // An interned text is equal to a value exactly when their words are.
            (Code::Slot(s), c) if c.text_id().is_some() => {
                Box::new(move |r| Some((r.at(s)? == c) != neg))
            }
            (Code::Slot(s), c) => Box::new(move |r| Some(r.same(r.at(s)?, c)? != neg)),
            (x, c) => {
                let x = x.operand();
                Box::new(move |r| Some(r.same(x.get(r)?, c)? != neg))
            }
        }))
    }

    fn ord(&mut self, op: CmpOp, a: &Node, b: &Node) -> Option<Code> {
        if let NodeKind::Const(super::Value::Number(n)) = &b.kind {
            let n = V::from(N::of(*n)?);
            // A value that is not a number has no order against a number, and fails.
            return Some(Code::Test(match self.code(a)? {
                Code::Slot(s) => Box::new(move |r| Some(holds(op, r.cmp_num(r.at(s)?, n)?))),
                a => {
                    let a = a.operand();
                    Box::new(move |r| Some(holds(op, r.cmp_num(a.get(r)?, n)?)))
                }
            }));
        }
        let (a, b) = (self.code(a)?.operand(), self.code(b)?.operand());
        Some(Code::Test(Box::new(move |r| {
            let (x, y) = (a.get(r)?, b.get(r)?);
            Some(holds(op, order(present(x)?, present(y)?, r)?))
        })))
    }

    fn in_list(&mut self, neg: bool, x: &Node, list: &Node) -> Option<Code> {
        let x = self.code(x)?.operand();
        match &list.kind {
            NodeKind::Const(super::Value::List(items)) => {
                let pool = items
                    .iter()
                    .map(|v| self.cx.syms.constant(v))
                    .collect::<Option<Vec<V>>>()?;
                if pool.iter().all(|c| c.text_id().is_some()) {
                    // `setting in ['a', 'b']`: interned texts are equal exactly when their
                    // words are (a number or an unknown text is in no such list).
                    return Some(Code::Test(Box::new(move |r| {
                        let v = present(x.get(r)?)?;
                        Some(pool.contains(&v) != neg)
                    })));
                }
                Some(Code::Test(Box::new(move |r| {
                    let v = present(x.get(r)?)?;
                    let mut found = false;
                    for c in &pool {
                        found |= r.same(v, *c)?;
                    }
                    Some(found != neg)
                })))
            }
            NodeKind::List(items) => {
                let items = self.values(items)?;
                Some(Code::Test(Box::new(move |r| {
                    let v = present(x.get(r)?)?;
                    let mut found = false;
                    for f in &items {
                        found |= r.same(v, f.get(r)?)?;
                    }
                    Some(found != neg)
                })))
            }
            _ => None,
        }
    }
}
