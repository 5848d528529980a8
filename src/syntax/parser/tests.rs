use super::*;
use crate::source::SourceMap;

fn parse(text: &str) -> (ast::File, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let f = sources.add("t.smql", text);
    parse_file(&sources, f)
}

#[test]
fn debug_errors() {
    pest::set_error_detail(true);
    for t in ["MQL when a\n  b\n", "score s {\n  +10 when\n  +5 when b\n}\n", "score s {\n  at least\n}\n", "score s {\n  +1 per x up to\n}\n", "x = count(events where )\n", "schema {\n  a int\n}\n", "schema {\n  a: list string\n}\n", "test \"t\" {\n  given { a 3 }\n}\n", "sla \"s\" {\n  per\n}\n", "x = if a then b\n", "detours A B\n", "x = 'a'\n", "MQL when visits > 3 downloaded\n","MQL when visits = 3\n", "MQL when visits >= 3\n  and x\n", "+10 when x\n", "schema {\n  in: int\n}\n", "schema {\n  a: strin\n}\n", "grade g {\n \"A\" when x\n}\n", "sla \"x\" {\n  targets 90%\n}\n", "test \"x\" {\n  expect\n}\n", "MQL when\n", "score s\n", "MQL when a b\n", "score s {\n 10 when a\n}\n", "when = 3\n", "x = (a + )\n", "stages A -> B C\n"] {
        let (_, d) = parse(t);
        for d in &d { println!("{t:?}\n{}", crate::diag::render(d, &{let mut s = SourceMap::new(); s.add("t.smql", t); s}, false, 80)); }
    }
}
