//! One compiled evaluator per node kind: the checked tree becomes a tree of closures over the
//! case's flat array of values, each specialised to what its operands are (a slot, a constant, code).
//!
//! A failure is an error in words, built only when it happens: a value of the wrong kind names
//! the sub-expression that gave it, and operands are checked in the order they are written.

use crate::expr::ast::{ArithOp, CmpOp};
use crate::expr::node::{Node, NodeKind};
use crate::expr::Value;
use crate::fast::{bad, division_by_zero, no_value, other, overflow, Compile, Day, Op, Regs, R, V};
use std::cmp::Ordering;
use std::sync::Arc;

/// Code giving any value.
pub(crate) type ValueFn = Box<dyn Fn(&Regs) -> R<V> + Send + Sync>;
/// Code giving the order of two values, `None` when either is missing.
type OrderFn = Box<dyn Fn(&Regs) -> R<Option<Ordering>> + Send + Sync>;
/// Code giving true or false (conditions never build a value).
pub(crate) type TestFn = Box<dyn Fn(&Regs) -> R<bool> + Send + Sync>;

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
    pub(super) fn get(&self, r: &Regs) -> R<V> {
        match self {
            Operand::Slot(s) => Ok(r.at(*s).unwrap_or(V::NULL)),
            Operand::Const(v) => Ok(*v),
            Operand::Code(f) => f(r),
        }
    }
}

/// An operand that must be a number; its label words the error when it is not.
pub(super) struct NumOperand {
    pub(super) of: Operand,
    label: Arc<str>,
}

impl NumOperand {
    #[inline(always)]
    pub(super) fn get(&self, r: &Regs) -> R<V> {
        let v = self.of.get(r)?;
        if v.is_number() {
            Ok(v)
        } else {
            Err(bad(r, &self.label, v, "a number"))
        }
    }

    /// The number as a decimal.
    pub(super) fn decimal(&self, r: &Regs) -> R<rust_decimal::Decimal> {
        let v = self.of.get(r)?;
        r.decimal(v)
            .ok_or_else(|| bad(r, &self.label, v, "a number"))
    }
}

/// An operand that must not be null (`present` in the language's terms).
pub(super) struct Present {
    of: Operand,
    label: Arc<str>,
}

impl Present {
    #[inline(always)]
    pub(super) fn get(&self, r: &Regs) -> R<V> {
        let v = self.of.get(r)?;
        if v.is_null() {
            Err(no_value(&self.label))
        } else {
            Ok(v)
        }
    }

    pub(super) fn label(&self) -> &str {
        &self.label
    }
}

/// A condition as an operand: a true-or-false slot is read in place.
pub(super) enum Cond {
    Slot(u32, Arc<str>),
    Code(TestFn),
}

impl Cond {
    #[inline(always)]
    pub(super) fn get(&self, r: &Regs) -> R<bool> {
        match self {
            Cond::Slot(s, label) => {
                let v = r.at(*s).unwrap_or(V::NULL);
                truth(r, v, label)
            }
            Cond::Code(t) => t(r),
        }
    }
}

/// A value as a condition: a missing value does not hold; anything but true, false or missing
/// is an error naming it.
#[inline(always)]
fn truth(r: &Regs, v: V, label: &str) -> R<bool> {
    match v.truth() {
        Some(b) => Ok(b),
        None if v.is_null() => Ok(false),
        None => Err(bad(r, label, v, "true or false")),
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

    /// As code giving any value.
    pub fn value(self) -> ValueFn {
        match self {
            Code::Slot(s) => Box::new(move |r| Ok(r.at(s).unwrap_or(V::NULL))),
            Code::Const(v) => Box::new(move |_| Ok(v)),
            Code::Value(f) => f,
            Code::Test(t) => Box::new(move |r| t(r).map(V::boolean)),
        }
    }
}

/// The order of two values that are present, or the language's words for why there is none.
#[inline]
fn order_of(r: &Regs, x: V, y: V, src: &str) -> R<Ordering> {
    r.order(x, y).ok_or_else(|| {
        other(format!(
            "cannot order {} and {} in {src}",
            r.kind_name(x),
            r.kind_name(y)
        ))
    })
}

/// Compiles nodes for one rule set (interning its texts, noting the slots read).
pub(super) struct Build<'c> {
    pub cx: &'c mut Compile,
    /// The whole expression's source, for errors that name it.
    pub src: Arc<str>,
}

impl Build<'_> {
    /// What an error calls a node: its name, or its source text.
    pub(super) fn label(&self, n: &Node) -> Arc<str> {
        Arc::from(n.label(&self.src))
    }

    /// A node as a condition: a value that is not true or false fails, named by its label.
    pub(super) fn cond(&mut self, n: &Node) -> Option<Cond> {
        let label = self.label(n);
        Some(match self.code(n)? {
            Code::Slot(s) => Cond::Slot(s, label),
            Code::Const(v) => match v.truth() {
                Some(b) => Cond::Code(Box::new(move |_| Ok(b))),
                None if v.is_null() => Cond::Code(Box::new(|_| Ok(false))),
                None => Cond::Code(Box::new(move |r| Err(bad(r, &label, v, "true or false")))),
            },
            Code::Test(t) => Cond::Code(t),
            Code::Value(f) => Cond::Code(Box::new(move |r| {
                let v = f(r)?;
                truth(r, v, &label)
            })),
        })
    }

    /// A node as a condition closure.
    pub(super) fn test(&mut self, n: &Node) -> Option<TestFn> {
        Some(match self.cond(n)? {
            Cond::Code(t) => t,
            Cond::Slot(s, label) => Box::new(move |r| {
                let v = r.at(s).unwrap_or(V::NULL);
                truth(r, v, &label)
            }),
        })
    }

    /// A node as a number operand.
    pub(super) fn num(&mut self, n: &Node) -> Option<NumOperand> {
        Some(NumOperand {
            label: self.label(n),
            of: self.code(n)?.operand(),
        })
    }

    /// A node as an operand that must have a value.
    pub(super) fn present(&mut self, n: &Node) -> Option<Present> {
        Some(Present {
            label: self.label(n),
            of: self.code(n)?.operand(),
        })
    }

    /// The code of a node; `None` only for a constant that cannot be held (a text past the
    /// interning limit).
    pub fn code(&mut self, n: &Node) -> Option<Code> {
        Some(match &n.kind {
            NodeKind::Const(v) => Code::Const(self.cx.constant(v)?),
            NodeKind::Name(slot, _) => {
                self.cx.reads(*slot);
                Code::Slot(*slot)
            }
            NodeKind::On => Code::Value(Box::new(|r| Ok(V::date(Day::of(r.on))))),
            NodeKind::List(items) => {
                let items = self.values(items)?;
                Code::Value(Box::new(move |r| {
                    let mut values = Vec::with_capacity(items.len());
                    for f in &items {
                        values.push(r.value(f.get(r)?));
                    }
                    Ok(r.boxed(Value::List(values.into())))
                }))
            }
            NodeKind::Neg(a) => {
                let a = self.num(a)?;
                let src = self.src.clone();
                Code::Value(Box::new(move |r| {
                    r.neg(a.get(r)?).ok_or_else(|| overflow(&src))
                }))
            }
            NodeKind::Not(a) => match a.kind {
                // `not given(x)`: one closure, not two.
                NodeKind::Given(slot) => {
                    self.cx.reads(slot);
                    Code::Test(Box::new(move |r| {
                        Ok(r.at(slot).unwrap_or(V::NULL).is_null())
                    }))
                }
                _ => {
                    let a = self.cond(a)?;
                    Code::Test(Box::new(move |r| Ok(!a.get(r)?)))
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
                let (lo_x, x_hi) = (self.order(lo, x)?, self.order(x, hi)?);
                Code::Test(Box::new(move |r| {
                    // A missing value is in no range (and so `not in` every one).
                    let inside = lo_x(r)?.is_some_and(|o| o != Ordering::Greater)
                        && x_hi(r)?.is_some_and(|o| o != Ordering::Greater);
                    Ok(inside != neg)
                }))
            }
            NodeKind::If(c, a, b) => {
                let c = self.test(c)?;
                let (a, b) = (self.code(a)?, self.code(b)?);
                if let (Code::Const(a), Code::Const(b)) = (&a, &b) {
                    // `if ... then 'met' else 'not_met'`: the branches need no code.
                    let (a, b) = (*a, *b);
                    Code::Value(Box::new(move |r| Ok(if c(r)? { a } else { b })))
                } else if let (Code::Test(_), Code::Test(_)) = (&a, &b) {
                    let (Code::Test(a), Code::Test(b)) = (a, b) else {
                        return None;
                    };
                    Code::Test(Box::new(move |r| if c(r)? { a(r) } else { b(r) }))
                } else if a.is_test() && b.is_test() {
                    let (a, b) = (a.operand(), b.operand());
                    Code::Test(Box::new(move |r| {
                        let v = if c(r)? { a.get(r)? } else { b.get(r)? };
                        Ok(v.truth() == Some(true))
                    }))
                } else {
                    let (a, b) = (a.operand(), b.operand());
                    Code::Value(Box::new(move |r| if c(r)? { a.get(r) } else { b.get(r) }))
                }
            }
            NodeKind::Given(slot) => {
                self.cx.reads(*slot);
                let s = *slot;
                Code::Test(Box::new(move |r| Ok(!r.at(s).unwrap_or(V::NULL).is_null())))
            }
            NodeKind::Call(f, args) => self.call(*f, args)?,
        })
    }

    pub(super) fn values(&mut self, ns: &[Node]) -> Option<Vec<Operand>> {
        ns.iter().map(|n| Some(self.code(n)?.operand())).collect()
    }

    /// `a <op> b` in order: each operand must be a number, checked before the next is read.
    fn arith(&mut self, first: &Node, rest: &[(ArithOp, Node)]) -> Option<Code> {
        let a = self.num(first)?;
        let src = self.src.clone();
        if let [(o, b)] = rest {
            let (o, b) = (op(*o), self.num(b)?);
            return Some(Code::Value(Box::new(move |r| {
                let x = a.get(r)?;
                let y = b.get(r)?;
                r.arith(o, x, y).ok_or_else(|| arith_error(r, o, y, &src))
            })));
        }
        let rest = rest
            .iter()
            .map(|(o, n)| Some((op(*o), self.num(n)?)))
            .collect::<Option<Vec<_>>>()?;
        Some(Code::Value(Box::new(move |r| {
            let mut x = a.get(r)?;
            for (o, b) in &rest {
                let y = b.get(r)?;
                x = r
                    .arith(*o, x, y)
                    .ok_or_else(|| arith_error(r, *o, y, &src))?;
            }
            Ok(x)
        })))
    }

    /// `and` (`or` when `any`): each item must be true or false; the first false (true)
    /// decides, and later items are not evaluated.
    fn junction(&mut self, items: &[Node], any: bool) -> Option<Code> {
        let tests = items
            .iter()
            .map(|n| self.cond(n))
            .collect::<Option<Vec<_>>>()?;
        if tests.len() == 2 {
            let mut two = tests.into_iter();
            let (a, b) = (two.next()?, two.next()?);
            return Some(Code::Test(Box::new(move |r| {
                if a.get(r)? == any {
                    Ok(any)
                } else {
                    b.get(r)
                }
            })));
        }
        Some(Code::Test(Box::new(move |r| {
            for t in &tests {
                if t.get(r)? == any {
                    return Ok(any);
                }
            }
            Ok(!any)
        })))
    }

    fn eq(&mut self, neg: bool, a: &Node, b: &Node) -> Option<Code> {
        let (other, c) = match (&a.kind, &b.kind) {
            (_, NodeKind::Const(c)) => (a, c),
            (NodeKind::Const(c), _) => (b, c),
            _ => {
                let (a, b) = (self.code(a)?.operand(), self.code(b)?.operand());
                return Some(Code::Test(Box::new(move |r| {
                    let x = a.get(r)?;
                    Ok(r.same(x, b.get(r)?) != neg)
                })));
            }
        };
        let c = self.cx.constant(c)?;
        Some(Code::Test(match (self.code(other)?, c) {
            // An interned text is equal to a value exactly when their words are.
            (Code::Slot(s), c) if c.text_id().is_some() => {
                Box::new(move |r| Ok((r.at(s).unwrap_or(V::NULL) == c) != neg))
            }
            (Code::Slot(s), c) => {
                Box::new(move |r| Ok(r.same(r.at(s).unwrap_or(V::NULL), c) != neg))
            }
            (x, c) => {
                let x = x.operand();
                Box::new(move |r| Ok(r.same(x.get(r)?, c) != neg))
            }
        }))
    }

    /// The order of two nodes' values, as `<`, `in [lo..hi]` and the like need it; `None` when
    /// either is missing. A name or a constant number against a constant number must be a
    /// number; otherwise both must be of one orderable kind.
    fn order(&mut self, a: &Node, b: &Node) -> Option<OrderFn> {
        if let (
            NodeKind::Name(..) | NodeKind::Const(Value::Number(_)),
            NodeKind::Const(Value::Number(n)),
        ) = (&a.kind, &b.kind)
        {
            let n = self.cx.constant(&Value::Number(*n))?;
            let label = self.label(a);
            let a = self.code(a)?.operand();
            return Some(Box::new(move |r| {
                let x = a.get(r)?;
                match r.cmp_num(x, n) {
                    Some(o) => Ok(Some(o)),
                    None if x.is_null() => Ok(None),
                    None => Err(bad(r, &label, x, "a number")),
                }
            }));
        }
        let (a, b) = (self.code(a)?.operand(), self.code(b)?.operand());
        let src = self.src.clone();
        Some(Box::new(move |r| {
            let x = a.get(r)?;
            let y = b.get(r)?;
            if x.is_null() || y.is_null() {
                return Ok(None);
            }
            order_of(r, x, y, &src).map(Some)
        }))
    }

    /// `a < b` and the like: a test on a missing value does not hold.
    fn ord(&mut self, op: CmpOp, a: &Node, b: &Node) -> Option<Code> {
        if let (NodeKind::Name(slot, name), NodeKind::Const(Value::Number(n))) = (&a.kind, &b.kind)
        {
            // `score >= 10`: the slot read in place, a whole number compared by mantissa.
            let n = self.cx.constant(&Value::Number(*n))?;
            self.cx.reads(*slot);
            let (s, label) = (*slot, name.clone());
            return Some(Code::Test(Box::new(move |r| {
                let x = r.at(s).unwrap_or(V::NULL);
                match r.cmp_num(x, n) {
                    Some(o) => Ok(holds(op, o)),
                    None if x.is_null() => Ok(false),
                    None => Err(bad(r, &label, x, "a number")),
                }
            })));
        }
        let order = self.order(a, b)?;
        Some(Code::Test(Box::new(move |r| {
            Ok(order(r)?.is_some_and(|o| holds(op, o)))
        })))
    }

    /// `x in [...]`: equality with each item, so a missing value is in no list (and `not in`
    /// every one) unless the list holds `null`.
    fn in_list(&mut self, neg: bool, x: &Node, list: &Node) -> Option<Code> {
        let x = self.code(x)?.operand();
        match &list.kind {
            NodeKind::Const(Value::List(items)) => {
                let pool = items
                    .iter()
                    .map(|v| self.cx.constant(v))
                    .collect::<Option<Vec<V>>>()?;
                if pool.iter().all(|c| c.text_id().is_some()) {
                    // `setting in ['a', 'b']`: interned texts are equal exactly when their
                    // words are (a number or an unknown text is in no such list).
                    return Some(Code::Test(Box::new(move |r| {
                        let v = x.get(r)?;
                        Ok(pool.contains(&v) != neg)
                    })));
                }
                Some(Code::Test(Box::new(move |r| {
                    let v = x.get(r)?;
                    Ok(pool.iter().any(|c| r.same(v, *c)) != neg)
                })))
            }
            NodeKind::List(items) => {
                let items = self.values(items)?;
                Some(Code::Test(Box::new(move |r| {
                    let v = x.get(r)?;
                    let mut found = false;
                    for f in &items {
                        found |= r.same(v, f.get(r)?);
                    }
                    Ok(found != neg)
                })))
            }
            _ => {
                // A list another step made (a COLLECT table's outputs, say).
                let label = self.label(list);
                let list = self.code(list)?.operand();
                Some(Code::Test(Box::new(move |r| {
                    let v = x.get(r)?;
                    let l = list.get(r)?;
                    let Value::List(items) = r.value(l) else {
                        return Err(bad(r, &label, l, "a list"));
                    };
                    let v = r.value(v);
                    Ok(items.contains(&v) != neg)
                })))
            }
        }
    }
}

/// Why `x op y` over two numbers failed: a zero divisor, or a result too large.
#[cold]
fn arith_error(r: &Regs, op: Op, y: V, src: &str) -> crate::fast::Fail {
    if op == Op::Div && r.decimal(y).is_some_and(|d| d.is_zero()) {
        division_by_zero(src)
    } else {
        overflow(src)
    }
}
