//! The typed IR: the single meaning of a checked rule set.
//!
//! The checker (`crate::check`) lowers the AST into this; the interpreter, the JIT, the explainer,
//! the lints, `test` and `sla` read it. Every name is resolved to an index, every operator is
//! resolved to the operand types it works on, every `int` used as a `number` is wrapped in
//! [`ExprKind::ToNumber`], every literal argument (`date`, `datetime`, regex) is already
//! validated and folded. Evaluation never meets a type question or an unguarded missing value.

pub mod depth;
mod fields;
pub mod input;
pub mod types;
mod walk;

#[cfg(test)]
pub(crate) mod testkit;

use crate::source::Span;
use crate::value::Value;
pub use fields::FieldSet;
pub use input::{InputSpec, NumberMarks};
pub use types::{EnumType, RecordField, RecordType, Ty};

use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScoreId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GradeId(pub u32);

/// A checked rule set.
#[derive(Debug, Clone)]
pub struct Program {
    pub schema: Schema,
    pub defs: Vec<Def>,
    pub scores: Vec<Score>,
    pub grades: Vec<Grade>,
    pub stages: Option<Stages>,
    pub slas: Vec<Sla>,
    pub tests: Vec<Test>,
    /// Every definition, score, grade and the stage, each once, dependencies first.
    pub order: Vec<Node>,
    /// The checker's namespace: what each declared name refers to.
    pub names: Names,
}

/// What a declared name refers to: a field, definition, score, grade, or `stage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Name {
    Field(FieldId),
    Def(DefId),
    Score(ScoreId),
    Grade(GradeId),
    Stage,
}

/// Every declared name of a rule set, as the checker resolved it (the first declaration of a
/// name; a second one is an error). Kept in the program so that command-line names (`--select`)
/// and embedders resolve exactly as the rules do.
#[derive(Debug, Clone, Default)]
pub struct Names(HashMap<String, Name>);

impl Names {
    pub fn new(names: HashMap<String, Name>) -> Names {
        Names(names)
    }

    /// The namespace of a program built without the checker (tests, generated IR): every
    /// field, definition, score and grade by its name, and `stage` when `stages` is declared.
    pub fn of(program: &Program) -> Names {
        let mut map = HashMap::new();
        let ids = |n: usize| (0..n).map(|i| i as u32);
        let fields = program
            .schema
            .fields
            .iter()
            .zip(ids(program.schema.fields.len()));
        for (f, i) in fields {
            map.entry(f.name.clone()).or_insert(Name::Field(FieldId(i)));
        }
        for (d, i) in program.defs.iter().zip(ids(program.defs.len())) {
            map.entry(d.name.clone()).or_insert(Name::Def(DefId(i)));
        }
        for (s, i) in program.scores.iter().zip(ids(program.scores.len())) {
            map.entry(s.name.clone()).or_insert(Name::Score(ScoreId(i)));
        }
        for (g, i) in program.grades.iter().zip(ids(program.grades.len())) {
            map.entry(g.name.clone()).or_insert(Name::Grade(GradeId(i)));
        }
        if program.stages.is_some() {
            map.entry("stage".to_string()).or_insert(Name::Stage);
        }
        Names(map)
    }

    pub fn get(&self, name: &str) -> Option<Name> {
        self.0.get(name).copied()
    }

    /// Every name, sorted (for suggestions that do not depend on hashing).
    pub fn sorted(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.0.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

/// Something computed per lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    Def(DefId),
    Score(ScoreId),
    Grade(GradeId),
    Stage,
}

impl Program {
    pub fn field(&self, id: FieldId) -> &Field {
        &self.schema.fields[id.0 as usize]
    }
    pub fn def(&self, id: DefId) -> &Def {
        &self.defs[id.0 as usize]
    }
    pub fn score(&self, id: ScoreId) -> &Score {
        &self.scores[id.0 as usize]
    }
    pub fn grade(&self, id: GradeId) -> &Grade {
        &self.grades[id.0 as usize]
    }

    /// What `name` refers to, as the rules resolve it.
    pub fn lookup(&self, name: &str) -> Option<Name> {
        self.names.get(name)
    }

    /// The declared name of `name`'s target (`stage` for the stage).
    pub fn name_of(&self, name: Name) -> &str {
        match name {
            Name::Field(id) => &self.field(id).name,
            Name::Def(id) => &self.def(id).name,
            Name::Score(id) => &self.score(id).name,
            Name::Grade(id) => &self.grade(id).name,
            Name::Stage => "stage",
        }
    }

    /// The type of the value `name` gives each lead (`number` for a score, the labels' enum for
    /// a grade, the stage enum, optional when a lead may reach no stage).
    pub fn type_of(&self, name: Name) -> Ty {
        match name {
            Name::Field(id) => self.field(id).ty.clone(),
            Name::Def(id) => self.def(id).expr.ty.clone(),
            Name::Score(_) => Ty::Number,
            Name::Grade(id) => self.grade(id).ty.clone(),
            Name::Stage => self.stages.as_ref().map_or(Ty::Error, |s| s.ty.clone()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Schema

#[derive(Debug, Clone)]
pub struct Schema {
    pub fields: Vec<Field>,
    /// The `key` field, if any (else outputs use the 1-based record number as `record`).
    pub key: Option<FieldId>,
    /// How the export is written (the `input` block): kept with the fields because every
    /// reader of the schema needs it, and only readers do.
    pub input: InputSpec,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    /// Input key or column: the `from "…"` name, else `name`.
    pub column: String,
    /// `from "…" (N)`: the Nth column of the CSV header named `column` (from 1); `None` when
    /// the name must appear once.
    pub occurrence: Option<u32>,
    /// `format "…"`: the field's own timestamp layouts (checked), which replace the `input`
    /// block's `timestamps` for it; empty without `format`.
    pub format: Vec<String>,
    /// Scalar, `T?`, `List`, or `Records`.
    pub ty: Ty,
    pub doc: Option<String>,
    pub span: Span,
}

impl Field {
    /// A field read from the column `column`, without `(N)` or `format`.
    pub fn new(name: &str, column: &str, ty: Ty, span: Span) -> Field {
        Field {
            name: name.to_string(),
            column: column.to_string(),
            occurrence: None,
            format: Vec::new(),
            ty,
            doc: None,
            span,
        }
    }
}

impl Schema {
    /// A schema of `fields` read with the default conversions (no `input` block).
    pub fn new(fields: Vec<Field>, key: Option<FieldId>) -> Schema {
        Schema {
            fields,
            key,
            input: InputSpec::default(),
        }
    }

    pub fn field_named(&self, name: &str) -> Option<FieldId> {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .map(|i| FieldId(i as u32))
    }
}

// ---------------------------------------------------------------------------------------------
// Definitions, scores, grades, stages

/// One name of a `# smql: allow(NAME, …)` line above a declaration, with the span of NAME (an
/// unknown name is reported there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// The name as written; it may name no lint.
    pub lint: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Def {
    /// Lints silenced by `# smql: allow(NAME)` above the declaration.
    pub allow: Vec<Allow>,
    pub name: String,
    /// `NAME when …` (a boolean segment) rather than `NAME = …`.
    pub is_segment: bool,
    pub expr: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Score {
    /// Lints silenced by `# smql: allow(NAME)` above the declaration.
    pub allow: Vec<Allow>,
    pub name: String,
    pub entries: Vec<ScoreEntry>,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    pub decay: Option<Decay>,
    pub doc: Option<String>,
    pub span: Span,
}

/// Evaluation (both engines, in this order, so floats agree bit for bit): `total = 0.0`; for each
/// entry in order `total += contribution`; an item contributes `points` or `0.0` (`when`) or
/// `clamp(points * x, -up_to, up_to)` (`per`); a group sums its items the same way from `0.0`
/// and contributes `min(sum, cap)`. Then `max(total, at_least)`, `min(total, at_most)`, then
/// `total * decay_factor(…)` (`crate::eval::math`).
#[derive(Debug, Clone)]
pub enum ScoreEntry {
    Item(ScoreItem),
    Group {
        name: String,
        cap: f64,
        items: Vec<ScoreItem>,
        span: Span,
    },
}

#[derive(Debug, Clone)]
pub struct ScoreItem {
    pub points: f64,
    pub rule: Rule,
    /// The rule's source text as written (`visits >= 3`, `per form_fills up to 15`), for
    /// explanations: shared, so explaining a million rows copies no text.
    pub source: Arc<str>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Rule {
    /// A bare `+P`: every lead gets the points (a base score).
    Always,
    /// Boolean condition.
    When(Expr),
    /// `x` has type `number` (ints wrapped in `ToNumber`).
    Per { x: Expr, up_to: Option<f64> },
}

#[derive(Debug, Clone)]
pub struct Decay {
    /// Fraction lost per period (`10%` → 0.1).
    pub rate: f64,
    pub every_ms: i64,
    /// A present timestamp.
    pub since: Expr,
}

#[derive(Debug, Clone)]
pub struct Grade {
    /// Lints silenced by `# smql: allow(NAME)` above the declaration.
    pub allow: Vec<Allow>,
    pub name: String,
    pub arms: Vec<GradeArm>,
    pub otherwise: String,
    /// `Ty::Enum` of the labels, in first-appearance order.
    pub ty: Ty,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct GradeArm {
    pub label: String,
    pub cond: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Stages {
    /// Lints silenced by `# smql: allow(NAME)` above the declaration.
    pub allow: Vec<Allow>,
    pub path: Vec<StageStep>,
    pub detours: Vec<StageStep>,
    /// `Ty::Enum` with `stage_path_len`; `stage` has this type, optional when the first stage has
    /// a definition (a lead may then reach no stage).
    pub ty: Ty,
    /// The `##` doc comment above `stages` (and, after a blank line, above `detours`).
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct StageStep {
    pub name: String,
    /// The boolean definition; `None` only for an undefined first stage (every lead reaches it).
    pub def: Option<DefId>,
    /// When a lead entered the stage (`MQL at mql_at`): a `timestamp` or `timestamp?`
    /// expression, for reports (velocity, lead flow); `None` without `at`, and for detours.
    pub at: Option<Expr>,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// SLAs and tests

#[derive(Debug, Clone)]
pub struct Sla {
    pub name: String,
    pub owner: String,
    pub kind: SlaKind,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum SlaKind {
    /// `from`/`until` have type `timestamp` or `timestamp?`.
    Deadline {
        population: Expr,
        from: Expr,
        until: Expr,
        within_ms: i64,
        target: f64,
    },
    Condition {
        population: Expr,
        require: Expr,
        target: f64,
    },
    /// `by` has type `timestamp` or `timestamp?` (leads without it are not counted).
    Volume {
        population: Expr,
        by: Expr,
        per: Period,
        at_least: Option<f64>,
        at_most: Option<f64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

#[derive(Debug, Clone)]
pub struct Test {
    /// Lints silenced by `# smql: allow(NAME)` above the declaration.
    pub allow: Vec<Allow>,
    pub name: String,
    /// Fixed `now`, epoch milliseconds.
    pub as_of: Option<i64>,
    /// One value per schema field, in schema order: given values converted as data is (docs/language.md, "How data is read"), zero values
    /// (`0`, `0.0`, `""`, `false`, `[]`, missing, epoch, zero duration, first enum value) for the rest.
    pub lead: Vec<Value>,
    pub expects: Vec<Expect>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Expect {
    /// Boolean.
    pub expr: Expr,
    /// Source text as written.
    pub source: Arc<str>,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Expressions

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Const(Value),
    Field(FieldId),
    Def(DefId),
    Score(ScoreId),
    Grade(GradeId),
    Stage,
    /// The element of an enclosing `where`: `level` 0 is the innermost.
    Elem {
        level: u32,
    },
    /// Field `index` of the record element of an enclosing `where`.
    ElemField {
        level: u32,
        index: u32,
    },
    Now,
    /// `int` → `number`.
    ToNumber(Box<Expr>),
    /// Int (overflow is an error), number or duration.
    Neg(Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// Both operands have the same base type (ints vs numbers already unified by `ToNumber`).
    /// Enums and `stage` compare by position for `<`…`>=`; a stage detour is not ordered.
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// Exact membership of `x` in a list expression.
    In {
        x: Box<Expr>,
        list: Box<Expr>,
        negated: bool,
    },
    /// `[a, b]` (elements of one scalar type).
    ListLit(Vec<Expr>),
    /// Exact: `One` tests one element `arg`; `Any`/`All` take a list `arg`.
    ListContains {
        list: Box<Expr>,
        quant: Quant,
        arg: Box<Expr>,
    },
    /// Case-insensitive substring: `One` takes a string, `Any`/`All` a list of strings.
    TextContains {
        subject: Box<Expr>,
        quant: Quant,
        arg: Box<Expr>,
    },
    StartsWith(Box<Expr>, Box<Expr>),
    EndsWith(Box<Expr>, Box<Expr>),
    Matches(Box<Expr>, Pattern),
    IsPresent(Box<Expr>),
    IsMissing(Box<Expr>),
    /// `x ?? d`
    Coalesce(Box<Expr>, Box<Expr>),
    /// `t within d`: `now - t <= d and t <= now`.
    Within(Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
    /// `count`, `any`, `all`, `earliest`, `latest`, `decayed_count` over a list; `cond` sees the
    /// element as `Elem { level: 0 }`.
    Agg {
        op: AggOp,
        list: Box<Expr>,
        cond: Option<Box<Expr>>,
        half_life_ms: Option<i64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quant {
    One,
    Any,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithOp {
    AddInt,
    SubInt,
    MulInt,
    AddNum,
    SubNum,
    MulNum,
    /// Number / number (ints are converted first); division by zero gives ±inf or NaN as IEEE.
    DivNum,
    /// timestamp + duration
    AddTsDur,
    /// timestamp - duration
    SubTsDur,
    /// timestamp - timestamp → duration
    SubTsTs,
    AddDur,
    SubDur,
    /// duration * number → duration (rounded half away from zero to a millisecond)
    MulDurNum,
    /// string + string
    Concat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggOp {
    Count,
    Any,
    All,
    /// → `timestamp?` of the matching elements' `at` field (`at_field`).
    Earliest {
        at_field: u32,
    },
    Latest {
        at_field: u32,
    },
    /// → number; each match counts `0.5 ^ (age / half_life)`, age = `now - at` clamped at 0.
    DecayedCount {
        at_field: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    Lower,
    Upper,
    Trim,
    /// Characters of a string.
    LenStr,
    LenList,
    /// Text after the last `@`, lowercased (the whole text lowercased when there is no `@`).
    Domain,
    MinInt,
    MaxInt,
    MinNum,
    MaxNum,
    MinTs,
    MaxTs,
    MinDur,
    MaxDur,
    AbsInt,
    AbsNum,
    AbsDur,
    Round,
    Floor,
    Ceil,
    Days,
    Hours,
    Minutes,
}

/// A regex literal, compiled when the rules are checked.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    pub regex: Arc<regex::Regex>,
}
