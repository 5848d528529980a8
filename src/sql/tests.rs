//! The lowering's choices, one dialect question at a time (the engines themselves are in
//! `tests/it/sql_engines`).

use super::*;
use crate::output::rows::select_columns;
use crate::RuleSet;

const SCHEMA: &str = r#"
schema {
  id:     string key
  email:  string
  plan:   one of ("free", "team", "enterprise")
  visits: int
  n:      number
  at:     timestamp
}
"#;

fn sql(
    dialect: Dialect,
    rules: &str,
    select: &str,
    as_of: Option<i64>,
) -> Result<String, Vec<Diagnostic>> {
    let rules = RuleSet::compile_str("t.smql", &format!("{SCHEMA}{rules}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = select.split(',').collect();
    let columns = select_columns(&rules.program, &names).unwrap_or_else(|e| panic!("{e}"));
    compile(
        &rules.program,
        &Options {
            dialect,
            table: "leads",
            input_names: false,
            columns,
            as_of,
            create_view: None,
        },
    )
}

fn ok(dialect: Dialect, rules: &str, select: &str) -> String {
    sql(dialect, rules, select, Some(86_400_000)).unwrap_or_else(|d| panic!("{:?}", d))
}

#[test]
fn enum_orderings_are_label_sets() {
    let q = ok(Dialect::Duckdb, "big when plan >= \"team\"\n", "id,big");
    assert!(q.contains("f2_plan IN ('team', 'enterprise')"), "{q}");
}

#[test]
fn within_under_as_of_is_two_constant_bounds() {
    let q = ok(Dialect::Postgres, "fresh when at within 1d\n", "id,fresh");
    assert!(q.contains("f5_at <= CAST(86400000 AS BIGINT)"), "{q}");
    assert!(q.contains("f5_at >= CAST(0 AS BIGINT)"), "{q}");
}

#[test]
fn integer_overflow_is_checked_the_dialect_way() {
    let rules = "twice = visits * 2\nneg = -visits\n";
    let duck = ok(Dialect::Duckdb, rules, "id,twice,neg");
    assert!(
        duck.contains("f3_visits * CAST(2 AS BIGINT)"),
        "native: {duck}"
    );
    assert!(
        duck.contains("CAST(0 AS BIGINT) - f3_visits"),
        "negation as a subtraction: {duck}"
    );
    let spark = ok(Dialect::Spark, rules, "id,twice");
    assert!(
        spark.contains("coalesce(try_multiply(f3_visits, CAST(2 AS BIGINT)), raise_error("),
        "{spark}"
    );
    let snow = ok(Dialect::Snowflake, rules, "id,twice");
    assert!(
        snow.contains(">= CAST(-9223372036854775807 - 1 AS NUMBER(38, 0))"),
        "{snow}"
    );
}

#[test]
fn nan_is_guarded_where_engines_order_it() {
    let rules = "high when n > 1.5\n";
    let duck = ok(Dialect::Duckdb, rules, "id,high");
    assert!(duck.contains("NOT isnan(f4_n)"), "{duck}");
    let bq = ok(Dialect::Bigquery, rules, "id,high");
    assert!(!bq.contains("IS_NAN"), "IEEE comparisons: {bq}");
}

#[test]
fn division_and_round_are_emulated_where_the_engine_differs() {
    let rules = "r = round(n / 3)\n";
    let pg = ok(Dialect::Postgres, rules, "id,r");
    assert!(pg.contains("atan2("), "IEEE division by zero: {pg}");
    assert!(!pg.contains("round("), "half-even round is not used: {pg}");
    let bq = ok(Dialect::Bigquery, rules, "id,r");
    assert!(bq.contains("IEEE_DIVIDE(") && bq.contains("round("), "{bq}");
}

#[test]
fn case_insensitive_search_folds_only_what_the_needle_needs() {
    let q = ok(Dialect::Duckdb, "vp when email contains \"VP\"\n", "id,vp");
    assert!(
        q.contains("contains(translate(f1_email, 'PV', 'pv'), 'vp')"),
        "{q}"
    );
}

#[test]
fn the_record_number_has_no_sql_form() {
    let rules =
        RuleSet::compile_str("t.smql", "schema {\n  a: int\n}\n").unwrap_or_else(|e| panic!("{e}"));
    let columns = crate::output::rows::default_columns(&rules.program);
    let options = Options {
        dialect: Dialect::Spark,
        table: "t",
        input_names: false,
        columns,
        as_of: None,
        create_view: None,
    };
    let err = compile(&rules.program, &options).unwrap_err();
    assert!(err[0].message.contains("`record`"), "{:?}", err);
}

#[test]
fn refusals_name_the_dialect_and_point_at_the_construct() {
    let err = sql(
        Dialect::Snowflake,
        "x when email matches \"é\"\n",
        "id,x",
        None,
    )
    .unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].code, crate::diag::Code::SqlUnsupported);
    assert!(
        err[0]
            .message
            .starts_with("cannot compile this for Snowflake: "),
        "{}",
        err[0].message
    );
    // Every dialect compiles the same rules without the regex.
    for d in Dialect::ALL {
        assert!(
            sql(d, "x when email contains \"é\"\n", "id,x", None).is_ok(),
            "{d:?}"
        );
    }
}

#[test]
fn now_without_as_of_is_the_engines_clock_read_once() {
    let q = sql(Dialect::Bigquery, "age = now - at\n", "id,age", None)
        .unwrap_or_else(|d| panic!("{d:?}"));
    assert!(
        q.contains("UNIX_MILLIS(CURRENT_TIMESTAMP) AS now_ms"),
        "{q}"
    );
    assert!(q.contains("now_ms -"), "{q}");
}

#[test]
fn what_smql_may_not_evaluate_cannot_stop_the_query() {
    // `visits * 1000000000000` overflows for some leads, but smql evaluates it only for those
    // that are not `big`, or whose `n` is not positive.
    let rules = "big when visits > 10\nsafe when big or visits * 1000000000000 > 0\nlate = if n > 0 then 1 else min(visits * 1000000000000, 2)\n";
    // Nothing that can overflow is hoisted into a column of its own (computed for every row).
    let hoisted = |q: &str| {
        q.lines()
            .any(|l| l.contains(" AS t") && l.contains("1000000000000"))
    };
    let q = ok(Dialect::Duckdb, rules, "id,safe,late");
    // DuckDB evaluates both operands of OR: a CASE instead.
    let flat = q.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("CASE WHEN d0_big THEN true ELSE (f3_visits *"),
        "{q}"
    );
    assert!(!hoisted(&q), "{q}");
    let q = ok(Dialect::Postgres, rules, "id,safe,late");
    assert!(q.contains("d0_big OR ((f3_visits *"), "{q}");
    assert!(!hoisted(&q), "{q}");
    // An operand that cannot stop the query keeps the operator.
    let q = ok(Dialect::Duckdb, "big when visits > 10 or n > 1\n", "id,big");
    assert!(q.contains(") OR ("), "{q}");
}
