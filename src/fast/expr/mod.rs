//! Expressions compiled to closures (`nodes`, `calls`): the one evaluator of the
//! expression language. A failure is an error in the language's words.

mod calls;
mod nodes;

use crate::expr::node::{Node, NodeKind};
use crate::expr::{EvalError, Expr, Value};
use crate::fast::{no_value, other, Compile, Fail, Given, Regs, R, V};
use crate::Date;
use nodes::{Build, Code};
pub(crate) use nodes::{TestFn, ValueFn};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::sync::Arc;

/// A compiled expression.
pub(crate) struct FastExpr {
    code: Code,
    /// The expression as written, which a step's errors name.
    source: Arc<str>,
    /// True when no case can make it fail (see [`cannot_fail`]).
    infallible: bool,
    /// True when no case can make it fail as a condition: it always gives true or false.
    sure_test: bool,
}

impl std::fmt::Debug for FastExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.code {
            Code::Slot(s) => format!("slot {s}"),
            Code::Const(v) => format!("{v:?}"),
            Code::Value(_) => "code".to_string(),
            Code::Test(_) => "test".to_string(),
        };
        f.debug_struct("FastExpr")
            .field("code", &kind)
            .field("source", &self.source)
            .field("infallible", &self.infallible)
            .field("sure_test", &self.sure_test)
            .finish()
    }
}

impl Expr {
    /// The compiled form (`None` only when a constant cannot be held).
    pub(crate) fn fast(&self, cx: &mut Compile) -> Option<FastExpr> {
        let src: Arc<str> = Arc::from(self.source());
        let node = folded(self.tree(), &src);
        compiled(&node, src, cx)
    }

    /// The compiled form of a condition that may be left out (a plain name cannot fail).
    pub(crate) fn fast_check(&self, cx: &mut Compile) -> Option<Option<FastExpr>> {
        let src: Arc<str> = Arc::from(self.source());
        let node = folded(self.tree(), &src);
        match node.kind {
            NodeKind::Name(..) | NodeKind::Const(_) => Some(None),
            _ => compiled(&node, src, cx).map(Some),
        }
    }

    /// Its value on `on` when its names read `slots` (by the slot numbers its scope gave), by
    /// the compiled code a rule set runs. `None` only when a value cannot be held.
    ///
    /// ```
    /// use sendband::expr::{Expr, Scope, Slot, Type, Value};
    /// struct Two;
    /// impl Scope for Two {
    ///     fn resolve(&self, name: &str) -> Option<(Slot, Type)> {
    ///         (name == "score").then_some((0, Type::Integer))
    ///     }
    ///     fn names(&self) -> Vec<String> {
    ///         vec!["score".into()]
    ///     }
    /// }
    /// let e = Expr::compile("score * 2 + 1", &Two).unwrap();
    /// let on = "2025-01-15".parse().unwrap();
    /// let v = e.eval_once(&[Value::Number(7.into())], on).unwrap();
    /// assert_eq!(v, Ok(Value::Number(15.into())));
    /// ```
    pub fn eval_once(&self, slots: &[Value], on: Date) -> Option<Result<Value, EvalError>> {
        once(
            slots,
            on,
            |cx| self.fast(cx),
            |f, r| Ok(r.value(f.eval(r)?)),
        )
    }
}

impl crate::expr::Template {
    /// Its text on `on` when its holes' names read `slots`, by the compiled code (see
    /// [`Expr::eval_once`]).
    pub fn render_once(&self, slots: &[Value], on: Date) -> Option<Result<String, EvalError>> {
        once(slots, on, |cx| self.fast(cx), |t, r| t.render(r))
    }
}

fn compiled(node: &Node, source: Arc<str>, cx: &mut Compile) -> Option<FastExpr> {
    let code = Build {
        cx,
        src: source.clone(),
    }
    .code(node)?;
    Some(FastExpr {
        code,
        source,
        infallible: cannot_fail(node),
        sure_test: sure_test(node),
    })
}

/// `node` with every part that reads nothing of a case (its parts all constants, no name, no
/// `on`) replaced by its value, so literals cost nothing per case. The value is worked out
/// by the same compiled code; a part that fails is left to fail, in its words, per case.
pub(crate) fn folded(node: &Node, src: &Arc<str>) -> Node {
    let mut node = node.clone();
    fold(&mut node, src);
    node
}

fn fold(node: &mut Node, src: &Arc<str>) {
    let mut constant = true;
    for child in node.children_mut() {
        fold(child, src);
        constant &= matches!(child.kind, NodeKind::Const(_));
    }
    let reads_case = match &node.kind {
        NodeKind::Const(_) | NodeKind::Name(..) | NodeKind::On | NodeKind::Given(_) => true,
        // `age_months(dob)` counts to the case's date.
        NodeKind::Call(crate::expr::node::Func::AgeMonths, args) => args.len() < 2,
        _ => false,
    };
    if !constant || reads_case {
        return;
    }
    // Any date would do: nothing folded reads it.
    let on = Date::new(2000, 1, 1);
    let value = on.and_then(|on| {
        once(
            &[],
            on,
            |cx| compiled(node, src.clone(), cx),
            |f, r| Ok(r.value(f.eval(r)?)),
        )
    });
    if let Some(Ok(v)) = value {
        node.kind = NodeKind::Const(v);
    }
}

/// Compile something, then run it once outside any batch: `slots` are the values its names
/// read. `None` when a value cannot be held.
fn once<C, T>(
    slots: &[Value],
    on: Date,
    compile: impl FnOnce(&mut Compile) -> Option<C>,
    run: impl FnOnce(&C, &Regs) -> R<T>,
) -> Option<Result<T, EvalError>> {
    let mut cx = Compile {
        read: vec![false; slots.len()],
        ..Compile::default()
    };
    let mut v = slots
        .iter()
        .map(|x| cx.constant(x))
        .collect::<Option<Vec<V>>>()?;
    let code = compile(&mut cx)?;
    let Compile {
        syms, wide, pool, ..
    } = cx;
    let (wide, heap) = (RefCell::new(wide), RefCell::new(pool));
    let r = Regs {
        v: &mut v,
        on,
        syms: &syms,
        wide: &wide,
        given: Given {
            inputs: &[],
            constants: &[],
        },
        heap: &heap,
    };
    Some(run(&code, &r).map_err(|e| *e))
}

impl FastExpr {
    /// True when evaluating it fails for no case: a condition of a reason that is not written
    /// need not be evaluated at all.
    pub fn infallible(&self) -> bool {
        self.infallible
    }

    /// True when, as a condition, it fails for no case: always true or false, never no value
    /// (a plain name cannot fail as a value, but can as a condition).
    pub fn sure_test(&self) -> bool {
        self.sure_test
    }

    /// The value for one case.
    #[inline]
    pub fn eval(&self, r: &Regs) -> R<V> {
        match &self.code {
            Code::Slot(s) => Ok(r.at(*s).unwrap_or(V::NULL)),
            Code::Const(v) => Ok(*v),
            Code::Value(f) => f(r),
            Code::Test(t) => t(r).map(V::boolean),
        }
    }

    /// A condition's truth; no value, or a value that is not true or false, fails.
    #[inline]
    pub fn truth(&self, r: &Regs) -> R<bool> {
        match &self.code {
            Code::Test(t) => t(r),
            _ => {
                let v = self.eval(r)?;
                v.truth().ok_or_else(|| self.gave(r, v, "true or false"))
            }
        }
    }

    /// A step's error for a value of the wrong kind: `… has no value`, or `… gave text, not
    /// a number`.
    #[cold]
    pub fn gave(&self, r: &Regs, v: V, wanted: &str) -> Fail {
        if v.is_null() {
            return no_value(&self.source);
        }
        other(format!(
            "{} gave {}, not {wanted}",
            self.source,
            r.kind_name(v)
        ))
    }

    /// The closure of a condition compiled as one (to call it with nothing in between), or
    /// the expression back.
    pub(crate) fn into_test(self) -> Result<TestFn, FastExpr> {
        match self.code {
            Code::Test(t) => Ok(t),
            code => Err(FastExpr { code, ..self }),
        }
    }

    /// The slot, when the expression is a plain name.
    pub(crate) fn slot(&self) -> Option<u32> {
        match self.code {
            Code::Slot(s) => Some(s),
            _ => None,
        }
    }

    /// The closure of a value compiled as one, or the expression back.
    pub(crate) fn into_value(self) -> Result<ValueFn, FastExpr> {
        match self.code {
            Code::Value(f) => Ok(f),
            code => Err(FastExpr { code, ..self }),
        }
    }

    /// A number (held in place or wide); no value, or a value that is not a number, fails.
    #[inline]
    pub fn number(&self, r: &Regs) -> R<V> {
        let v = self.eval(r)?;
        if v.is_number() {
            Ok(v)
        } else {
            Err(self.gave(r, v, "a number"))
        }
    }

    /// A number as a decimal; no value, or a value that is not a number, fails.
    #[inline]
    pub fn decimal(&self, r: &Regs) -> R<Decimal> {
        let v = self.eval(r)?;
        r.decimal(v).ok_or_else(|| self.gave(r, v, "a number"))
    }

    /// The expression as written.
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// Whether a node fails for no case. Sound, not complete: names, constants, comparisons with a
/// constant, `given`, and `not`/`and`/`or`/`if` over what cannot fail and is certainly true or
/// false; anything reading a case's value as a particular kind might fail.
fn cannot_fail(n: &Node) -> bool {
    match &n.kind {
        NodeKind::Const(_) | NodeKind::Name(..) | NodeKind::Given(_) => true,
        // A constant is never an opaque text or a list, so `==` with it always answers.
        NodeKind::Eq(_, a, b) => match (&a.kind, &b.kind) {
            (_, NodeKind::Const(_)) => cannot_fail(a),
            (NodeKind::Const(_), _) => cannot_fail(b),
            _ => false,
        },
        NodeKind::Not(a) => sure_test(a),
        NodeKind::And(items) | NodeKind::Or(items) => items.iter().all(sure_test),
        NodeKind::If(c, a, b) => sure_test(c) && cannot_fail(a) && cannot_fail(b),
        _ => false,
    }
}

/// A node that cannot fail and gives true or false.
fn sure_test(n: &Node) -> bool {
    let boolean = match &n.kind {
        NodeKind::Const(v) => matches!(v, Value::Bool(_)),
        NodeKind::Eq(..)
        | NodeKind::Given(_)
        | NodeKind::Not(_)
        | NodeKind::And(_)
        | NodeKind::Or(_) => true,
        NodeKind::If(_, a, b) => sure_test(a) && sure_test(b),
        _ => false,
    };
    boolean && cannot_fail(n)
}

#[cfg(test)]
mod tests {
    use crate::expr::tests::compile;
    use crate::fast::{Compile, Syms};

    fn infallible(src: &str) -> bool {
        let mut cx = Compile {
            syms: Syms::default(),
            ..Compile::default()
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

    #[test]
    fn a_plain_name_cannot_fail_as_a_value_but_can_as_a_condition() {
        let sure = |src: &str| {
            let mut cx = Compile {
                syms: Syms::default(),
                ..Compile::default()
            };
            compile(src).fast(&mut cx).map(|f| f.sure_test()) == Some(true)
        };
        assert!(infallible("eligible"));
        assert!(!sure("eligible"));
        assert!(sure("true") && sure("band == 'B'") && sure("given(eligible)"));
        assert!(!sure("'B'") && !sure("if given(band) then eligible else false"));
    }
}

/// A reason template with its holes compiled: the text of a full decision's reasons.
#[derive(Debug)]
pub(crate) struct FastTemplate {
    parts: Vec<FastPart>,
    /// Room for the usual text: the literal parts and a short value per hole.
    room: usize,
}

#[derive(Debug)]
enum FastPart {
    Lit(String),
    Hole(FastExpr, crate::expr::template::Format),
}

impl crate::expr::Template {
    /// The compiled form (`None` only when a constant cannot be held).
    pub(crate) fn fast(&self, cx: &mut Compile) -> Option<FastTemplate> {
        let parts = self
            .parts()
            .iter()
            .map(|p| {
                Some(match p {
                    crate::expr::template::Part::Lit(s) => FastPart::Lit(s.clone()),
                    crate::expr::template::Part::Hole(e, f) => FastPart::Hole(e.fast(cx)?, *f),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let room = parts
            .iter()
            .map(|p| match p {
                FastPart::Lit(s) => s.len(),
                FastPart::Hole(..) => 12,
            })
            .sum();
        Some(FastTemplate { parts, room })
    }
}

impl FastTemplate {
    /// The text for one case, each hole's value written as a person reads it.
    pub fn render(&self, r: &Regs) -> R<String> {
        let mut out = String::with_capacity(self.room);
        self.render_into(r, &mut out)?;
        Ok(out)
    }

    /// `render`, appended to `out` (a buffer reused from case to case). On an error `out`
    /// may hold part of the text.
    pub fn render_into(&self, r: &Regs, out: &mut String) -> R<()> {
        for part in &self.parts {
            match part {
                FastPart::Lit(s) => out.push_str(s),
                FastPart::Hole(e, f) => {
                    let v = e.eval(r)?;
                    crate::expr::template::write_value(out, &r.value(v), *f);
                }
            }
        }
        Ok(())
    }

    /// Work out every hole without writing the text: the errors `render` would give.
    pub fn check(&self, r: &Regs) -> R<()> {
        for part in &self.parts {
            if let FastPart::Hole(e, _) = part {
                e.eval(r)?;
            }
        }
        Ok(())
    }
}
