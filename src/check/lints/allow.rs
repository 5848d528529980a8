//! `unknown_lint`: an allowance that names no lint (`# smql: allow(stage_skipp)`).
//!
//! The IR keeps allowances as names only, so the comment is found again in the source: the
//! comment lines directly above the declaration are searched for the name inside `allow(…)`.

use super::{Cx, LINTS, UNKNOWN_LINT};
use crate::diag::{did_you_mean, Diagnostic};
use crate::source::{SourceMap, Span};

pub(super) fn unknown_lints(cx: &mut Cx) {
    let program = cx.program;
    let mut owners: Vec<(&[String], Span)> = Vec::new();
    owners.extend(program.defs.iter().map(|d| (d.allow.as_slice(), d.span)));
    owners.extend(program.scores.iter().map(|s| (s.allow.as_slice(), s.span)));
    owners.extend(program.grades.iter().map(|g| (g.allow.as_slice(), g.span)));
    owners.extend(program.stages.iter().map(|s| (s.allow.as_slice(), s.span)));
    owners.extend(program.tests.iter().map(|t| (t.allow.as_slice(), t.span)));
    for (allow, decl) in owners {
        for name in allow {
            if LINTS.iter().any(|(n, _)| n == name) {
                continue;
            }
            let span = allow_span(cx.sources, decl, name).unwrap_or(decl);
            let mut d = Diagnostic::warning(UNKNOWN_LINT, span, format!("unknown lint `{name}`"))
                .label("not a lint name");
            let names = LINTS.iter().map(|(n, _)| *n);
            d = match did_you_mean(name, names) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!(
                    "the lints are {}",
                    LINTS
                        .iter()
                        .map(|(n, _)| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            cx.out.push(d);
        }
    }
}

/// The span of `name` in an `allow(…)` comment among the comment lines just above `decl`.
fn allow_span(sources: &SourceMap, decl: Span, name: &str) -> Option<Span> {
    let file = sources.file(decl.file);
    let text = &file.text;
    let decl_start = (decl.start as usize).min(text.len());
    let offset = text.get(..decl_start)?.rfind('\n').map_or(0, |i| i + 1);
    let mut end = offset;
    while end > 0 {
        let start = text.get(..end - 1)?.rfind('\n').map_or(0, |i| i + 1);
        let line = text.get(start..end - 1)?;
        if !line.trim_start().starts_with('#') {
            break;
        }
        if let Some(open) = line.find("allow(") {
            let inner_start = open + "allow(".len();
            let inner_end = line[inner_start..]
                .find(')')
                .map_or(line.len(), |i| inner_start + i);
            let mut pos = inner_start;
            for part in line[inner_start..inner_end].split(',') {
                let lead = part.len() - part.trim_start().len();
                if part.trim() == name {
                    let s = start + pos + lead;
                    return Some(Span::new(decl.file, s, s + name.len()));
                }
                pos += part.len() + 1;
            }
        }
        end = start;
    }
    None
}
