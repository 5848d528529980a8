//! Declarations of every file gathered into one namespace (docs/language.md, "Rule sets and files": order does not matter).

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::syntax::ast;
use std::collections::HashMap;

/// What a name in the lead namespace refers to: the IR's [`crate::ir::Name`], which the program
/// keeps (`Program::names`).
pub(crate) use crate::ir::Name as Symbol;

/// Every declaration of the rule set, in source order (files in map order, items as written).
/// Duplicates stay in these lists (so their bodies are still checked) but only the first
/// declaration of a name is in the [`Namespace`].
#[derive(Default)]
pub(crate) struct Decls<'a> {
    pub schema: Option<&'a ast::Schema>,
    pub input: Option<&'a ast::Input>,
    pub defs: Vec<&'a ast::Def>,
    pub scores: Vec<&'a ast::Score>,
    pub grades: Vec<&'a ast::Grade>,
    pub stages: Option<&'a ast::Stages>,
    pub detours: Option<&'a ast::Detours>,
    pub slas: Vec<&'a ast::Sla>,
    pub tests: Vec<&'a ast::Test>,
}

impl<'a> Decls<'a> {
    /// Sorts the items of every file by kind; reports a second `schema`, `stages` or `detours`.
    pub fn gather(files: &'a [ast::File], diags: &mut Vec<Diagnostic>) -> Decls<'a> {
        let mut d = Decls::default();
        for item in files.iter().flat_map(|f| &f.items) {
            match item {
                ast::Item::Schema(s) => match d.schema {
                    None => d.schema = Some(s),
                    Some(first) => diags.push(
                        Diagnostic::error(
                            Code::SchemaDuplicate,
                            s.keyword,
                            "a second `schema`: a rule set has exactly one",
                        )
                        .label("second schema")
                        .with_secondary(first.keyword, "first schema here")
                        .with_help("merge the fields into one `schema` block"),
                    ),
                },
                ast::Item::Input(b) => match d.input {
                    None => d.input = Some(b),
                    Some(first) => diags.push(
                        Diagnostic::error(
                            Code::InputDuplicate,
                            b.keyword,
                            "a second `input` block: a rule set has at most one",
                        )
                        .label("second block")
                        .with_secondary(first.keyword, "first block here")
                        .with_help("merge the lines into one `input` block"),
                    ),
                },
                ast::Item::Def(x) => d.defs.push(x),
                ast::Item::Score(x) => d.scores.push(x),
                ast::Item::Grade(x) => d.grades.push(x),
                ast::Item::Stages(s) => match d.stages {
                    None => d.stages = Some(s),
                    Some(first) => diags.push(second_decl("stages", s.span, first.span)),
                },
                ast::Item::Detours(s) => match d.detours {
                    None => d.detours = Some(s),
                    Some(first) => diags.push(second_decl("detours", s.span, first.span)),
                },
                ast::Item::Sla(x) => d.slas.push(x),
                ast::Item::Test(x) => d.tests.push(x),
            }
        }
        d
    }
}

fn second_decl(what: &str, second: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::StageDuplicate,
        second,
        format!("a second `{what}` declaration: a rule set has at most one"),
    )
    .label("second declaration")
    .with_secondary(first, "first declared here")
    .with_help(format!("list every name in one `{what}` line"))
}

/// The lead namespace: fields, definitions, scores, grades and `stage`, shared by all files.
#[derive(Default)]
pub(crate) struct Namespace {
    map: HashMap<String, (Symbol, Span)>,
    /// The first stage when it is left undefined: its name means "the lead is on the path"
    /// (`stage >= "Lead"`), which is not a symbol of its own.
    pub on_path: Option<String>,
}

impl Namespace {
    /// Builds the namespace from declarations given as `(name, span, symbol)`; reports every
    /// second declaration of a name, pointing at both places.
    pub fn build(mut decls: Vec<(&str, Span, Symbol)>, diags: &mut Vec<Diagnostic>) -> Namespace {
        // Source order decides which declaration is the first, whatever the item kind.
        decls.sort_by_key(|(_, span, _)| *span);
        let mut ns = Namespace::default();
        for (name, span, sym) in decls {
            if crate::syntax::words::is_reserved(name) {
                diags.push(
                    Diagnostic::error(
                        Code::NameReserved,
                        span,
                        format!("`{name}` is a reserved word and cannot be a name"),
                    )
                    .with_help(format!("choose another name, such as `{name}_`")),
                );
                continue;
            }
            if let Some((_, first)) = ns.map.get(name) {
                diags.push(duplicate(name, span, *first));
                continue;
            }
            ns.map.insert(name.to_string(), (sym, span));
        }
        ns
    }

    pub fn get(&self, name: &str) -> Option<Symbol> {
        self.map.get(name).map(|(s, _)| *s)
    }

    pub fn span_of(&self, name: &str) -> Option<Span> {
        self.map.get(name).map(|(_, s)| *s)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    /// The namespace without spans, for the program.
    pub fn to_names(&self) -> crate::ir::Names {
        crate::ir::Names::new(
            self.map
                .iter()
                .map(|(name, (sym, _))| (name.clone(), *sym))
                .collect(),
        )
    }
}

/// "declared twice" with both places (the second label may be in another file).
pub(crate) fn duplicate(name: &str, second: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::NameDuplicate,
        second,
        format!("the name `{name}` is declared twice"),
    )
    .label("declared again here")
    .with_secondary(first, "first declared here")
    .with_help(
        "fields, definitions, scores, grades and `stage` share one namespace across all files; \
         rename or remove one of them",
    )
}
