//! Unit tests of the parser: precedence, sugar, contextual keywords, continuation lines,
//! literals, attributes, every declaration form, spans, and error recovery.

mod decls;
mod errors;
mod exprs;

use super::*;
use crate::diag::Code;
use crate::source::Span;
use ast::*;

pub(super) fn parse(text: &str) -> (SourceMap, ast::File, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let f = sources.add("t.smql", text);
    let (file, diagnostics) = parse_file(&sources, f);
    (sources, file, diagnostics)
}

/// Parses text that must be free of errors.
pub(super) fn parse_ok(text: &str) -> (SourceMap, ast::File) {
    let (sources, file, diagnostics) = parse(text);
    let messages: Vec<_> = diagnostics.iter().map(|d| &d.message).collect();
    assert!(messages.is_empty(), "{text}\n{messages:?}");
    (sources, file)
}

pub(super) fn codes_of(text: &str) -> Vec<Code> {
    parse(text).2.iter().map(|d| d.code).collect()
}

/// The expression of the single definition in `x = EXPR`.
pub(super) fn expr(src: &str) -> Expr {
    let (_, file) = parse_ok(&format!("x = {src}\n"));
    match file.items.into_iter().next() {
        Some(Item::Def(d)) => d.expr,
        other => panic!("not a definition: {other:?}"),
    }
}

/// An S-expression of an expression, to check its shape.
pub(super) fn sexp(e: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(sexp).collect::<Vec<_>>().join(" ");
    match &e.kind {
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Number(x) => format!("{x:?}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Duration(ms) => format!("{ms}ms"),
        ExprKind::Now => "now".into(),
        ExprKind::It => "it".into(),
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Path { root, field, .. } => format!("{root:?}.{}", field.name),
        ExprKind::List(items) => format!("[{}]", list(items)),
        ExprKind::Unary(UnOp::Not, x) => format!("(not {})", sexp(x)),
        ExprKind::Unary(UnOp::Neg, x) => format!("(neg {})", sexp(x)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", op.as_str(), sexp(a), sexp(b)),
        ExprKind::In { x, list, negated } => {
            let op = if *negated { "not-in" } else { "in" };
            format!("({op} {} {})", sexp(x), sexp(list))
        }
        ExprKind::Has { list, value } => format!("(has {} {:?})", sexp(list), value.value),
        ExprKind::Contains {
            subject,
            quant,
            arg,
        } => format!("(contains-{quant:?} {} {})", sexp(subject), sexp(arg)),
        ExprKind::StartsWith(a, b) => format!("(starts {} {})", sexp(a), sexp(b)),
        ExprKind::EndsWith(a, b) => format!("(ends {} {})", sexp(a), sexp(b)),
        ExprKind::Matches(a, b) => format!("(matches {} {})", sexp(a), sexp(b)),
        ExprKind::IsPresent(x) => format!("(present {})", sexp(x)),
        ExprKind::IsMissing(x) => format!("(missing {})", sexp(x)),
        ExprKind::Within(a, b) => format!("(within {} {})", sexp(a), sexp(b)),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => format!("(if {} {} {})", sexp(cond), sexp(then), sexp(otherwise)),
        ExprKind::Call { func, args } => format!("({} {})", func.name, list(args)),
        ExprKind::Where { list, cond } => format!("(where {} {})", sexp(list), sexp(cond)),
    }
}

pub(super) fn shape(src: &str) -> String {
    sexp(&expr(src))
}

/// Runs the ignored test `name` of this module alone in a child process of the test binary:
/// pest's call limit is process-wide, and a test that lowers it must not race the others.
fn in_own_process(name: &str) {
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let exe = std::env::current_exe().expect("the test binary");
    let out = std::process::Command::new(exe)
        .args([
            &format!("{module}::{name}"),
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env("SMQL_TEST_OWN_PROCESS", "1")
        .output()
        .expect("the test binary runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{name}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 passed"), "{name} did not run: {text}");
}

fn own_process() -> bool {
    std::env::var_os("SMQL_TEST_OWN_PROCESS").is_some()
}

#[test]
fn pest_needs_few_calls_per_byte_on_the_worst_families() {
    in_own_process("calls_per_byte");
}

#[test]
fn a_parse_over_the_call_limit_is_a_too_complex_error() {
    in_own_process("call_limit_reached");
}

#[test]
#[ignore = "run by `a_parse_over_the_call_limit_is_a_too_complex_error` in its own process"]
fn call_limit_reached() {
    if !own_process() {
        return;
    }
    let text = format!(
        "schema {{\n  v: int\n}}\nx when {}\ny when v == 1\n",
        (0..200)
            .map(|i| format!("v == {i}"))
            .collect::<Vec<_>>()
            .join(" or ")
    );
    let mut sources = SourceMap::new();
    let file = sources.add("rules.smql", &text);
    let (parsed, diagnostics) = parse_file_within(&sources, file, 2_000);
    let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::SyntaxTooComplex], "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d.message, "this declaration needs too much work to parse");
    let help = d.help.as_deref().unwrap_or_default();
    assert!(help.contains("stops after 2000 steps"), "{help}");
    // The declaration is pointed at, and the small ones around it still parse.
    let start = text.find("x when").unwrap_or_default();
    assert_eq!(d.primary.span.start as usize, start);
    assert_eq!(parsed.items.len(), 2, "{:?}", parsed.items);
    // Under the real limit the same file parses whole.
    let (parsed, diagnostics) = parse_file(&sources, file);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(parsed.items.len(), 3);
}

#[test]
#[ignore = "run by `pest_needs_few_calls_per_byte_on_the_worst_families` in its own process"]
fn calls_per_byte() {
    if !own_process() {
        return;
    }
    use pest::Parser;
    let families = [
        format!(
            "x when {}",
            (0..2000)
                .map(|i| format!("v == {i}"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        format!(
            "x when s in [{}]",
            (0..2000)
                .map(|i| format!("\"d{i}.example.com\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "score s {{\n{}}}",
            (0..300)
                .map(|i| format!("  +1 when x > {i} and s != \"v{i}\"\n"))
                .collect::<String>()
        ),
        format!(
            "x = {}0",
            (0..16)
                .map(|i| format!("if x == {i} then {i} else "))
                .collect::<String>()
        ),
        format!(
            "x when {}",
            (0..500)
                .map(|i| format!("(x == {i} or s == \"v{i}\")"))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        format!("x = {}x{}", "(".repeat(60), ")".repeat(60)),
        "test \"t\" {\n  given { a: [[[[1]]]], b: {c: \"x\"} }\n  expect x\n}".to_string(),
    ];
    let _settings = super::pest_settings();
    for f in &families {
        let (mut lo, mut hi) = (1usize, 400usize);
        while lo < hi {
            let mid = (lo + hi) / 2;
            pest::set_call_limit(std::num::NonZeroUsize::new(mid * f.len()));
            if super::SmqlParser::parse(super::Rule::item, f).is_ok() {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        println!("{} bytes: {lo} calls per byte", f.len());
        assert!(lo * 3 <= super::CALLS_PER_BYTE, "{lo} calls per byte");
    }
    pest::set_call_limit(None);
}

#[test]
fn whitespace_is_the_grammars_not_unicodes() {
    // Found by the `fmt` fuzz target: a vertical tab before `##` made the layout take the line
    // for a doc comment, which the formatter's lexer did not; it is a stray character.
    let (_, _, diagnostics) = parse("schema {\n  v: int\n}\n\u{b}## Hot.\nx when v > 1\n");
    let messages: Vec<_> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["expected a declaration, found `\\u{b}`"]);
    // Spaces and tabs before a doc comment are fine.
    let (_, file) = parse_ok("schema {\n  v: int\n}\n \t## Hot.\nx when v > 1\n");
    assert_eq!(file.items.len(), 2);
}
