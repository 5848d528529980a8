//! Typing and narrowing rules on hand-built ASTs (independent of the parser).

use super::program::check_files;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{self, ArithOp, ExprKind as I, Ty};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::*;

fn sp() -> Span {
    Span::default()
}
fn id(n: &str) -> Ident {
    Ident {
        name: n.into(),
        span: sp(),
    }
}
fn e(kind: ExprKind) -> Expr {
    Expr { kind, span: sp() }
}
fn name(n: &str) -> Expr {
    e(ExprKind::Name(id(n)))
}
fn int(i: i64) -> Expr {
    e(ExprKind::Int(i))
}
fn num(x: f64) -> Expr {
    e(ExprKind::Number(x))
}
fn s(v: &str) -> Expr {
    e(ExprKind::Str(v.into()))
}
fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    e(ExprKind::Binary(op, Box::new(a), Box::new(b)))
}
fn present(x: Expr) -> Expr {
    e(ExprKind::IsPresent(Box::new(x)))
}
fn missing(x: Expr) -> Expr {
    e(ExprKind::IsMissing(Box::new(x)))
}
fn not(x: Expr) -> Expr {
    e(ExprKind::Unary(UnOp::Not, Box::new(x)))
}
fn call(f: &str, args: Vec<Expr>) -> Expr {
    e(ExprKind::Call { func: id(f), args })
}
fn wher(list: Expr, cond: Expr) -> Expr {
    e(ExprKind::Where {
        list: Box::new(list),
        cond: Box::new(cond),
    })
}
fn ty(kind: TypeExprKind, optional: bool) -> TypeExpr {
    TypeExpr {
        kind,
        optional: optional.then(sp),
        span: sp(),
    }
}
fn field(n: &str, t: TypeExpr) -> FieldDecl {
    FieldDecl {
        attrs: Attrs::default(),
        name: id(n),
        ty: t,
        key: None,
        from: None,
        occurrence: None,
        format: None,
        span: sp(),
    }
}
fn def(n: &str, kind: DefKind, x: Expr) -> Item {
    Item::Def(Def {
        attrs: Attrs::default(),
        name: id(n),
        kind,
        expr: x,
        span: sp(),
    })
}
fn when(n: &str, x: Expr) -> Item {
    def(n, DefKind::When, x)
}
fn val(n: &str, x: Expr) -> Item {
    def(n, DefKind::Value, x)
}

/// A schema with `visits: int`, `size: int?`, `ratio: number`, `source: one of ("a", "b")`,
/// `seen_at: timestamp?`, `tags: list of string`, `events: list of { type: string, at:
/// timestamp, size: int? }`.
fn schema() -> Item {
    let events = vec![
        field("type", ty(TypeExprKind::String, false)),
        field("at", ty(TypeExprKind::Timestamp, false)),
        field("size", ty(TypeExprKind::Int, true)),
    ];
    let lit = |v: &str| StrLit {
        value: v.into(),
        span: sp(),
    };
    Item::Schema(Schema {
        attrs: Attrs::default(),
        keyword: sp(),
        fields: vec![
            field("visits", ty(TypeExprKind::Int, false)),
            field("size", ty(TypeExprKind::Int, true)),
            field("ratio", ty(TypeExprKind::Number, false)),
            field(
                "source",
                ty(TypeExprKind::OneOf(vec![lit("a"), lit("b")]), false),
            ),
            field("seen_at", ty(TypeExprKind::Timestamp, true)),
            field(
                "tags",
                ty(
                    TypeExprKind::List(Box::new(ty(TypeExprKind::String, false))),
                    false,
                ),
            ),
            field("events", ty(TypeExprKind::Records(events), false)),
        ],
        span: sp(),
    })
}

fn run(mut items: Vec<Item>) -> (Option<ir::Program>, Vec<Diagnostic>) {
    items.insert(0, schema());
    let files = vec![File { items }];
    let mut sources = SourceMap::new();
    sources.add("t.smql", "");
    let mut out = Diagnostics::default();
    let p = check_files(&sources, &files, true, &mut out);
    (p, out.0)
}

fn codes(items: Vec<Item>) -> Vec<&'static str> {
    run(items).1.iter().map(|d| d.code.as_str()).collect()
}

fn clean(items: Vec<Item>) -> ir::Program {
    let (p, d) = run(items);
    assert!(d.is_empty(), "{d:#?}");
    p.expect("program")
}

#[test]
fn narrowing_through_and_or_not_if() {
    use BinOp::*;
    clean(vec![
        when(
            "a",
            bin(And, present(name("size")), bin(Gt, name("size"), int(3))),
        ),
        when(
            "b",
            bin(Or, missing(name("size")), bin(Gt, name("size"), int(3))),
        ),
        when(
            "c",
            bin(
                And,
                not(missing(name("size"))),
                bin(Gt, name("size"), int(3)),
            ),
        ),
        val(
            "d",
            e(ExprKind::If {
                cond: Box::new(present(name("size"))),
                then: Box::new(name("size")),
                otherwise: Box::new(int(0)),
            }),
        ),
        val("f", bin(Coalesce, name("size"), int(0))),
        // `not (x is present) or x > 3`
        when(
            "g",
            bin(
                Or,
                not(present(name("size"))),
                bin(Gt, name("size"), int(3)),
            ),
        ),
    ]);
}

#[test]
fn unguarded_optionals_are_reported_once() {
    use BinOp::*;
    assert_eq!(
        codes(vec![when("a", bin(Gt, name("size"), int(3)))]),
        vec!["smql::type::optional"]
    );
    // `x is present or …` proves nothing on the right.
    assert_eq!(
        codes(vec![when(
            "a",
            bin(Or, present(name("size")), bin(Gt, name("size"), int(3)))
        )]),
        vec!["smql::type::optional"]
    );
    // Narrowing does not cross definitions; a definition may be optional.
    assert_eq!(
        codes(vec![
            val("x", name("size")),
            when("has", present(name("size"))),
            when("a", bin(And, name("has"), bin(Gt, name("size"), int(3)))),
            when("b", bin(Gt, name("x"), int(3))),
            when(
                "c",
                bin(And, present(name("x")), bin(Gt, name("x"), int(3)))
            ),
        ]),
        vec!["smql::type::optional", "smql::type::optional"]
    );
}

#[test]
fn if_branches_narrow_and_join() {
    let p = clean(vec![val(
        "d",
        e(ExprKind::If {
            cond: Box::new(missing(name("size"))),
            then: Box::new(num(0.5)),
            otherwise: Box::new(name("size")),
        }),
    )]);
    let d = &p.defs[0].expr;
    assert_eq!(d.ty, Ty::Number);
    let I::If(_, _, o) = &d.kind else {
        panic!("{d:?}")
    };
    assert!(matches!(o.kind, I::ToNumber(_)), "{o:?}");
}

#[test]
fn coalesce_of_a_required_value_warns() {
    let (p, d) = run(vec![val("x", bin(BinOp::Coalesce, name("visits"), int(0)))]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code.as_str(), "smql::type::not_optional");
    assert!(!d[0].is_error());
    assert!(p.is_some());
}

#[test]
fn ints_widen_to_numbers() {
    use BinOp::*;
    let p = clean(vec![
        val("a", bin(Add, name("visits"), name("ratio"))),
        val("b", bin(Div, name("visits"), int(2))),
        val("c", bin(Mul, name("visits"), int(2))),
    ]);
    let I::Arith(op, l, _) = &p.defs[0].expr.kind else {
        panic!()
    };
    assert_eq!(*op, ArithOp::AddNum);
    assert!(matches!(l.kind, I::ToNumber(_)));
    assert_eq!(p.defs[1].expr.ty, Ty::Number);
    assert!(matches!(
        p.defs[1].expr.kind,
        I::Arith(ArithOp::DivNum, _, _)
    ));
    assert_eq!(p.defs[2].expr.ty, Ty::Int);
}

#[test]
fn unknown_names_do_not_cascade() {
    use BinOp::*;
    // `visitz + 1 > "a"`: one unknown name, no mismatch from the error-typed operand.
    assert_eq!(
        codes(vec![when(
            "a",
            bin(Gt, bin(Add, name("visitz"), int(1)), s("a"))
        )]),
        vec!["smql::name::unknown"]
    );
    let (_, d) = run(vec![when("a", bin(Gt, name("visitz"), int(1)))]);
    assert_eq!(d[0].help.as_deref(), Some("did you mean `visits`?"));
}

#[test]
fn enum_literals_are_checked() {
    use BinOp::*;
    assert_eq!(
        codes(vec![when("a", bin(Eq, name("source"), s("c")))]),
        vec!["smql::type::enum_value"]
    );
    // An enum is a string: concatenation is fine, and a valid literal takes the enum type.
    let p = clean(vec![
        val("a", bin(Add, name("source"), s("1"))),
        when("b", bin(Lt, name("source"), s("b"))),
    ]);
    assert_eq!(p.defs[0].expr.ty, Ty::String);
    let I::Cmp(_, _, r) = &p.defs[1].expr.kind else {
        panic!()
    };
    assert!(matches!(r.ty, Ty::Enum(_)));
}

#[test]
fn cycles_are_reported_once_and_order_is_topological() {
    use BinOp::*;
    let (_, d) = run(vec![
        val("a", bin(Add, name("b"), int(1))),
        val("b", bin(Add, name("a"), int(1))),
        when("c", bin(Gt, name("a"), int(1))),
    ]);
    let cycles: Vec<_> = d
        .iter()
        .filter(|d| d.code.as_str() == "smql::name::cycle")
        .collect();
    assert_eq!(cycles.len(), 1, "{d:#?}");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        cycles[0].message.contains("a → b → a"),
        "{}",
        cycles[0].message
    );

    let p = clean(vec![
        when("top", bin(And, name("mid"), name("low"))),
        when("mid", name("low")),
        when("low", bin(Gt, name("visits"), int(1))),
    ]);
    let pos = |n: &str| {
        p.order
            .iter()
            .position(|x| matches!(x, ir::Node::Def(id) if p.def(*id).name == n))
    };
    assert!(pos("low") < pos("mid") && pos("mid") < pos("top"));
}

#[test]
fn where_scopes_element_fields() {
    use BinOp::*;
    // `type` is an element field only; `size` is both an element field and a lead field.
    let p = clean(vec![val(
        "n",
        call(
            "count",
            vec![wher(name("events"), bin(Eq, name("type"), s("visit")))],
        ),
    )]);
    let I::Agg { cond: Some(c), .. } = &p.defs[0].expr.kind else {
        panic!()
    };
    let I::Cmp(_, l, _) = &c.kind else { panic!() };
    assert!(matches!(l.kind, I::ElemField { level: 0, index: 0 }));
    assert_eq!(
        codes(vec![when(
            "a",
            call("any", vec![wher(name("events"), missing(name("size")))])
        )]),
        vec!["smql::name::ambiguous"]
    );
    // `it.size` narrowed inside the `where`.
    let it_size = || {
        e(ExprKind::Path {
            root: PathRoot::It,
            root_span: sp(),
            field: id("size"),
        })
    };
    clean(vec![when(
        "a",
        call(
            "any",
            vec![wher(
                name("events"),
                bin(And, present(it_size()), bin(Gt, it_size(), int(2))),
            )],
        ),
    )]);
    assert_eq!(
        codes(vec![when("a", e(ExprKind::It))]),
        vec!["smql::where::misplaced"]
    );
}

#[test]
fn aggregates_need_a_timestamp_field_at() {
    let p = clean(vec![val(
        "last",
        call(
            "latest",
            vec![wher(name("events"), bin(BinOp::Eq, name("type"), s("x")))],
        ),
    )]);
    assert_eq!(p.defs[0].expr.ty, Ty::Timestamp.optional());
    assert_eq!(
        codes(vec![val(
            "last",
            call(
                "latest",
                vec![wher(name("tags"), bin(BinOp::Eq, e(ExprKind::It), s("x")))]
            )
        )]),
        vec!["smql::type::mismatch"]
    );
    assert_eq!(
        codes(vec![when("a", call("any", vec![name("tags")]))]),
        vec!["smql::call::arity"]
    );
}

#[test]
fn duplicate_names_point_at_both() {
    let (_, d) = run(vec![
        when("a", bin(BinOp::Gt, name("visits"), int(1))),
        when("a", bin(BinOp::Gt, name("visits"), int(2))),
    ]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code.as_str(), "smql::name::duplicate");
    assert_eq!(d[0].secondary.len(), 1);
}

#[test]
fn lists_and_bools_compare_only_where_meaningful() {
    use BinOp::*;
    assert_eq!(
        codes(vec![when("a", bin(Eq, name("tags"), name("tags")))]),
        vec!["smql::type::mismatch"]
    );
    assert_eq!(
        codes(vec![
            when("x", bin(Gt, name("visits"), int(1))),
            when("a", bin(Lt, name("x"), name("x"))),
        ]),
        vec!["smql::type::mismatch"]
    );
    clean(vec![
        when("x", bin(Gt, name("visits"), int(1))),
        when("a", bin(Eq, name("x"), e(ExprKind::Bool(true)))),
    ]);
}

#[test]
fn reserved_words_are_not_names() {
    assert_eq!(
        codes(vec![when("lead", bin(BinOp::Gt, name("visits"), int(1)))]),
        vec!["smql::name::reserved"]
    );
}

#[test]
fn a_grade_needs_else_unless_the_parser_said_so() {
    let grade = |otherwise: Option<StrLit>| {
        Item::Grade(Grade {
            attrs: Attrs::default(),
            name: id("g"),
            arms: vec![GradeArm {
                label: StrLit {
                    value: "A".into(),
                    span: sp(),
                },
                cond: bin(BinOp::Gt, name("visits"), int(1)),
                span: sp(),
            }],
            otherwise,
            span: sp(),
        })
    };
    assert_eq!(codes(vec![grade(None)]), vec!["smql::grade::missing_else"]);
    let p = clean(vec![
        grade(Some(StrLit {
            value: "B".into(),
            span: sp(),
        })),
        when("top", bin(BinOp::Eq, name("g"), s("A"))),
    ]);
    assert_eq!(p.grades[0].ty.to_string(), "one of (\"A\", \"B\")");
}

#[test]
fn test_givens_convert_like_data() {
    let lit = |kind: DataLitKind| DataLit { kind, span: sp() };
    let given = |n: &str, v: DataLit| GivenField {
        name: id(n),
        value: v,
        span: sp(),
    };
    let test = |given: Vec<GivenField>| {
        Item::Test(Test {
            attrs: Attrs::default(),
            name: StrLit {
                value: "t".into(),
                span: sp(),
            },
            as_of: Some(call("date", vec![s("2026-11-01")])),
            given,
            expects: vec![],
            span: sp(),
        })
    };
    let record = lit(DataLitKind::Record(vec![
        (id("type"), lit(DataLitKind::Str("visit".into()))),
        (id("at"), lit(DataLitKind::Str("2026-10-01".into()))),
    ]));
    let p = clean(vec![test(vec![
        given("visits", lit(DataLitKind::Str("3".into()))),
        given("ratio", lit(DataLitKind::Int(2))),
        given(
            "tags",
            lit(DataLitKind::List(vec![lit(DataLitKind::Str("x".into()))])),
        ),
        given("events", lit(DataLitKind::List(vec![record]))),
    ])]);
    let t = &p.tests[0];
    assert_eq!(t.as_of, crate::time::parse_date("2026-11-01"));
    use crate::value::Value as V;
    assert_eq!(t.lead[0], V::Int(3));
    assert_eq!(t.lead[1], V::Missing, "unlisted optional");
    assert_eq!(t.lead[2], V::Number(2.0));
    assert_eq!(t.lead[3], V::str("a"), "first enum value");
    let V::List(events) = &t.lead[6] else {
        panic!()
    };
    let V::Record(fields) = &events[0] else {
        panic!()
    };
    assert_eq!(fields[2], V::Missing, "unlisted record field");
    assert_eq!(
        codes(vec![test(vec![
            given("visitz", lit(DataLitKind::Int(3))),
            given("visits", lit(DataLitKind::Str("three".into()))),
            given("source", lit(DataLitKind::Str("c".into()))),
        ])]),
        vec!["smql::test::given"; 3]
    );
}

#[test]
fn a_mixed_list_is_reported_once() {
    let list = e(ExprKind::List(vec![s("1"), int(2)]));
    assert_eq!(
        codes(vec![when(
            "a",
            e(ExprKind::In {
                x: Box::new(name("visits")),
                list: Box::new(list),
                negated: false,
            })
        )]),
        vec!["smql::type::mismatch"]
    );
}
