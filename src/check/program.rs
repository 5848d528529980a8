//! Checking a whole rule set: namespace, schema, order, then every declaration, into a
//! [`Program`].

use super::collect::{Decls, Namespace, Symbol};
use super::cx::Cx;
use super::order::{self, DepWalker, NodeInfo};
use super::{schema, stages};
use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{self, DefId, FieldId, GradeId, Node, Program, ScoreId, Ty};
use crate::source::{SourceMap, Span};
use crate::syntax::ast;
use std::collections::{HashMap, HashSet};

/// Checks the parsed files. Returns the program when this stage found no error (syntax errors
/// are already in `out`; the caller decides).
pub(crate) fn check_files(
    sources: &SourceMap,
    files: &[ast::File],
    syntax_ok: bool,
    out: &mut Diagnostics,
) -> Option<Program> {
    let mut diags = Vec::new();
    let decls = Decls::gather(files, &mut diags);
    let input = super::input::lower(decls.input, &mut diags);
    let schema = match decls.schema {
        Some(s) => schema::lower(s, input, &mut diags),
        None => {
            // A `schema` block with a syntax error is reported as such, not also as missing.
            let broken_schema = !syntax_ok && schema_in_text(sources);
            if let Some((file, _)) = sources.files().next().filter(|_| !broken_schema) {
                diags.push(
                    Diagnostic::error(
                        Code::SchemaMissing,
                        Span::new(file, 0, 0),
                        "the rule set has no `schema`",
                    )
                    .with_help(
                        "describe one input record: `schema { id: string key … }` in any of the files",
                    ),
                );
            }
            ir::Schema::new(Vec::new(), None)
        }
    };
    let ns = namespace(&decls, &mut diags);
    let stage_ty = stages::stage_type(&decls, &ns, &mut diags);
    let grade_tys: Vec<Ty> = decls
        .grades
        .iter()
        .map(|g| super::decls::grade_type(g))
        .collect();

    let nodes = graph(&decls, &ns, &schema.fields);
    let ordered = order::order(&nodes, &mut diags);

    let mut cx = Cx {
        sources,
        ns: &ns,
        fields: &schema.fields,
        def_tys: decls
            .defs
            .iter()
            .map(|d| (d.kind == ast::DefKind::When).then_some(Ty::Bool))
            .collect(),
        grade_tys,
        stage_ty: stage_ty.clone(),
        quiet_unknowns: decls.schema.is_none(),
        broken: if syntax_ok {
            HashSet::new()
        } else {
            declared_in_text(sources, &ns)
        },
        diags,
        elems: Vec::new(),
        present: Vec::new(),
    };

    let mut defs: Vec<Option<ir::Def>> = vec![None; decls.defs.len()];
    let mut scores: Vec<Option<ir::Score>> = vec![None; decls.scores.len()];
    let mut grades: Vec<Option<ir::Grade>> = vec![None; decls.grades.len()];
    let mut stage_steps = None;
    for &i in &ordered.order {
        cx.present.clear();
        match nodes[i].node {
            Node::Def(id) => {
                let k = id.0 as usize;
                let def = super::decls::lower_def(&mut cx, decls.defs[k]);
                if !ordered.cyclic[i] {
                    cx.def_tys[k] = Some(if def.is_segment {
                        Ty::Bool
                    } else {
                        def.expr.ty.clone()
                    });
                }
                defs[k] = Some(def);
            }
            Node::Score(id) => {
                let k = id.0 as usize;
                scores[k] = Some(super::decls::lower_score(&mut cx, decls.scores[k]));
            }
            Node::Grade(id) => {
                let k = id.0 as usize;
                grades[k] = Some(super::decls::lower_grade(
                    &mut cx,
                    decls.grades[k],
                    k,
                    syntax_ok,
                ));
            }
            Node::Stage => stage_steps = Some(stages::lower_steps(&mut cx, &decls)),
        }
    }
    let slas: Vec<ir::Sla> = decls
        .slas
        .iter()
        .filter_map(|s| super::sla::lower_sla(&mut cx, s))
        .collect();
    let tests: Vec<ir::Test> = decls
        .tests
        .iter()
        .map(|t| super::givens::lower_test(&mut cx, t))
        .collect();
    super::decls::check_unique_titles(&decls, &mut cx.diags);

    let has_errors = cx.diags.iter().any(Diagnostic::is_error);
    for d in cx.diags {
        out.push(d);
    }
    if has_errors || decls.schema.is_none() || !syntax_ok {
        return None;
    }
    let stages = match (decls.stages, stage_steps, stage_ty) {
        (Some(s), Some((path, detours)), Some(ty)) => {
            let mut allow = super::decls::allow(&s.attrs);
            if let Some(d) = decls.detours {
                allow.extend(super::decls::allow(&d.attrs));
            }
            // The doc of `stages`, and of `detours` when it has its own.
            let doc = [Some(&s.attrs), decls.detours.map(|d| &d.attrs)]
                .into_iter()
                .flatten()
                .filter_map(|a| a.doc.clone())
                .reduce(|a, b| format!("{a}\n\n{b}"));
            Some(ir::Stages {
                allow,
                path,
                detours,
                ty,
                doc,
                span: s.span,
            })
        }
        _ => None,
    };
    Some(Program {
        schema,
        defs: defs.into_iter().collect::<Option<Vec<_>>>()?,
        scores: scores.into_iter().collect::<Option<Vec<_>>>()?,
        grades: grades.into_iter().collect::<Option<Vec<_>>>()?,
        stages,
        slas,
        tests,
        order: ordered.order.iter().map(|&i| nodes[i].node).collect(),
        names: ns.to_names(),
    })
}

/// Every declared name, first declaration wins.
fn namespace(decls: &Decls, diags: &mut Vec<Diagnostic>) -> Namespace {
    let mut names: Vec<(&str, Span, Symbol)> = Vec::new();
    if let Some(s) = decls.schema {
        for (i, f) in s.fields.iter().enumerate() {
            names.push((&f.name.name, f.name.span, Symbol::Field(FieldId(i as u32))));
        }
    }
    for (i, d) in decls.defs.iter().enumerate() {
        names.push((&d.name.name, d.name.span, Symbol::Def(DefId(i as u32))));
    }
    for (i, s) in decls.scores.iter().enumerate() {
        names.push((&s.name.name, s.name.span, Symbol::Score(ScoreId(i as u32))));
    }
    for (i, g) in decls.grades.iter().enumerate() {
        names.push((&g.name.name, g.name.span, Symbol::Grade(GradeId(i as u32))));
    }
    if let Some(s) = decls.stages {
        names.push(("stage", s.span, Symbol::Stage));
    }
    let mut ns = Namespace::build(names, diags);
    let first = decls.stages.and_then(|s| s.path.first());
    ns.on_path = first
        .filter(|f| ns.get(&f.name).is_none() && !crate::syntax::words::is_reserved(&f.name))
        .map(|f| f.name.clone());
    ns
}

/// The dependency graph: one node per definition, score, grade and the stage.
fn graph(decls: &Decls, ns: &Namespace, fields: &[ir::Field]) -> Vec<NodeInfo> {
    let mut nodes = Vec::new();
    for (i, d) in decls.defs.iter().enumerate() {
        nodes.push(info(Node::Def(DefId(i as u32)), &d.name));
    }
    for (i, s) in decls.scores.iter().enumerate() {
        nodes.push(info(Node::Score(ScoreId(i as u32)), &s.name));
    }
    for (i, g) in decls.grades.iter().enumerate() {
        nodes.push(info(Node::Grade(GradeId(i as u32)), &g.name));
    }
    if let Some(s) = decls.stages {
        nodes.push(NodeInfo {
            node: Node::Stage,
            name: "stage".into(),
            span: s.span,
            deps: Vec::new(),
        });
    }
    let index: HashMap<Node, usize> = nodes.iter().enumerate().map(|(i, n)| (n.node, i)).collect();
    let mut walker = DepWalker::new(ns, fields, &index);
    for node in nodes.iter_mut() {
        let mut deps = Vec::new();
        match node.node {
            Node::Def(id) => walker.expr(&decls.defs[id.0 as usize].expr, &mut deps),
            Node::Score(id) => {
                for e in super::decls::score_exprs(decls.scores[id.0 as usize]) {
                    walker.expr(e, &mut deps);
                }
            }
            Node::Grade(id) => {
                for arm in &decls.grades[id.0 as usize].arms {
                    walker.expr(&arm.cond, &mut deps);
                }
            }
            Node::Stage => {
                for name in stages::step_names(decls) {
                    if let Some(Symbol::Def(id)) = ns.get(&name.name) {
                        if let Some(&i) = index.get(&Node::Def(id)) {
                            if !deps.contains(&i) {
                                deps.push(i);
                            }
                        }
                    }
                }
            }
        }
        node.deps = deps;
    }
    nodes
}

fn info(node: Node, name: &ast::Ident) -> NodeInfo {
    NodeInfo {
        node,
        name: name.name.clone(),
        span: name.span,
        deps: Vec::new(),
    }
}

/// Whether some line of the sources starts a `schema` block (whose declaration did not parse).
fn schema_in_text(sources: &SourceMap) -> bool {
    sources.files().any(|(_, file)| {
        file.text.lines().any(|line| {
            line.strip_prefix("schema")
                .is_some_and(|rest| rest.trim_start().starts_with('{'))
        })
    })
}

/// Names that some line of the sources seems to declare (`NAME when`, `NAME =`, `score NAME`,
/// `grade NAME`) but that are not in the namespace: their declarations had syntax errors.
fn declared_in_text(sources: &SourceMap, ns: &Namespace) -> HashSet<String> {
    let is_ident = |w: &str| {
        let mut chars = w.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let mut out = HashSet::new();
    for (_, file) in sources.files() {
        for line in file.text.lines() {
            let mut words = line.split_whitespace();
            let (Some(a), Some(b)) = (words.next(), words.next()) else {
                continue;
            };
            let name = match (a, b) {
                ("score" | "grade", n) => n.trim_end_matches('{'),
                (n, "when" | "=") => n,
                (n, _) if n.ends_with('=') => n.trim_end_matches('='),
                _ => continue,
            };
            if is_ident(name) && ns.get(name).is_none() {
                out.insert(name.to_string());
            }
        }
    }
    out
}
