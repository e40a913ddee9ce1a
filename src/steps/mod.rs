//! Steps, the building blocks of a family: each compiles once from its JSON and evaluates per case
//! into a value and a trace entry. One module per kind; `let` is an expression and lives here.

pub mod lookup;
pub mod money;
pub mod ranges;
pub mod score;
pub mod stop;
pub mod table;

use crate::error::{At, LoadError};
use crate::expr::{self, Domain, Expr, Slot, Template, Type};
use crate::format::StepSpec;
use crate::input::Input;
use crate::suggest::did_you_mean;
use std::collections::HashMap;
use std::sync::Arc;

/// The names visible to expressions while a family compiles: inputs, constants, earlier steps.
#[derive(Debug, Clone, Default)]
pub struct Names {
    entries: HashMap<Arc<str>, (Slot, Type)>,
    order: Vec<Arc<str>>,
    /// Slots whose values are amounts of money (money steps and money inputs).
    money: Vec<Slot>,
    /// The declared values of names that have them (enum inputs, labels, ranged numbers).
    domains: HashMap<Arc<str>, Domain>,
}

impl Names {
    /// Add a name; false when it is already taken.
    pub fn add(&mut self, name: &str, slot: Slot, ty: Type) -> bool {
        if self.entries.contains_key(name) {
            return false;
        }
        let name: Arc<str> = Arc::from(name);
        self.entries.insert(name.clone(), (slot, ty));
        self.order.push(name);
        true
    }

    /// The declared values of a name, if any.
    pub fn domain_of(&self, name: &str) -> Option<&Domain> {
        self.domains.get(name)
    }

    /// Declare the values a name can hold.
    pub fn set_domain(&mut self, name: &str, domain: Domain) {
        self.domains.insert(Arc::from(name), domain);
    }

    /// Mark a slot as holding money.
    pub fn mark_money(&mut self, slot: Slot) {
        self.money.push(slot);
    }

    /// True when the name is a money step or a money input.
    pub fn is_money(&self, name: &str) -> bool {
        self.entries
            .get(name)
            .is_some_and(|(slot, _)| self.money.contains(slot))
    }
}

impl expr::Scope for Names {
    fn resolve(&self, name: &str) -> Option<(Slot, Type)> {
        self.entries.get(name).cloned()
    }
    fn names(&self) -> Vec<String> {
        self.order.iter().map(|n| n.to_string()).collect()
    }
    fn domain(&self, name: &str) -> Option<&Domain> {
        self.domain_of(name)
    }
}

/// What a step compiles against: the visible names, the declared inputs, and where it is written.
pub struct Ctx<'a> {
    pub names: &'a Names,
    pub inputs: &'a [Input],
    pub at: At,
}

impl Ctx<'_> {
    /// Compile an expression written at `suffix` below this step (e.g. `.ranges.of`).
    pub fn expr(&self, text: &str, suffix: &str) -> Result<Expr, LoadError> {
        Expr::compile(text, self.names).map_err(|e| self.at.join(suffix).expr(text, e))
    }

    /// Compile an expression that must have a given kind of type.
    pub fn typed_expr(&self, text: &str, suffix: &str, want: &Type) -> Result<Expr, LoadError> {
        let e = self.expr(text, suffix)?;
        let fits = match want {
            Type::Number => e.ty().is_numeric() || *e.ty() == Type::Null,
            // `"when": "null"` is not a condition: it would never hold.
            Type::Bool => matches!(e.ty(), Type::Bool | Type::Any),
            other => e.ty().unify(other).is_some(),
        };
        if fits {
            Ok(e)
        } else {
            Err(self.at.join(suffix).invalid(format!(
                "{text:?} gives {}, but {} is needed here",
                e.ty(),
                describe(want)
            )))
        }
    }

    /// Compile a reason template.
    pub fn template(&self, text: &str, suffix: &str) -> Result<Template, LoadError> {
        Template::compile(text, self.names).map_err(|e| self.at.join(suffix).expr(text, e))
    }

    /// The declared input with this name, or an error with a suggestion.
    pub fn input(&self, name: &str, suffix: &str) -> Result<&Input, LoadError> {
        self.inputs
            .iter()
            .find(|i| &*i.name == name)
            .ok_or_else(|| {
                self.at.join(suffix).invalid_with(
                    format!("unknown input {name:?}"),
                    did_you_mean(name, self.inputs.iter().map(|i| &*i.name)),
                )
            })
    }
}

fn describe(t: &Type) -> String {
    match t {
        Type::Number => "a number".into(),
        Type::Bool => "a condition (true or false)".into(),
        Type::Text => "text".into(),
        other => other.to_string(),
    }
}

/// The compiled kinds of step.
#[derive(Debug, Clone)]
pub enum Kind {
    Let(Expr),
    Score(score::Score),
    Ranges(ranges::Ranges),
    Table(table::Table),
    Lookup(lookup::Lookup),
    Money(money::Money),
    Stop(stop::Stop),
}

/// Words a value can be, from the expressions that can give it: constant texts (and `null`),
/// or names with declared words. `None` when any can give something else.
pub(crate) fn words_of<'e>(
    exprs: impl IntoIterator<Item = &'e Expr>,
    names: &Names,
) -> Option<Domain> {
    let mut words: Vec<Arc<str>> = Vec::new();
    let mut add = |w: &Arc<str>| {
        if !words.contains(w) {
            words.push(w.clone());
        }
    };
    for e in exprs {
        match (e.as_const(), e.as_name()) {
            (Some(expr::Value::Text(t)), _) => add(t),
            (Some(expr::Value::Null), _) => {}
            (_, Some(name)) => match names.domain_of(name)? {
                Domain::Words(ws) => ws.iter().for_each(&mut add),
                Domain::Numbers { .. } => return None,
            },
            _ => return None,
        }
    }
    (!words.is_empty()).then(|| Domain::Words(words.into()))
}

impl Kind {
    /// The declared values of each value the step gives (as [`Kind::compile`] lists them):
    /// a ranges step's labels, a table output that only ever gives constant labels, a `let`
    /// of such a name.
    pub fn domains(&self, names: &Names) -> Vec<Option<Domain>> {
        match self {
            Kind::Ranges(r) => {
                let words = r
                    .ranges
                    .iter()
                    .filter_map(|range| match &range.label {
                        expr::Value::Text(t) => Some(t.clone()),
                        _ => None,
                    })
                    .collect::<Vec<_>>();
                vec![Some(Domain::Words(words.into()))]
            }
            Kind::Table(t) => (0..t.outputs.len())
                .map(|k| {
                    if t.policy.lists() {
                        return None;
                    }
                    let rows = t.rows.iter().filter_map(|row| row.then.get(k));
                    let default = t.default.iter().filter_map(|d| d.get(k));
                    words_of(rows.chain(default), names)
                })
                .collect(),
            Kind::Let(e) => vec![words_of([e], names)],
            _ => vec![None],
        }
    }

    /// The kind's name as written in rule files and traces.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Let(_) => "let",
            Kind::Score(_) => "score",
            Kind::Ranges(_) => "ranges",
            Kind::Table(_) => "table",
            Kind::Lookup(_) => "lookup",
            Kind::Money(_) => "money",
            Kind::Stop(_) => "stop",
        }
    }

    /// Compile the one kind a step spec holds; returns the kind and the type of each value it
    /// gives (one, or one per table output).
    pub fn compile(spec: &StepSpec, ctx: &Ctx) -> Result<(Kind, Vec<(String, Type)>), LoadError> {
        let present: Vec<&str> = [
            ("let", spec.let_.is_some()),
            ("score", spec.score.is_some()),
            ("ranges", spec.ranges.is_some()),
            ("table", spec.table.is_some()),
            ("lookup", spec.lookup.is_some()),
            ("money", spec.money.is_some()),
            ("stop", spec.stop.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, here)| here.then_some(k))
        .collect();
        if present.len() != 1 {
            return Err(ctx.at.invalid(format!(
                "step {:?} needs exactly one of let, score, ranges, table, lookup, money, stop (it has {})",
                spec.name,
                if present.is_empty() { "none".to_string() } else { present.join(", ") }
            )));
        }
        let one = |kind: Kind, ty: Type| Ok((kind, vec![(spec.name.clone(), ty)]));
        if let Some(text) = &spec.let_ {
            let e = ctx.expr(text, ".let")?;
            let ty = e.ty().clone();
            return one(Kind::Let(e), ty);
        }
        if let Some(s) = &spec.score {
            let (score, ty) = score::Score::compile(s, ctx)?;
            return one(Kind::Score(score), ty);
        }
        if let Some(s) = &spec.ranges {
            return one(Kind::Ranges(ranges::Ranges::compile(s, ctx)?), Type::Text);
        }
        if let Some(s) = &spec.table {
            let (table, types) = table::Table::compile(s, ctx)?;
            let named = types
                .into_iter()
                .map(|(out, ty)| (format!("{}.{out}", spec.name), ty))
                .collect();
            return Ok((Kind::Table(table), named));
        }
        if let Some(s) = &spec.lookup {
            return one(Kind::Lookup(lookup::Lookup::compile(s, ctx)?), Type::Number);
        }
        if let Some(s) = &spec.money {
            return one(Kind::Money(money::Money::compile(s, ctx)?), Type::Number);
        }
        match &spec.stop {
            Some(s) => one(Kind::Stop(stop::Stop::compile(s, ctx)?), Type::Bool),
            None => Err(ctx.at.invalid("empty step")),
        }
    }
}
