//! The glossary of a checked rule set: its sections and entries, in an order that does not
//! depend on the order of the files (SPEC §1: order does not matter, so the glossary shows none).
//!
//! Lifecycle follows the path; definitions, scores, grades and SLAs are alphabetical (ignoring
//! case); fields keep the schema's order, which is the export's. The IR gives meanings, types and
//! references; the formatted source gives the text that is shown.

use std::collections::HashMap;

use super::anchors;
use super::formatted::{one_line, Formatted, Key};
use super::model::{Entry, Glossary, Inline, Link, Location, Section};
use super::refs::{Refs, Target};
use crate::ir::{DefId, FieldId, GradeId, Program, ScoreId, SlaKind, StageStep, Ty};
use crate::source::{SourceMap, Span};
use crate::RuleSet;

/// The glossary of `rules`.
pub fn glossary(rules: &RuleSet) -> Glossary {
    let b = Builder::new(&rules.program, &rules.sources);
    let sections = b
        .sections
        .iter()
        .map(|(title, anchor, targets)| Section {
            title,
            anchor,
            doc: match *anchor {
                "section-fields" => b
                    .formatted
                    .item(&Key::Schema)
                    .and_then(|i| i.attrs().doc.clone()),
                _ => None,
            },
            entries: targets.iter().map(|&t| b.entry(t)).collect(),
        })
        .filter(|s| !s.entries.is_empty())
        .collect();
    Glossary {
        files: rules.sources.files().map(|(_, f)| f.name.clone()).collect(),
        tests: rules.program.tests.len(),
        sections,
    }
}

type SectionTargets = (&'static str, &'static str, Vec<Target>);

pub(super) struct Builder<'r> {
    pub(super) program: &'r Program,
    sources: &'r SourceMap,
    pub(super) refs: Refs,
    pub(super) formatted: Formatted,
    sections: Vec<SectionTargets>,
    /// Place of each target in the glossary, for ordering links as the entries are ordered.
    position: HashMap<Target, usize>,
    anchors: HashMap<Target, String>,
}

impl<'r> Builder<'r> {
    fn new(program: &'r Program, sources: &'r SourceMap) -> Builder<'r> {
        let refs = Refs::new(program);
        let sections = sections(program, &refs);
        let mut b = Builder {
            program,
            sources,
            refs,
            formatted: Formatted::new(sources),
            sections: Vec::new(),
            position: HashMap::new(),
            anchors: HashMap::new(),
        };
        let targets = || sections.iter().flat_map(|s| s.2.iter().copied());
        b.position = targets().enumerate().map(|(i, t)| (t, i)).collect();
        let wanted = targets()
            .map(|t| (t, b.wanted_anchor(t), b.name(t)))
            .collect();
        b.anchors = anchors::unique(wanted);
        b.sections = sections;
        b
    }

    fn step(&self, i: usize) -> Option<&'r StageStep> {
        let s = self.program.stages.as_ref()?;
        s.path
            .get(i)
            .or_else(|| s.detours.get(i.checked_sub(s.path.len())?))
    }

    /// The name or title of a target (`stage` for the path, as expressions call it).
    pub(super) fn name(&self, t: Target) -> &'r str {
        let p = self.program;
        match t {
            Target::Path => "stage",
            Target::Stage(i) => self.step(i).map_or("", |s| s.name.as_str()),
            Target::Field(id) => &p.field(id).name,
            Target::Def(id) => &p.def(id).name,
            Target::Score(id) => &p.score(id).name,
            Target::Grade(id) => &p.grade(id).name,
            Target::Sla(i) => p.slas.get(i).map_or("", |s| s.name.as_str()),
        }
    }

    fn wanted_anchor(&self, t: Target) -> String {
        let prefix = match t {
            Target::Path => return "stages".to_string(),
            Target::Stage(_) => "stage",
            Target::Field(_) => "field",
            Target::Def(_) => "definition",
            Target::Score(_) => "score",
            Target::Grade(_) => "grade",
            Target::Sla(_) => "sla",
        };
        anchors::anchor(prefix, self.name(t))
    }

    pub(super) fn link(&self, t: Target) -> Link {
        Link {
            text: self.name(t).to_string(),
            anchor: self.anchors.get(&t).cloned().unwrap_or_default(),
            code: !matches!(t, Target::Sla(_)),
        }
    }

    fn links(&self, targets: impl Iterator<Item = Target>) -> Vec<Link> {
        let mut ts: Vec<Target> = targets.collect();
        ts.sort_by_key(|t| self.position.get(t).copied().unwrap_or(usize::MAX));
        ts.dedup();
        ts.into_iter().map(|t| self.link(t)).collect()
    }

    fn location(&self, span: Span) -> Location {
        let file = self.sources.file(span.file);
        Location {
            file: file.name.clone(),
            line: file.line_col(span.start).0,
        }
    }

    /// An expression in running text: a link when it is a bare name, else its formatted text
    /// (`formatted`, from the formatted file) or, failing that, its text as written.
    pub(super) fn phrase(&self, e: &crate::ir::Expr, formatted: Option<Span>) -> Inline {
        match self.refs.bare(e) {
            Some(t) if self.anchors.contains_key(&t) => Inline::Link(self.link(t)),
            _ => Inline::Code(self.expr_text(e, formatted)),
        }
    }

    pub(super) fn expr_text(&self, e: &crate::ir::Expr, formatted: Option<Span>) -> String {
        match formatted {
            Some(span) => self.formatted.inline(span),
            None => one_line(self.sources.slice(e.span)),
        }
    }

    fn entry(&self, t: Target) -> Entry {
        let p = self.program;
        let mut e = Entry {
            anchor: self.anchors.get(&t).cloned().unwrap_or_default(),
            name: self.name(t).to_string(),
            name_is_code: true,
            category: "definition",
            kind: String::new(),
            ty: None,
            facts: Vec::new(),
            location: Location {
                file: String::new(),
                line: 0,
            },
            doc: None,
            summary: Vec::new(),
            table: None,
            rule: None,
            uses: Some(self.links(self.refs.uses(t))),
            used_by: Some(self.links(self.refs.used_by(t))),
            needs_doc: true,
        };
        match t {
            Target::Path => self.path_entry(&mut e),
            Target::Stage(i) => self.stage_entry(i, &mut e),
            Target::Def(id) => self.def_entry(id, &mut e),
            Target::Score(id) => {
                let s = p.score(id);
                e.category = "score";
                e.kind = "score".into();
                e.ty = Some(Ty::Number.to_string());
                e.location = self.location(s.span);
                e.doc = s.doc.clone();
                e.table = Some(self.score_table(id));
                e.rule = self.formatted.text(&Key::Score(s.name.clone()));
            }
            Target::Grade(id) => {
                let g = p.grade(id);
                e.category = "grade";
                e.kind = "grade".into();
                e.ty = Some(g.ty.to_string());
                e.location = self.location(g.span);
                e.doc = g.doc.clone();
                e.rule = self.formatted.text(&Key::Grade(g.name.clone()));
            }
            Target::Sla(i) => self.sla_entry(i, &mut e),
            Target::Field(id) => self.field_entry(id, &mut e),
        }
        e
    }

    fn path_entry(&self, e: &mut Entry) {
        let Some(stages) = &self.program.stages else {
            return;
        };
        e.name = "The stage path".into();
        e.name_is_code = false;
        e.category = "stage path";
        e.kind = "lifecycle".into();
        let (n, m) = (stages.path.len(), stages.detours.len());
        e.facts.push(vec![Inline::Text(format!(
            "{n} {}, {m} {}",
            plural(n, "stage", "stages"),
            plural(m, "detour", "detours")
        ))]);
        e.location = self.location(stages.span);
        e.doc = stages.doc.clone();
        let mut path = Vec::new();
        for i in 0..n {
            if i > 0 {
                path.push(Inline::Text(" → ".into()));
            }
            path.push(Inline::Link(self.link(Target::Stage(i))));
        }
        if m > 0 {
            path.push(Inline::Text("; detours: ".into()));
            for i in 0..m {
                if i > 0 {
                    path.push(Inline::Text(", ".into()));
                }
                path.push(Inline::Link(self.link(Target::Stage(n + i))));
            }
        }
        e.summary.push(path);
        let otherwise = if stages.path.first().is_some_and(|s| s.def.is_none()) {
            "else the first stage, which every lead reaches"
        } else {
            "else none"
        };
        let detours = if m > 0 {
            "the first detour whose definition holds, in the order listed; else "
        } else {
            ""
        };
        e.summary.push(vec![
            Inline::Text("A lead's ".into()),
            Inline::Code("stage".into()),
            Inline::Text(format!(
                " is {detours}the furthest stage of the path whose definition holds; {otherwise}."
            )),
        ]);
        let text: Vec<String> = [Key::Stages, Key::Detours]
            .iter()
            .filter_map(|k| self.formatted.text(k))
            .collect();
        e.rule = (!text.is_empty()).then(|| text.join("\n"));
    }

    fn stage_entry(&self, i: usize, e: &mut Entry) {
        let Some((stages, step)) = self.program.stages.as_ref().zip(self.step(i)) else {
            return;
        };
        let n = stages.path.len();
        if i < n {
            e.category = "stage";
            e.kind = format!("stage {} of {n}", i + 1);
        } else {
            e.category = "detour";
            e.kind = format!("detour {} of {}", i - n + 1, stages.detours.len());
            e.summary.push(vec![Inline::Text(
                "A lead for whom this holds is here, off the path, whatever stage it reached \
                 (unless an earlier detour holds too)."
                    .into(),
            )]);
        }
        match step.def {
            Some(id) => {
                let d = self.program.def(id);
                e.ty = Some(d.expr.ty.to_string());
                e.location = self.location(d.span);
                e.doc = d.doc.clone();
                e.rule = self.formatted.text(&Key::Def(d.name.clone()));
            }
            None => {
                e.location = self.location(step.span);
                e.summary.push(vec![Inline::Text(
                    "No definition: every lead reaches it.".into(),
                )]);
                e.needs_doc = false;
                e.uses = None;
                e.used_by = None;
            }
        }
    }

    fn def_entry(&self, id: DefId, e: &mut Entry) {
        let d = self.program.def(id);
        e.kind = "definition".into();
        e.ty = Some(d.expr.ty.to_string());
        e.location = self.location(d.span);
        e.doc = d.doc.clone();
        e.rule = self.formatted.text(&Key::Def(d.name.clone()));
    }

    fn sla_entry(&self, i: usize, e: &mut Entry) {
        let Some(s) = self.program.slas.get(i) else {
            return;
        };
        e.name_is_code = false;
        e.category = "SLA";
        e.kind = match s.kind {
            SlaKind::Deadline { .. } => "deadline SLA",
            SlaKind::Condition { .. } => "condition SLA",
            SlaKind::Volume { .. } => "volume SLA",
        }
        .into();
        e.facts.push(vec![
            Inline::Text("owned by ".into()),
            Inline::Strong(s.owner.clone()),
        ]);
        e.location = self.location(s.span);
        e.doc = s.doc.clone();
        e.summary.push(self.sla_sentence(i));
        e.rule = self.formatted.text(&Key::Sla(s.name.clone()));
        e.used_by = None;
        e.needs_doc = false;
    }

    fn field_entry(&self, id: FieldId, e: &mut Entry) {
        let f = self.program.field(id);
        e.category = "field";
        e.kind = "field".into();
        e.ty = Some(f.ty.to_string());
        e.facts.push(vec![
            Inline::Text("column ".into()),
            Inline::Code(f.column.clone()),
        ]);
        if self.program.schema.key == Some(id) {
            e.facts.push(vec![Inline::Text("the key".into())]);
        }
        e.location = self.location(f.span);
        e.doc = f.doc.clone();
        e.uses = None;
        e.needs_doc = false;
    }
}

/// The targets of each section, in glossary order.
fn sections(p: &Program, refs: &Refs) -> Vec<SectionTargets> {
    let by_name = |mut v: Vec<(&str, Target)>| -> Vec<Target> {
        v.sort_by(|a, b| (a.0.to_lowercase(), a.0).cmp(&(b.0.to_lowercase(), b.0)));
        v.into_iter().map(|(_, t)| t).collect()
    };
    let ids = |n: usize| (0..n).map(|i| i as u32);
    let lifecycle = match &p.stages {
        Some(s) => std::iter::once(Target::Path)
            .chain((0..s.path.len() + s.detours.len()).map(Target::Stage))
            .collect(),
        None => Vec::new(),
    };
    let defs = ids(p.defs.len())
        .map(DefId)
        .filter(|&id| refs.def(id) == Target::Def(id))
        .map(|id| (p.def(id).name.as_str(), Target::Def(id)))
        .collect();
    let scores = ids(p.scores.len())
        .map(|i| {
            (
                p.scores[i as usize].name.as_str(),
                Target::Score(ScoreId(i)),
            )
        })
        .collect();
    let grades = ids(p.grades.len())
        .map(|i| {
            (
                p.grades[i as usize].name.as_str(),
                Target::Grade(GradeId(i)),
            )
        })
        .collect();
    let slas = p
        .slas
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), Target::Sla(i)))
        .collect();
    let fields = ids(p.schema.fields.len())
        .map(|i| Target::Field(FieldId(i)))
        .collect();
    vec![
        ("Lifecycle", "section-lifecycle", lifecycle),
        ("Definitions", "section-definitions", by_name(defs)),
        ("Scores", "section-scores", by_name(scores)),
        ("Grades", "section-grades", by_name(grades)),
        ("SLAs", "section-slas", by_name(slas)),
        ("Fields", "section-fields", fields),
    ]
}

pub(super) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}
