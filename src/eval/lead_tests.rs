//! Scores, grades, stages, traces, explanations and tests over one hand-built program.

use super::testkit::*;
use super::trace::EntryTrace;
use super::{eval_lead, run_test, why_items, Engine, Evaluator, Explanation, Trace};
use crate::ir::{
    ArithOp, CmpOp::*, Decay, DefId, Expect, ExprKind, Grade, GradeArm, GradeId, Node, Program,
    Score, ScoreEntry, ScoreId, StageStep, Stages, Test, Ty,
};
use crate::output::explain::render_explain;
use crate::source::SourceMap;
use crate::time::MS_PER_DAY;
use crate::value::Value;

const VISITS: u32 = 0;
const DOWNLOADED: u32 = 1;
const UNSUB: u32 = 2;
const LAST: u32 = 3;
const FORMS: u32 = 4;
const RATIO: u32 = 5;

fn visits() -> crate::ir::Expr {
    field(VISITS, Ty::Int)
}
fn downloaded(what: &str) -> crate::ir::Expr {
    ex(
        ExprKind::In {
            x: bx(s(what)),
            list: bx(field(DOWNLOADED, Ty::List(Box::new(Ty::String)))),
            negated: false,
        },
        Ty::Bool,
    )
}
fn to_num(e: crate::ir::Expr) -> crate::ir::Expr {
    ex(ExprKind::ToNumber(bx(e)), Ty::Number)
}
fn score_ref(i: u32) -> crate::ir::Expr {
    ex(ExprKind::Score(ScoreId(i)), Ty::Number)
}

/// engagement (score 0), grade `tier` over it, defs MQL (0), Disqualified (1), SQL (2), and
/// stages Lead -> MQL -> SQL, detours Disqualified.
fn acme_like() -> Program {
    let mut p = program(&[
        ("visits", Ty::Int),
        ("downloaded", Ty::List(Box::new(Ty::String))),
        ("unsubscribed", Ty::Bool),
        ("last_activity_at", Ty::Timestamp),
        ("form_fills", Ty::Int),
        ("ratio", Ty::Number),
    ]);
    p.scores.push(Score {
        allow: Vec::new(),
        name: "engagement".into(),
        entries: vec![
            ScoreEntry::Item(when(10.0, "visits >= 3", cmp(Ge, visits(), int(3)))),
            ScoreEntry::Item(when(20.0, "downloaded \"pricing\"", downloaded("pricing"))),
            ScoreEntry::Item(per(
                5.0,
                "form_fills up to 15",
                to_num(field(FORMS, Ty::Int)),
                Some(15.0),
            )),
            ScoreEntry::Group {
                name: "content".into(),
                cap: 16.0,
                items: vec![
                    when(8.0, "downloaded \"a\"", downloaded("a")),
                    when(8.0, "downloaded \"b\"", downloaded("b")),
                    when(8.0, "downloaded \"c\"", downloaded("c")),
                ],
                span: sp(),
            },
            ScoreEntry::Item(per(0.1, "ratio", field(RATIO, Ty::Number), None)),
            ScoreEntry::Item(when(-30.0, "unsubscribed", field(UNSUB, Ty::Bool))),
        ],
        at_least: Some(0.0),
        at_most: Some(50.0),
        decay: Some(Decay {
            rate: 0.1,
            every_ms: 30 * MS_PER_DAY,
            since: field(LAST, Ty::Timestamp),
        }),
        doc: None,
        span: sp(),
    });
    let tier_ty = enum_ty(&["hot", "warm", "cold"], None);
    p.grades.push(Grade {
        allow: Vec::new(),
        name: "tier".into(),
        arms: vec![
            GradeArm {
                label: "hot".into(),
                cond: cmp(Ge, score_ref(0), num(40.0)),
                span: sp(),
            },
            GradeArm {
                label: "warm".into(),
                cond: cmp(Ge, score_ref(0), num(20.0)),
                span: sp(),
            },
        ],
        otherwise: "cold".into(),
        ty: tier_ty,
        doc: None,
        span: sp(),
    });
    p.defs.push(def_node(
        "MQL",
        and(cmp(Ge, visits(), int(3)), downloaded("pricing")),
    ));
    p.defs
        .push(def_node("Disqualified", field(UNSUB, Ty::Bool)));
    let tier = ex(
        ExprKind::Grade(GradeId(0)),
        enum_ty(&["hot", "warm", "cold"], None),
    );
    p.defs.push(def_node(
        "SQL",
        and(def(0, Ty::Bool), cmp(Eq, tier, s("hot"))),
    ));
    let stage_ty = enum_ty(&["Lead", "MQL", "SQL", "Disqualified"], Some(3));
    p.stages = Some(Stages {
        allow: Vec::new(),
        doc: None,
        path: vec![
            StageStep {
                name: "Lead".into(),
                def: None,
                at: None,
                span: sp(),
            },
            StageStep {
                name: "MQL".into(),
                def: Some(DefId(0)),
                at: None,
                span: sp(),
            },
            StageStep {
                name: "SQL".into(),
                def: Some(DefId(2)),
                at: None,
                span: sp(),
            },
        ],
        detours: vec![StageStep {
            name: "Disqualified".into(),
            def: Some(DefId(1)),
            at: None,
            span: sp(),
        }],
        ty: stage_ty,
        span: sp(),
    });
    p.order = vec![
        Node::Score(ScoreId(0)),
        Node::Grade(GradeId(0)),
        Node::Def(DefId(0)),
        Node::Def(DefId(1)),
        Node::Def(DefId(2)),
        Node::Stage,
    ];
    p
}

struct Lead {
    visits: i64,
    downloaded: Vec<&'static str>,
    unsubscribed: bool,
    last: &'static str,
    forms: i64,
    ratio: f64,
}

impl Default for Lead {
    fn default() -> Lead {
        Lead {
            visits: 0,
            downloaded: vec![],
            unsubscribed: false,
            last: "2026-11-01",
            forms: 0,
            ratio: 0.0,
        }
    }
}

impl Lead {
    fn values(&self) -> Vec<Value> {
        vec![
            Value::Int(self.visits),
            list(self.downloaded.iter().map(|d| Value::str(d)).collect()),
            Value::Bool(self.unsubscribed),
            Value::Timestamp(t(self.last)),
            Value::Int(self.forms),
            Value::Number(self.ratio),
        ]
    }
}

fn run(lead: &Lead) -> (super::LeadValues, Trace) {
    let mut trace = Trace::default();
    let v = eval_lead(&acme_like(), &lead.values(), now(), Some(&mut trace)).expect("evaluates");
    (v, trace)
}

#[test]
fn a_cold_lead_scores_zero_and_stays_a_lead() {
    let (v, trace) = run(&Lead::default());
    assert_eq!(v.scores, vec![0.0]);
    assert_eq!(&*v.grades[0].label, "cold");
    assert_eq!(v.grades[0].index, 2);
    assert_eq!(
        v.stage,
        Value::str("Lead"),
        "the undefined first stage always holds"
    );
    assert!(why_items(&trace, ScoreId(0)).is_empty());
    assert_eq!(trace.grades[0].chosen, None);
    assert_eq!(trace.grades[0].arms.len(), 2);
}

#[test]
fn items_groups_clamps_and_decay_in_order() {
    let lead = Lead {
        visits: 3,
        downloaded: vec!["pricing", "a", "b", "c"],
        forms: 4,
        last: "2026-10-02",
        ..Lead::default()
    };
    let (v, trace) = run(&lead);
    // 10 + 20 + min(20, 15) + min(24, 16) = 61 → at most 50 → × 0.9 = 45.
    assert_eq!(v.scores[0], 50.0 * 0.9);
    assert_eq!(&*v.grades[0].label, "hot");
    assert_eq!(v.stage, Value::str("SQL"));
    let why = why_items(&trace, ScoreId(0));
    let expected: Vec<(String, f64)> = vec![
        ("visits >= 3".into(), 10.0),
        ("downloaded \"pricing\"".into(), 20.0),
        ("form_fills up to 15".into(), 15.0),
        ("downloaded \"a\"".into(), 8.0),
        ("downloaded \"b\"".into(), 8.0),
        ("downloaded \"c\"".into(), 8.0),
        ("group \"content\" capped at 16".into(), -8.0),
        ("at most 50".into(), -11.0),
        ("decay 10% every 30d".into(), 45.0 - 50.0),
    ];
    assert_eq!(pairs(&why), expected);
    let EntryTrace::Item(forms) = &trace.scores[0].entries[2] else {
        panic!("an item")
    };
    assert_eq!(forms.per.map(|p| p.unclamped), Some(20.0));
}

#[test]
fn summation_order_is_the_documented_one() {
    // 0.1 per ratio: with ratio 1, (((0 + 10) + 0) … + 0.1) is the exact float sequence.
    let lead = Lead {
        visits: 3,
        ratio: 1.0,
        ..Lead::default()
    };
    let (v, _) = run(&lead);
    let mut expected = 0.0f64;
    for x in [10.0, 0.0, 0.0, 0.0, 0.1, 0.0] {
        expected += x;
    }
    assert_eq!(v.scores[0].to_bits(), expected.to_bits());
}

#[test]
fn partial_decay_uses_the_shared_helper() {
    let lead = Lead {
        visits: 3,
        downloaded: vec!["pricing"],
        last: "2026-10-31",
        ..Lead::default()
    };
    let (v, _) = run(&lead);
    let factor = super::math::decay_factor(0.1, MS_PER_DAY, 30 * MS_PER_DAY);
    assert_eq!(v.scores[0], 30.0 * factor);
    assert_eq!(&*v.grades[0].label, "warm");
    assert_eq!(v.stage, Value::str("MQL"));
}

#[test]
fn negative_totals_clamp_at_least_and_detours_win() {
    let lead = Lead {
        visits: 12,
        downloaded: vec!["pricing"],
        unsubscribed: true,
        ..Lead::default()
    };
    let (v, trace) = run(&lead);
    assert_eq!(v.scores[0], 0.0);
    assert_eq!(v.stage, Value::str("Disqualified"));
    let stage = trace.stage.as_ref().expect("stage traced");
    assert!(stage.detours[0].held);
    assert!(
        stage.path[1].held,
        "the path is still recorded for explanations"
    );
    let why = why_items(&trace, ScoreId(0));
    assert_eq!(
        pairs(&why).last(),
        Some(&("unsubscribed".to_string(), -30.0))
    );
}

#[test]
fn nan_scores_propagate() {
    let lead = Lead {
        ratio: f64::NAN,
        ..Lead::default()
    };
    let (v, _) = run(&lead);
    assert!(v.scores[0].is_nan());
    assert_eq!(&*v.grades[0].label, "cold", "NaN is not >= anything");
}

#[test]
fn stage_is_missing_when_no_step_holds() {
    let mut p = acme_like();
    if let Some(st) = p.stages.as_mut() {
        st.path[0].def = Some(DefId(0));
    }
    let v = eval_lead(&p, &Lead::default().values(), now(), None).expect("evaluates");
    assert_eq!(v.stage, Value::Missing);
    // Furthest, not first: SQL without MQL is impossible here, but MQL alone gives MQL.
    let lead = Lead {
        visits: 3,
        downloaded: vec!["pricing"],
        ..Lead::default()
    };
    let v = eval_lead(&p, &lead.values(), now(), None).expect("evaluates");
    assert_eq!(v.stage, Value::str("MQL"));
}

#[test]
fn overflow_in_a_definition_is_an_error_for_the_lead() {
    let mut p = acme_like();
    p.defs.push(def_node(
        "huge",
        arith(ArithOp::MulInt, visits(), int(i64::MAX)),
    ));
    p.order.push(Node::Def(DefId(3)));
    let lead = Lead {
        visits: 2,
        ..Lead::default()
    };
    let err = eval_lead(&p, &lead.values(), now(), None).unwrap_err();
    assert_eq!(err.message, "integer overflow in `2 * 9223372036854775807`");
    assert!(eval_lead(&p, &[], now(), None)
        .unwrap_err()
        .message
        .starts_with("internal:"));
}

fn test_block(expects: Vec<(&str, crate::ir::Expr)>) -> Test {
    let lead = Lead {
        visits: 3,
        downloaded: vec!["pricing"],
        last: "2026-10-02",
        ..Lead::default()
    };
    Test {
        allow: Vec::new(),
        name: "t".into(),
        as_of: Some(now()),
        lead: lead.values(),
        expects: expects
            .into_iter()
            .map(|(source, expr)| Expect {
                expr,
                source: source.into(),
                span: sp(),
            })
            .collect(),
        doc: None,
        span: sp(),
    }
}

#[test]
fn test_runner_reports_names_and_values() {
    let p = acme_like();
    let stage = || {
        ex(
            ExprKind::Stage,
            enum_ty(&["Lead", "MQL", "SQL", "Disqualified"], Some(3)),
        )
    };
    let pass = test_block(vec![
        ("engagement == 27", cmp(Eq, score_ref(0), num(27.0))),
        ("stage == \"MQL\"", cmp(Eq, stage(), s("MQL"))),
        ("MQL", def(0, Ty::Bool)),
    ]);
    for ev in engines(&p) {
        let outcome = run_test(&ev, &pass, 0);
        assert!(outcome.passed, "{:?}", outcome.failures);
    }

    let fail = test_block(vec![
        ("engagement == 30", cmp(Eq, score_ref(0), num(30.0))),
        (
            "engagement >= visits and engagement > 100",
            and(
                cmp(Ge, score_ref(0), to_num(visits())),
                cmp(Gt, score_ref(0), num(100.0)),
            ),
        ),
        ("1 == 2", cmp(Eq, int(1), int(2))),
        (
            "visits * big > 0",
            cmp(Gt, arith(ArithOp::MulInt, visits(), int(i64::MAX)), int(0)),
        ),
    ]);
    for ev in engines(&p) {
        let outcome = run_test(&ev, &fail, 0);
        assert!(!outcome.passed);
        assert_eq!(
            outcome.failures,
            vec![
            "`engagement == 30` failed: `engagement` = 27".to_string(),
            "`engagement >= visits and engagement > 100` failed: `engagement` = 27, `visits` = 3"
                .to_string(),
            "`1 == 2` failed".to_string(),
            "`visits * big > 0` failed: integer overflow in `3 * 9223372036854775807`".to_string(),
        ]
        );
    }
}

/// `--explain` items as (text, points).
fn pairs(why: &[super::WhyItem]) -> Vec<(String, f64)> {
    why.iter().map(|w| (w.rule.to_string(), w.points)).collect()
}

/// The hand-made program on both engines.
fn engines(p: &crate::ir::Program) -> Vec<Evaluator> {
    [Engine::Jit, Engine::Interp]
        .into_iter()
        .map(|e| Evaluator::from_program(p.clone(), e).unwrap())
        .collect()
}

#[test]
fn test_runner_uses_the_default_now_without_as_of() {
    let p = acme_like();
    let mut test = test_block(vec![("engagement == 30", cmp(Eq, score_ref(0), num(30.0)))]);
    test.as_of = None;
    for ev in engines(&p) {
        assert!(run_test(&ev, &test, t("2026-10-02")).passed);
        assert!(!run_test(&ev, &test, t("2026-11-01")).passed);
    }
}

#[test]
fn explain_shows_every_item_arm_and_step() {
    let lead = Lead {
        visits: 3,
        downloaded: vec!["pricing", "a"],
        forms: 1,
        ..Lead::default()
    };
    let (values, trace) = run(&lead);
    let explanation = Explanation {
        fields: lead.values(),
        values,
        trace,
    };
    let text = render_explain(&acme_like(), &SourceMap::new(), "L-1", &explanation);
    for line in [
        "lead L-1",
        "  visits           = 3",
        "  downloaded       = [\"pricing\", \"a\"]",
        "  last_activity_at = 2026-11-01T00:00:00Z",
        "  MQL          = true",
        "score engagement = 43",
        "  ✓ visits >= 3              +10",
        "  ✓ form_fills up to 15       +5  (+5 × 1)",
        "  ✗ unsubscribed               0",
        "  group \"content\" up to 16: +8",
        "    ✗ downloaded \"b\"           0",
        "  sum 43",
        "  at most 50: no change",
        "  decay 10% every 30d, 0s elapsed: × 1 → 43",
        "grade tier = \"hot\"",
        "  ✓ \"hot\"",
        "stage = \"SQL\"",
        "  ✓ Lead (every lead)",
        "  ✓ SQL",
        "  ✗ Disqualified (detour)",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing line {line:?} in:\n{text}"
        );
    }
}
