//! Built-in functions: names, arity and type checks at load, compiled to call nodes.
//! `date(...)` and `given(...)` compile to constants and slot tests, not calls.

use super::ast::{Ast, AstKind};
use super::check::Checker;
use super::node::Func;
use super::node::{Node, NodeKind};
use super::{ExprError, Type, Value};
use crate::money::RoundingMode;
use crate::suggest::did_you_mean;
use crate::Date;

/// Every function name, for "did you mean" suggestions.
pub(super) const FUNCTIONS: [&str; 15] = [
    "min",
    "max",
    "abs",
    "round",
    "floor",
    "ceil",
    "count_at_least",
    "count_true",
    "age_months",
    "days_between",
    "date",
    "given",
    "coalesce",
    "len",
    "sum",
];

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "argument"
    } else {
        "arguments"
    }
}

fn was(n: usize) -> &'static str {
    if n == 1 {
        "was"
    } else {
        "were"
    }
}

impl Checker<'_> {
    fn arity(
        &self,
        name: &str,
        at: usize,
        n: usize,
        min: usize,
        max: Option<usize>,
    ) -> Result<(), ExprError> {
        let want = match max {
            Some(m) if m == min => format!("takes {min} {}", plural(min)),
            Some(m) => format!("takes {min} or {m} arguments"),
            None => format!("takes at least {min} {}", plural(min)),
        };
        if n < min || max.is_some_and(|m| n > m) {
            return Err(self.err(at, format!("\"{name}\" {want}, but {n} {} given", was(n))));
        }
        Ok(())
    }

    fn arg_type(&self, name: &str, wants: &str, i: usize, ast: &Ast, ty: &Type) -> ExprError {
        self.err(
            ast.start,
            format!("\"{name}\" needs {wants}, but argument {} is {ty}", i + 1),
        )
    }

    /// Check that every argument has a type accepted by `ok`.
    fn args_of(
        &mut self,
        name: &str,
        wants: &str,
        args: &[Ast],
        ok: fn(&Type) -> bool,
    ) -> Result<(Vec<Node>, Vec<Type>), ExprError> {
        let (mut nodes, mut tys) = (Vec::new(), Vec::new());
        for (i, a) in args.iter().enumerate() {
            let (n, t) = self.check(a)?;
            if !ok(&t) {
                return Err(self.arg_type(name, wants, i, a, &t));
            }
            nodes.push(n);
            tys.push(t);
        }
        Ok((nodes, tys))
    }

    /// Check a call `name(args)` spanning `ast`.
    pub(super) fn call(
        &mut self,
        name: &str,
        args: &[Ast],
        ast: &Ast,
    ) -> Result<(NodeKind, Type), ExprError> {
        let at = ast.start;
        let n = args.len();
        let numeric = |t: &Type| t.is_numeric() || *t == Type::Any;
        let int_if_all = |tys: &[Type]| {
            if tys.iter().all(|t| *t == Type::Integer) {
                Type::Integer
            } else {
                Type::Number
            }
        };
        let call = |f, nodes: Vec<Node>, ty| Ok((NodeKind::Call(f, nodes.into()), ty));
        match name {
            "min" | "max" => {
                self.arity(name, at, n, 1, None)?;
                let wants = "all numbers, all texts or all dates";
                let (nodes, tys) = self.args_of(name, wants, args, |t| {
                    t.is_numeric() || matches!(t, Type::Text | Type::Date | Type::Any)
                })?;
                let mut ty = Type::Any;
                for (i, t) in tys.iter().enumerate() {
                    ty = ty
                        .unify(t)
                        .ok_or_else(|| self.arg_type(name, wants, i, &args[i], t))?;
                }
                let ty = if ty.is_numeric() {
                    int_if_all(&tys)
                } else {
                    ty
                };
                call(if name == "min" { Func::Min } else { Func::Max }, nodes, ty)
            }
            "abs" | "floor" | "ceil" => {
                self.arity(name, at, n, 1, Some(1))?;
                let (nodes, tys) = self.args_of(name, "a number", args, numeric)?;
                let (f, ty) = match name {
                    "abs" => (Func::Abs, int_if_all(&tys)),
                    "floor" => (Func::Floor, Type::Integer),
                    _ => (Func::Ceil, Type::Integer),
                };
                call(f, nodes, ty)
            }
            "round" => self.round(args, at),
            "count_at_least" => {
                self.arity(name, at, n, 2, None)?;
                let (nodes, _) = self.args_of(name, "numbers", args, |t| {
                    t.is_numeric() || matches!(t, Type::Null | Type::Any)
                })?;
                call(Func::CountAtLeast, nodes, Type::Integer)
            }
            "count_true" => {
                self.arity(name, at, n, 1, None)?;
                let ok = |t: &Type| matches!(t, Type::Bool | Type::Null | Type::Any);
                let (nodes, _) = self.args_of(name, "true or false values", args, ok)?;
                call(Func::CountTrue, nodes, Type::Integer)
            }
            "age_months" | "days_between" => {
                let f = if name == "age_months" {
                    self.arity(name, at, n, 1, Some(2))?;
                    Func::AgeMonths
                } else {
                    self.arity(name, at, n, 2, Some(2))?;
                    Func::DaysBetween
                };
                let (nodes, _) =
                    self.args_of(name, "dates", args, |t| matches!(t, Type::Date | Type::Any))?;
                call(f, nodes, Type::Integer)
            }
            "date" => {
                self.arity(name, at, n, 1, Some(1))?;
                let AstKind::Text(s) = &args[0].kind else {
                    return Err(self.err(
                        args[0].start,
                        "\"date\" needs a date in quotes, such as date('2024-09-01')",
                    ));
                };
                let d: Date = s
                    .parse()
                    .map_err(|e: crate::date::DateError| self.err(args[0].start, e.to_string()))?;
                Ok((NodeKind::Const(Value::Date(d)), Type::Date))
            }
            "given" => {
                self.arity(name, at, n, 1, Some(1))?;
                let AstKind::Name(var) = &args[0].kind else {
                    return Err(self.err(
                        args[0].start,
                        "\"given\" needs a name, such as given(needs.semh)",
                    ));
                };
                match self.name(var, args[0].start)? {
                    (NodeKind::Name(slot, _), _) => Ok((NodeKind::Given(slot), Type::Bool)),
                    _ => Ok((NodeKind::Const(Value::Bool(true)), Type::Bool)),
                }
            }
            "coalesce" => {
                self.arity(name, at, n, 1, None)?;
                let (nodes, tys) = self.args_of(name, "values", args, |_| true)?;
                let mut ty = Type::Null;
                for (i, t) in tys.iter().enumerate() {
                    ty = ty.unify(t).ok_or_else(|| {
                        self.err(
                            args[i].start,
                            format!("\"coalesce\" needs values of one kind, but argument {} is {t} and the ones before it are {ty}", i + 1),
                        )
                    })?;
                }
                call(Func::Coalesce, nodes, ty)
            }
            "len" => {
                self.arity(name, at, n, 1, Some(1))?;
                let ok = |t: &Type| matches!(t, Type::List(_) | Type::Text | Type::Any);
                let (nodes, _) = self.args_of(name, "a list or a text", args, ok)?;
                call(Func::Len, nodes, Type::Integer)
            }
            "sum" => {
                self.arity(name, at, n, 1, Some(1))?;
                let ok = |t: &Type| match t {
                    Type::List(e) => e.is_numeric() || **e == Type::Any,
                    t => *t == Type::Any,
                };
                let (nodes, tys) = self.args_of(name, "a list of numbers", args, ok)?;
                let ty = if tys[0] == Type::List(Box::new(Type::Integer)) {
                    Type::Integer
                } else {
                    Type::Number
                };
                call(Func::Sum, nodes, ty)
            }
            _ => {
                let mut e = self.err(at, format!("unknown function \"{name}\""));
                e.help = did_you_mean(name, FUNCTIONS.iter().copied());
                Err(e)
            }
        }
    }

    /// `round(x, dp)` or `round(x, dp, 'mode')`: `dp` and `mode` must be literals.
    fn round(&mut self, args: &[Ast], at: usize) -> Result<(NodeKind, Type), ExprError> {
        self.arity("round", at, args.len(), 2, Some(3))?;
        let (x, ty) = self.check(&args[0])?;
        if !(ty.is_numeric() || ty == Type::Any) {
            return Err(self.arg_type("round", "a number", 0, &args[0], &ty));
        }
        let dp = match &args[1].kind {
            AstKind::Num(d, false) => u32::try_from(d.mantissa()).ok().filter(|dp| *dp <= 10),
            _ => None,
        };
        let Some(dp) = dp else {
            return Err(self.err(
                args[1].start,
                "the second argument of \"round\" must be a whole number of decimal places from 0 to 10",
            ));
        };
        let mut mode_chosen = RoundingMode::HalfAwayFromZero;
        if let Some(m) = args.get(2) {
            let AstKind::Text(mode) = &m.kind else {
                return Err(self.err(m.start, "the third argument of \"round\" must be a rounding mode in quotes, such as 'half_even'"));
            };
            let Some(chosen) = RoundingMode::from_name(mode) else {
                let mut e = self.err(m.start, format!("unknown rounding mode \"{mode}\""));
                let names = RoundingMode::ALL.iter().map(|(n, _)| *n);
                e.help = did_you_mean(mode, names.clone()).or_else(|| {
                    let all: Vec<&str> = names.collect();
                    Some(format!("the modes are {}", all.join(", ")))
                });
                return Err(e);
            };
            mode_chosen = chosen;
        }
        let ty = if dp == 0 { Type::Integer } else { Type::Number };
        Ok((
            NodeKind::Call(Func::Round(dp, mode_chosen), vec![x].into()),
            ty,
        ))
    }
}
