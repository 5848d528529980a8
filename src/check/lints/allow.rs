//! `unknown_lint`: an allowance that names no lint (`# smql: allow(stage_skipp)`), reported at
//! the name, whose span the IR keeps.

use super::Cx;
use crate::diag::{did_you_mean, Code, Diagnostic, Lint};
use crate::ir::Allow;

pub(super) fn unknown_lints(cx: &mut Cx) {
    let program = cx.program;
    let owners = program
        .defs
        .iter()
        .map(|d| &d.allow)
        .chain(program.scores.iter().map(|s| &s.allow))
        .chain(program.grades.iter().map(|g| &g.allow))
        .chain(program.stages.iter().map(|s| &s.allow))
        .chain(program.tests.iter().map(|t| &t.allow));
    for allow in owners.flatten() {
        if Lint::from_name(&allow.lint).is_none() {
            cx.out.push(unknown(allow));
        }
    }
}

fn unknown(allow: &Allow) -> Diagnostic {
    let name = &allow.lint;
    let d = Diagnostic::warning(
        Code::UnknownLint,
        allow.span,
        format!("unknown lint `{name}` in `# smql: allow(…)`"),
    )
    .label("not a lint name");
    let names = Lint::ALL.map(Lint::name);
    match did_you_mean(name, names) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help(format!(
            "the lints are {}",
            names.map(|n| format!("`{n}`")).join(", ")
        )),
    }
}
