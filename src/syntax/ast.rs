//! Abstract syntax of SMQL 1, as parsed, with a span on every node.
//!
//! The parser builds this; the checker resolves and types it into the IR (`crate::ir`). Nothing
//! else reads the AST except the formatter and lints that need the source text as written.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal's decoded value and the span of the literal (quotes included).
#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// One parsed file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub items: Vec<Item>,
}

/// What precedes a declaration: `##` doc lines and `# smql: allow(NAME)` lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attrs {
    /// Doc comment text, `##` and one following space stripped, lines joined with `\n`.
    pub doc: Option<String>,
    /// Lint names from `# smql: allow(a, b)` lines directly above the declaration.
    pub allow: Vec<Ident>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Schema(Schema),
    Input(Input),
    Def(Def),
    Score(Score),
    Grade(Grade),
    Stages(Stages),
    Detours(Detours),
    Sla(Sla),
    Test(Test),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Schema(x) => x.span,
            Item::Input(x) => x.span,
            Item::Def(x) => x.span,
            Item::Score(x) => x.span,
            Item::Grade(x) => x.span,
            Item::Stages(x) => x.span,
            Item::Detours(x) => x.span,
            Item::Sla(x) => x.span,
            Item::Test(x) => x.span,
        }
    }

    pub fn attrs(&self) -> &Attrs {
        match self {
            Item::Schema(x) => &x.attrs,
            Item::Input(x) => &x.attrs,
            Item::Def(x) => &x.attrs,
            Item::Score(x) => &x.attrs,
            Item::Grade(x) => &x.attrs,
            Item::Stages(x) => &x.attrs,
            Item::Detours(x) => &x.attrs,
            Item::Sla(x) => &x.attrs,
            Item::Test(x) => &x.attrs,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Schema

#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub attrs: Attrs,
    /// The `schema` keyword.
    pub keyword: Span,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

/// `name: TYPE [key] [from "…" [(N)]] [format "…", …]`, also used for the fields of
/// `list of { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    pub attrs: Attrs,
    pub name: Ident,
    pub ty: TypeExpr,
    /// Span of the `key` marker.
    pub key: Option<Span>,
    pub from: Option<StrLit>,
    /// `(N)` after `from "…"`: which of the header's columns of that name.
    pub occurrence: Option<Occurrence>,
    pub format: Option<FieldFormat>,
    pub span: Span,
}

/// `(2)` after a `from` name; the span covers the parentheses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Occurrence {
    pub value: u64,
    pub span: Span,
}

/// `format "%d.%m.%Y", …`: the field's own timestamp layouts.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldFormat {
    /// The `format` keyword.
    pub keyword: Span,
    pub layouts: Vec<StrLit>,
}

// ---------------------------------------------------------------------------------------------
// Input

/// `input { … }`: how the export the schema reads is written (docs/language.md, "Your CRM's
/// export").
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub attrs: Attrs,
    /// The `input` keyword.
    pub keyword: Span,
    pub lines: Vec<InputLine>,
    pub span: Span,
}

/// One line of `input`: its keyword and its strings.
#[derive(Debug, Clone, PartialEq)]
pub struct InputLine {
    pub key: InputKey,
    /// The keyword (`time zone` is two words).
    pub keyword: Span,
    pub values: Vec<StrLit>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputKey {
    Delimiter,
    TimeZone,
    Timestamps,
    Missing,
    Numbers,
    Currency,
    Footer,
}

impl InputKey {
    /// The keyword as written.
    pub fn keyword(self) -> &'static str {
        match self {
            InputKey::Delimiter => "delimiter",
            InputKey::TimeZone => "time zone",
            InputKey::Timestamps => "timestamps",
            InputKey::Missing => "missing",
            InputKey::Numbers => "numbers",
            InputKey::Currency => "currency",
            InputKey::Footer => "footer",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    /// Span of the trailing `?`.
    pub optional: Option<Span>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeExprKind {
    Int,
    Number,
    String,
    Bool,
    Timestamp,
    Duration,
    /// `one of ("a", "b")`
    OneOf(Vec<StrLit>),
    /// `list of T` (T is scalar or `one of`)
    List(Box<TypeExpr>),
    /// `list of { field: T, … }`
    Records(Vec<FieldDecl>),
}

// ---------------------------------------------------------------------------------------------
// Definitions, scores, grades, stages

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    /// `NAME when EXPR`: a boolean segment.
    When,
    /// `NAME = EXPR`
    Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Def {
    pub attrs: Attrs,
    pub name: Ident,
    pub kind: DefKind,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub attrs: Attrs,
    pub name: Ident,
    pub lines: Vec<ScoreLine>,
    pub span: Span,
}

/// A signed literal amount, as in `+10`, `-2.5`, `up to 15`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amount {
    pub value: f64,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScoreLine {
    Item(ScoreItem),
    /// `group "name" up to N { items }`
    Group {
        name: StrLit,
        up_to: Amount,
        items: Vec<ScoreItem>,
        span: Span,
    },
    /// `at least N`
    AtLeast(Amount),
    /// `at most N`
    AtMost(Amount),
    /// `decay R every D since T`; `rate` is a fraction (`50%` = 0.5).
    Decay {
        rate: Amount,
        every: Expr,
        since: Expr,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoreItem {
    /// `+10` → 10, `-30` → -30.
    pub points: Amount,
    pub rule: ScoreRule,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScoreRule {
    /// Nothing after the points: every lead gets them (`+9`, a base score).
    Always,
    /// `when COND`
    When(Expr),
    /// `per X [up to N]`
    Per { x: Expr, up_to: Option<Amount> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    pub attrs: Attrs,
    pub name: Ident,
    pub arms: Vec<GradeArm>,
    /// `else "D"`; the parser reports its absence, so the checker may rely on it when present.
    pub otherwise: Option<StrLit>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GradeArm {
    pub label: StrLit,
    pub cond: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stages {
    pub attrs: Attrs,
    pub path: Vec<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Detours {
    pub attrs: Attrs,
    pub names: Vec<Ident>,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// SLAs

#[derive(Debug, Clone, PartialEq)]
pub struct Sla {
    pub attrs: Attrs,
    pub name: StrLit,
    pub lines: Vec<SlaLine>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SlaLine {
    pub kind: SlaLineKind,
    /// The line's keyword (`owner`, `for`, `at least`, …).
    pub keyword: Span,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SlaLineKind {
    Owner(Ident),
    For(Expr),
    From(Expr),
    Until(Expr),
    Within(Expr),
    Target(Expr),
    Require(Expr),
    Count(Expr),
    By(Expr),
    /// `per day|week|month|quarter|year` (validated by the checker).
    Per(Ident),
    AtLeast(Expr),
    AtMost(Expr),
}

impl SlaLineKind {
    /// The line's keyword as written (`at least`).
    pub fn keyword(&self) -> &'static str {
        match self {
            SlaLineKind::Owner(_) => "owner",
            SlaLineKind::For(_) => "for",
            SlaLineKind::From(_) => "from",
            SlaLineKind::Until(_) => "until",
            SlaLineKind::Within(_) => "within",
            SlaLineKind::Target(_) => "target",
            SlaLineKind::Require(_) => "require",
            SlaLineKind::Count(_) => "count",
            SlaLineKind::By(_) => "by",
            SlaLineKind::Per(_) => "per",
            SlaLineKind::AtLeast(_) => "at least",
            SlaLineKind::AtMost(_) => "at most",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests

#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    pub attrs: Attrs,
    pub name: StrLit,
    /// `as of EXPR` (a constant timestamp such as `date("2026-11-01")`).
    pub as_of: Option<Expr>,
    pub given: Vec<GivenField>,
    pub expects: Vec<Expect>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GivenField {
    pub name: Ident,
    pub value: DataLit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub expr: Expr,
    pub span: Span,
}

/// A value written as data would be (docs/language.md, "Tests"): converted by the rules of docs/language.md, "How data is read" against the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct DataLit {
    pub kind: DataLitKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DataLitKind {
    Int(i64),
    Number(f64),
    Str(String),
    Bool(bool),
    /// `missing` (a `T?` field left absent explicitly)
    Missing,
    List(Vec<DataLit>),
    Record(Vec<(Ident, DataLit)>),
}

// ---------------------------------------------------------------------------------------------
// Expressions

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Coalesce,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Coalesce => "??",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

/// `contains x` / `contains any [..]` / `contains all [..]`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    One,
    Any,
    All,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Int(i64),
    /// Decimal or percent literal (`95%` is 0.95).
    Number(f64),
    Str(String),
    Bool(bool),
    /// Duration literal in milliseconds (`30m` → 1_800_000).
    Duration(i64),
    Now,
    /// `it` inside `where`.
    It,
    /// A bare name: field, definition, score, grade, `stage`, or (inside `where`) element field.
    Name(Ident),
    /// `it.name` or `lead.name`.
    Path {
        root: PathRoot,
        root_span: Span,
        field: Ident,
    },
    /// `[a, b, c]`
    List(Vec<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `x in L`, `x not in L`
    In {
        x: Box<Expr>,
        list: Box<Expr>,
        negated: bool,
    },
    /// `list_field "lit"`: sugar for `"lit" in list_field`.
    Has {
        list: Box<Expr>,
        value: StrLit,
    },
    /// `a contains b`, `a contains any b`, `a contains all b` (list membership or text search,
    /// decided by the type of `a`).
    Contains {
        subject: Box<Expr>,
        quant: Quantifier,
        arg: Box<Expr>,
    },
    StartsWith(Box<Expr>, Box<Expr>),
    EndsWith(Box<Expr>, Box<Expr>),
    /// `s matches "regex"`; the pattern must be a literal.
    Matches(Box<Expr>, Box<Expr>),
    IsPresent(Box<Expr>),
    IsMissing(Box<Expr>),
    /// `t within 30d`
    Within(Box<Expr>, Box<Expr>),
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `f(args)`; list aggregates take a `Where` as their first argument.
    Call {
        func: Ident,
        args: Vec<Expr>,
    },
    /// `L where C`, only valid as the first argument of `count`, `any`, `all`, `earliest`,
    /// `latest`, `decayed_count`.
    Where {
        list: Box<Expr>,
        cond: Box<Expr>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRoot {
    It,
    Lead,
}
