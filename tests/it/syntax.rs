//! The parser on whole files: the reference example parses cleanly, and every syntax error code
//! renders as a message a rule author can act on.

use smql::diag::render;
use smql::source::SourceMap;
use smql::syntax::ast::{DefKind, Item, ScoreLine, SlaLineKind};
use smql::syntax::parse_file;
use std::path::Path;

#[test]
fn the_acme_example_parses_without_diagnostics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/examples/acme");
    if !dir.is_dir() {
        eprintln!("skipped: {} is missing", dir.display());
        return;
    }
    let Ok(sources) = SourceMap::load_paths(&[dir]) else {
        panic!("cannot read the acme example");
    };
    let mut items = Vec::new();
    for (id, file) in sources.files() {
        let (ast, diagnostics) = parse_file(&sources, id);
        let rendered: Vec<String> = diagnostics
            .iter()
            .map(|d| render(d, &sources, false, 100))
            .collect();
        assert!(
            rendered.is_empty(),
            "{}:\n{}",
            file.name,
            rendered.join("\n")
        );
        items.extend(ast.items);
    }

    let schema = items.iter().find_map(|i| match i {
        Item::Schema(s) => Some(s),
        _ => None,
    });
    let Some(schema) = schema else {
        panic!("no schema parsed");
    };
    assert!(schema
        .fields
        .iter()
        .any(|f| f.name.name == "id" && f.key.is_some()));
    assert!(schema.fields.iter().any(|f| f.name.name == "events"));
    assert!(schema.attrs.doc.is_some());

    let mql = items.iter().find_map(|i| match i {
        Item::Def(d) if d.name.name == "MQL" => Some(d),
        _ => None,
    });
    assert!(mql.is_some_and(|d| d.kind == DefKind::When && d.attrs.doc.is_some()));
    let customer = items.iter().find_map(|i| match i {
        Item::Def(d) if d.name.name == "Customer" => Some(d),
        _ => None,
    });
    assert!(customer.is_some_and(|d| d.attrs.allow.iter().any(|a| a.name == "stage_skip")));

    let engagement = items.iter().find_map(|i| match i {
        Item::Score(s) if s.name.name == "engagement" => Some(s),
        _ => None,
    });
    let Some(engagement) = engagement else {
        panic!("no engagement score parsed");
    };
    assert!(engagement
        .lines
        .iter()
        .any(|l| matches!(l, ScoreLine::Group { items, .. } if items.len() == 4)));
    assert!(engagement
        .lines
        .iter()
        .any(|l| matches!(l, ScoreLine::Decay { rate, .. } if (rate.value - 0.1).abs() < 1e-12)));

    let slas: Vec<_> = items
        .iter()
        .filter_map(|i| match i {
            Item::Sla(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(slas.len(), 3);
    assert!(slas.iter().any(|s| s
        .lines
        .iter()
        .any(|l| matches!(&l.kind, SlaLineKind::Per(p) if p.name == "month"))));

    let tests = items.iter().filter(|i| matches!(i, Item::Test(_))).count();
    assert_eq!(tests, 7);
    assert!(items
        .iter()
        .any(|i| matches!(i, Item::Stages(s) if s.path.len() == 4)));
}

/// Each `tests/fixtures/syntax/CODE[__what].smql` produces exactly one diagnostic with code
/// `smql::syntax::CODE`; `recovery__*.smql` files show several independent errors. Every
/// rendering is a snapshot.
#[test]
fn every_syntax_error_renders_as_a_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/syntax");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("cannot read {}", dir.display());
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "smql"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 12, "fixtures missing in {}", dir.display());
    for path in paths {
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            panic!("cannot read {}", path.display());
        };
        let mut sources = SourceMap::new();
        let id = sources.add(format!("{stem}.smql"), text);
        let (_, diagnostics) = parse_file(&sources, id);
        let kind = stem.split("__").next().unwrap_or(stem);
        if kind == "recovery" {
            assert!(diagnostics.len() >= 2, "{stem}: {diagnostics:?}");
        } else {
            let codes: Vec<_> = diagnostics.iter().map(|d| d.code.as_str()).collect();
            assert_eq!(codes, [format!("smql::syntax::{kind}")], "{stem}");
        }
        let rendered: Vec<String> = diagnostics
            .iter()
            .map(|d| render(d, &sources, false, 80))
            .collect();
        insta::assert_snapshot!(stem, rendered.join("\n"));
    }
}
