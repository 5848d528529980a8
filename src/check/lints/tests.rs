//! Unit tests over hand-built IR (the parser and checker are tested with source in `tests/`).

use super::lint;
use super::test_builder::*;
use crate::diag::Diagnostic;
use crate::ir::*;
use crate::source::{FileId, Span};
use crate::value::Value;

fn run(b: &B, p: &Program) -> Vec<Diagnostic> {
    lint(p, &b.sources())
}

fn codes(ds: &[Diagnostic]) -> Vec<&str> {
    ds.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn contradictory_bounds_are_unsatisfiable() {
    let mut b = schema();
    let c = and(
        cmp(CmpOp::Gt, b.f("visits"), int(5)),
        cmp(CmpOp::Lt, b.f("visits"), int(3)),
    );
    let p = with_defs(&mut b, vec![("Hot", c, &[])]);
    let ds = run(&b, &p);
    assert_eq!(codes(&ds), ["smql::lint::unsatisfiable"]);
    assert_eq!(
        ds[0].message,
        "`Hot` can never hold: `visits` cannot be both greater than 5 and less than 3"
    );
    assert_eq!(
        b.sources().slice(ds[0].primary.span),
        "(visits > 5 and visits < 3)"
    );
}

#[test]
fn near_misses_are_not_unsatisfiable() {
    let mut b = schema();
    let touching = and(
        cmp(CmpOp::Ge, b.f("visits"), int(3)),
        cmp(CmpOp::Le, b.f("visits"), int(3)),
    );
    let two_fields = and(
        cmp(CmpOp::Gt, b.f("visits"), int(5)),
        cmp(CmpOp::Lt, b.f("revenue"), num(3.0)),
    );
    // `x ?? 0 >= 1 or x is missing`: a missing size is allowed, nothing is contradictory.
    let guarded = or(is_present(b.f("size")), is_missing(b.f("size")));
    let p = with_defs(
        &mut b,
        vec![
            ("A", touching, &[]),
            ("B", two_fields, &[]),
            ("C", guarded.clone(), &["always_true"]),
        ],
    );
    assert_eq!(codes(&run(&b, &p)), Vec::<&str>::new());
}

#[test]
fn int_against_fraction_and_enum_sets() {
    let mut b = schema();
    let frac = cmp(
        CmpOp::Eq,
        ex(ExprKind::ToNumber(bx(b.f("visits"))), Ty::Number),
        num(2.5),
    );
    let src = and(
        cmp(CmpOp::Eq, b.f("source"), s("event")),
        in_list(b.f("source"), vec![s("organic"), s("paid")], false),
    );
    let p = with_defs(&mut b, vec![("Frac", frac, &[]), ("Src", src, &[])]);
    let ds = run(&b, &p);
    assert_eq!(codes(&ds), ["smql::lint::unsatisfiable"; 2]);
    assert!(
        ds[0].message.contains("`visits` can never be equal to 2.5"),
        "{}",
        ds[0].message
    );
    assert!(
        ds[1].message.contains(
            "`source` cannot be both equal to \"event\" and one of [\"organic\", \"paid\"]"
        ),
        "{}",
        ds[1].message
    );
}

#[test]
fn always_true_only_where_proven() {
    let mut b = schema();
    let ints = or(
        cmp(CmpOp::Ge, b.f("visits"), int(0)),
        cmp(CmpOp::Lt, b.f("visits"), int(0)),
    );
    // NaN makes this one not provable for numbers.
    let nums = or(
        cmp(CmpOp::Ge, b.f("revenue"), num(0.0)),
        cmp(CmpOp::Lt, b.f("revenue"), num(0.0)),
    );
    let enums = in_list(
        b.f("source"),
        vec![s("organic"), s("paid"), s("event")],
        false,
    );
    let p = with_defs(
        &mut b,
        vec![("I", ints, &[]), ("N", nums, &[]), ("E", enums, &[])],
    );
    let ds = run(&b, &p);
    assert_eq!(codes(&ds), ["smql::lint::always_true"; 2]);
    assert_eq!(
        ds[0].message,
        "`I` always holds, whatever the value of `visits`"
    );
    assert!(ds[1].message.contains("`source`"), "{}", ds[1].message);
}

#[test]
fn allow_silences_and_unknown_names_warn() {
    let mut b = schema();
    let c = and(
        cmp(CmpOp::Gt, b.f("visits"), int(5)),
        cmp(CmpOp::Lt, b.f("visits"), int(3)),
    );
    let p = with_defs(
        &mut b,
        vec![
            ("A", c.clone(), &["unsatisfiable"]),
            ("B", c, &["unsatisfiabel"]),
        ],
    );
    let ds = run(&b, &p);
    assert_eq!(
        codes(&ds),
        ["smql::lint::unknown_lint", "smql::lint::unsatisfiable"]
    );
    assert_eq!(b.sources().slice(ds[0].primary.span), "unsatisfiabel");
    assert_eq!(ds[0].help.as_deref(), Some("did you mean `unsatisfiable`?"));
}

#[test]
fn definitions_are_expanded_without_cascades() {
    let mut b = schema();
    let mql = cmp(CmpOp::Ge, b.f("visits"), int(3));
    let cold = and(segment(0), cmp(CmpOp::Lt, b.f("visits"), int(2)));
    let broken = and(
        cmp(CmpOp::Gt, b.f("visits"), int(5)),
        cmp(CmpOp::Lt, b.f("visits"), int(3)),
    );
    let uses_broken = and(segment(2), cmp(CmpOp::Gt, b.f("revenue"), num(1.0)));
    let p = with_defs(
        &mut b,
        vec![
            ("MQL", mql, &[]),
            ("Cold", cold, &[]),
            ("Broken", broken, &[]),
            ("UsesBroken", uses_broken, &[]),
        ],
    );
    let ds = run(&b, &p);
    assert_eq!(codes(&ds), ["smql::lint::unsatisfiable"; 2], "{ds:#?}");
    assert_eq!(
        ds[0].message,
        "`Cold` can never hold: `visits` cannot be both at least 3 (in `MQL`) and less than 2"
    );
    assert!(ds[1].message.contains("greater than 5"));
}

#[test]
fn optional_default_and_presence() {
    let mut b = schema();
    // `(size ?? 0) >= 200 and size is missing`: a missing size counts as 0.
    let co = ex(ExprKind::Coalesce(bx(b.f("size")), bx(int(0))), Ty::Int);
    let c1 = and(cmp(CmpOp::Ge, co, int(200)), is_missing(b.f("size")));
    // `size is present and size is missing`.
    let c2 = and(is_present(b.f("size")), is_missing(b.f("size")));
    // `size is missing or size > 3` is fine.
    let c3 = or(is_missing(b.f("size")), cmp(CmpOp::Gt, b.f("size"), int(3)));
    let p = with_defs(&mut b, vec![("A", c1, &[]), ("B", c2, &[]), ("C", c3, &[])]);
    let ds = run(&b, &p);
    assert_eq!(codes(&ds), ["smql::lint::unsatisfiable"; 2], "{ds:#?}");
    assert!(
        ds[0].message.contains("missing counts as 0"),
        "{}",
        ds[0].message
    );
    assert_eq!(
        ds[1].message,
        "`B` can never hold: `size` cannot be both present and missing"
    );
}

#[test]
fn opaque_terms_and_members() {
    let mut b = schema();
    let x = member(b.f("downloaded"), "pricing");
    let c1 = and(x.clone(), not(x.clone()));
    let c2 = and(
        member(b.f("downloaded"), "pricing"),
        not(member(b.f("downloaded"), "demo")),
    );
    let p = with_defs(&mut b, vec![("A", c1, &[]), ("B", c2, &[])]);
    let ds = run(&b, &p);
    assert_eq!(codes(&ds), ["smql::lint::unsatisfiable"]);
    assert_eq!(
        ds[0].message,
        "`A` can never hold: `downloaded in \"pricing\"` cannot be both true and false"
            .replace("downloaded in \"pricing\"", "\"pricing\" in downloaded")
    );
}

fn score(b: &mut B, items: Vec<(f64, Rule)>, allow: &[&str]) -> Score {
    let start = b.text.len();
    b.text += "score s {\n";
    let mut out = Vec::new();
    for (points, mut rule) in items {
        let item_start = b.text.len();
        b.text += &format!("  {points:+} when ");
        if let Rule::When(c) | Rule::Per { x: c, .. } = &mut rule {
            b.place(c, &[]);
        }
        let span = Span::new(FileId(0), item_start, b.text.len());
        b.text += "\n";
        out.push(ScoreItem {
            points,
            source: b.text[item_start..span.end as usize]
                .split(" when ")
                .nth(1)
                .unwrap_or("")
                .into(),
            rule,
            span,
        });
    }
    b.text += "}\n";
    Score {
        allow: allow
            .iter()
            .map(|a| Allow {
                lint: a.to_string(),
                span: Span::default(),
            })
            .collect(),
        name: "s".into(),
        entries: out.into_iter().map(ScoreEntry::Item).collect(),
        at_least: None,
        at_most: None,
        decay: None,
        doc: None,
        span: Span::new(FileId(0), start, start + 5),
    }
}

#[test]
fn score_items_dead_duplicate_and_always() {
    let mut b = schema();
    let dead = and(
        cmp(CmpOp::Gt, b.f("visits"), int(5)),
        cmp(CmpOp::Lt, b.f("visits"), int(3)),
    );
    let items = vec![
        (10.0, Rule::When(cmp(CmpOp::Ge, b.f("visits"), int(3)))),
        (5.0, Rule::When(dead)),
        (4.0, Rule::When(cmp(CmpOp::Gt, b.f("visits"), int(2)))),
        (
            1.0,
            Rule::Per {
                x: ex(ExprKind::ToNumber(bx(b.f("visits"))), Ty::Number),
                up_to: Some(0.0),
            },
        ),
        (
            2.0,
            Rule::When(or(b.f("unsubscribed"), not(b.f("unsubscribed")))),
        ),
        (3.0, Rule::When(cmp(CmpOp::Ge, b.f("visits"), int(4)))),
    ];
    let sc = score(&mut b, items, &[]);
    let mut p = b.program();
    p.scores = vec![sc];
    let ds = run(&b, &p);
    assert_eq!(
        codes(&ds),
        [
            "smql::lint::dead_item",
            "smql::lint::duplicate_item",
            "smql::lint::dead_item",
            "smql::lint::always_true"
        ],
        "{ds:#?}"
    );
    assert_eq!(
        ds[1].message,
        "duplicate score item in `score s`: `+4 when visits > 2` has the same condition as `+10 when visits >= 3`"
    );
    assert_eq!(ds[1].secondary.len(), 1);
    assert!(ds[2].message.contains("up to 0"));

    // Silenced.
    let again = || Rule::When(cmp(CmpOp::Ge, schema().f("visits"), int(3)));
    let sc = score(
        &mut b,
        vec![(5.0, again()), (5.0, again())],
        &["duplicate_item"],
    );
    p.scores = vec![sc];
    assert!(run(&b, &p).is_empty());
}

#[test]
fn duplicates_in_a_wide_score_are_found_without_comparing_every_pair() {
    // 3,000 distinct items over one field: 4.5M pairs, far past the implication budget. Equal
    // items are still found (by their text), however late; equivalent ones among items that
    // read the same fields, while the budget lasts.
    let mut b = schema();
    let mut items: Vec<(f64, Rule)> = (0..3_000)
        .map(|i| (1.0, Rule::When(cmp(CmpOp::Gt, b.f("visits"), int(i)))))
        .collect();
    items.push((2.0, Rule::When(cmp(CmpOp::Gt, b.f("visits"), int(10)))));
    let sc = score(&mut b, items, &[]);
    let mut p = b.program();
    p.scores = vec![sc];
    let ds = run(&b, &p);
    assert_eq!(codes(&ds), ["smql::lint::duplicate_item"], "{ds:#?}");
    assert_eq!(
        ds[0].message,
        "duplicate score item `+2 when visits > 10` in `score s`"
    );
    let first = ds[0].secondary[0].span;
    assert_eq!(b.sources().slice(first).trim(), "+1 when visits > 10");

    // Equivalent conditions reading the same field: found by implication.
    let mut b = schema();
    let items = vec![
        (1.0, Rule::When(cmp(CmpOp::Gt, b.f("revenue"), num(30.0)))),
        (1.0, Rule::When(cmp(CmpOp::Ge, b.f("visits"), int(3)))),
        (2.0, Rule::When(not(cmp(CmpOp::Lt, b.f("visits"), int(3))))),
    ];
    let sc = score(&mut b, items, &[]);
    let mut p = b.program();
    p.scores = vec![sc];
    let ds = run(&b, &p);
    assert_eq!(codes(&ds), ["smql::lint::duplicate_item"], "{ds:#?}");
    assert!(
        ds[0]
            .message
            .contains("same condition as `+1 when visits >= 3`"),
        "{}",
        ds[0].message
    );
}

fn grade(b: &mut B, arms: Vec<(&str, Expr)>) -> Grade {
    let start = b.text.len();
    b.text += "grade g {\n";
    let mut out = Vec::new();
    for (label, mut cond) in arms {
        b.text += "  ";
        let arm_start = b.text.len();
        b.text += &format!("{label:?} when ");
        b.place(&mut cond, &[]);
        out.push(GradeArm {
            label: label.into(),
            cond,
            span: Span::new(FileId(0), arm_start, b.text.len()),
        });
        b.text += "\n";
    }
    b.text += "  else \"D\"\n}\n";
    Grade {
        allow: vec![],
        name: "g".into(),
        arms: out,
        otherwise: "D".into(),
        ty: enum_ty(&["A", "B", "C", "D"], None),
        doc: None,
        span: Span::new(FileId(0), start, start + 7),
    }
}

#[test]
fn grade_arms_covered_by_earlier_ones() {
    let mut b = schema();
    let v = |op, n| {
        cmp(
            op,
            ex(ExprKind::ToNumber(bx(schema().f("visits"))), Ty::Number),
            num(n),
        )
    };
    let g = grade(
        &mut b,
        vec![
            ("A", v(CmpOp::Ge, 10.0)),
            ("B", v(CmpOp::Ge, 20.0)),
            ("C", or(v(CmpOp::Lt, 5.0), v(CmpOp::Ge, 5.0))),
        ],
    );
    let mut p = b.program();
    p.grades = vec![g];
    let ds = run(&b, &p);
    assert_eq!(
        codes(&ds),
        ["smql::lint::unreachable_arm", "smql::lint::always_true"],
        "{ds:#?}"
    );
    assert_eq!(
        ds[0].message,
        "grade arm `\"B\"` of `g` can never be chosen: every lead it matches gets `\"A\"` first"
    );
    assert_eq!(
        b.sources().slice(ds[0].secondary[0].span),
        "\"A\" when visits >= 10.0"
    );

    // A near miss: the later arm covers values the earlier one does not.
    let mut b = schema();
    let g = grade(
        &mut b,
        vec![("A", v(CmpOp::Ge, 20.0)), ("B", v(CmpOp::Ge, 10.0))],
    );
    p.grades = vec![g];
    assert!(run(&b, &p).is_empty());
}

fn stage_program(b: &mut B, defs: Vec<(&str, Expr, &[&str])>, path: &[&str]) -> Program {
    let mut p = with_defs(b, defs);
    let start = b.text.len();
    let mut steps = Vec::new();
    b.text += "stages ";
    for (i, name) in path.iter().enumerate() {
        if i > 0 {
            b.text += " -> ";
        }
        let s0 = b.text.len();
        b.text += name;
        steps.push(StageStep {
            name: name.to_string(),
            def: p
                .defs
                .iter()
                .position(|d| d.name == *name)
                .map(|i| DefId(i as u32)),
            at: None,
            span: Span::new(FileId(0), s0, b.text.len()),
        });
    }
    b.text += "\n";
    p.stages = Some(Stages {
        allow: vec![],
        path: steps,
        detours: vec![],
        ty: Ty::Error,
        doc: None,
        span: Span::new(FileId(0), start, b.text.len()),
    });
    p
}

#[test]
fn stage_skip_needs_a_witness_from_fields() {
    let mut b = schema();
    let mql = and(
        cmp(CmpOp::Ge, b.f("visits"), int(3)),
        member(b.f("downloaded"), "pricing"),
    );
    let sql = and(segment(0), cmp(CmpOp::Eq, b.f("source"), s("event")));
    let customer = is_present(b.f("closed_at"));
    let p = stage_program(
        &mut b,
        vec![
            ("MQL", mql.clone(), &[]),
            ("SQL", sql.clone(), &[]),
            ("Customer", customer.clone(), &[]),
        ],
        &["Lead", "MQL", "SQL", "Customer"],
    );
    let ds = run(&b, &p);
    assert_eq!(codes(&ds), ["smql::lint::stage_skip"], "{ds:#?}");
    assert_eq!(
        ds[0].message,
        "stage `Customer` can be reached without `SQL`: its definition can hold while `SQL` does not"
    );
    let help = ds[0].help.as_deref().unwrap_or("");
    assert!(
        help.contains("a lead with `visits` = 0 and `closed_at` present is"),
        "{help}"
    );

    // Allowed on the definition.
    let mut b = schema();
    let p = stage_program(
        &mut b,
        vec![
            ("MQL", mql, &[]),
            ("SQL", sql, &[]),
            ("Customer", customer, &["stage_skip"]),
        ],
        &["Lead", "MQL", "SQL", "Customer"],
    );
    assert!(run(&b, &p).is_empty());
}

#[test]
fn stage_skip_is_not_claimed_through_computed_values() {
    let mut b = schema();
    // The previous stage depends on a score: no witness can be built from fields alone.
    let score_ref = ex(ExprKind::Score(ScoreId(0)), Ty::Number);
    let hot = cmp(CmpOp::Ge, score_ref, num(10.0));
    let later = cmp(CmpOp::Ge, b.f("visits"), int(3));
    let mut p = stage_program(
        &mut b,
        vec![("Hot", hot, &[]), ("Later", later, &[])],
        &["Hot", "Later"],
    );
    p.scores = vec![score(&mut b, vec![], &[])];
    assert!(run(&b, &p).is_empty());
}

#[test]
fn tests_that_read_the_clock() {
    let mut b = schema();
    let recent = ex(
        ExprKind::Within(
            bx(b.f("last_seen")),
            bx(ex(
                ExprKind::Const(Value::Duration(30 * crate::time::MS_PER_DAY)),
                Ty::Duration,
            )),
        ),
        Ty::Bool,
    );
    let mut p = with_defs(&mut b, vec![("Recent", recent, &[])]);
    let expect = |b: &mut B, x: Expr| {
        let mut x = x;
        let span = b.place(&mut x, &p.defs.clone());
        b.text += "\n";
        Expect {
            source: b.text[span.range()].into(),
            expr: x,
            span,
        }
    };
    let uses_def = expect(&mut b, segment(0));
    let plain = expect(&mut b, cmp(CmpOp::Ge, schema().f("visits"), int(3)));
    let mk = |name: &str, as_of, expects: Vec<Expect>| Test {
        allow: vec![],
        name: name.into(),
        as_of,
        lead: vec![],
        expects,
        doc: None,
        span: Span::default(),
    };
    p.tests = vec![
        mk("needs", None, vec![plain.clone(), uses_def.clone()]),
        mk("fixed", Some(0), vec![uses_def.clone()]),
        mk("plain", None, vec![plain]),
    ];
    let ds = run(&b, &p);
    assert_eq!(codes(&ds), ["smql::lint::test_needs_as_of"], "{ds:#?}");
    assert_eq!(ds[0].primary.span, uses_def.span);
    assert_eq!(
        ds[0].primary.text.as_deref(),
        Some("this reads the current time through `Recent`")
    );
    assert!(ds[0]
        .help
        .as_deref()
        .unwrap_or("")
        .starts_with("`Recent` reads the current time (it uses `within`)"));
}
