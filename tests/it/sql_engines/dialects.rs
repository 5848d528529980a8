//! Every dialect's output parses, in sqlparser's dialect and sqlglot's; BigQuery's and
//! Snowflake's (no engine here) is kept as golden snapshots.

use super::cases::{b2b_saas, random_cases, AS_OF};
use super::support;
use smql::sql::Dialect;
use smql::RuleSet;
use std::path::Path;

/// Every dialect's output parses with `sqlparser`'s dialect of it (BigQuery and Snowflake
/// have no engine here: this and sqlglot are their checks).
#[test]
fn every_dialect_parses_with_sqlparser() {
    use sqlparser::dialect::{
        BigQueryDialect, DuckDbDialect, GenericDialect, PostgreSqlDialect, SnowflakeDialect,
    };
    let rules = b2b_saas();
    let columns = support::all_columns(&rules.program);
    for dialect in Dialect::ALL {
        let parser: Box<dyn sqlparser::dialect::Dialect> = match dialect {
            Dialect::Duckdb => Box::new(DuckDbDialect {}),
            Dialect::Postgres => Box::new(PostgreSqlDialect {}),
            // sqlparser has no Spark dialect; Databricks' is Spark SQL's.
            Dialect::Spark => Box::new(sqlparser::dialect::DatabricksDialect {}),
            Dialect::Bigquery => Box::new(BigQueryDialect {}),
            Dialect::Snowflake => Box::new(SnowflakeDialect {}),
        };
        let _ = GenericDialect {};
        let mut texts = vec![smql::sql::create_table(
            &rules.program,
            dialect,
            "leads",
            false,
        )];
        match support::compile(&rules, dialect, &columns, AS_OF[0], false) {
            Ok(q) => texts.push(q),
            Err(e) if dialect == Dialect::Snowflake => assert!(e.contains("POSIX"), "{e}"),
            Err(e) => panic!("{dialect:?}: {e}"),
        }
        for seed in 0..8 {
            for (case, _, _) in random_cases(seed, dialect).unwrap_or_default() {
                texts.extend(case.queries);
            }
        }
        for text in texts {
            if let Err(e) = sqlparser::parser::Parser::parse_sql(&*parser, &text) {
                panic!("{dialect:?} does not parse: {e}\n{text}");
            }
        }
    }
}

fn golden_rules() -> RuleSet {
    let text = support::read(Path::new("tests/it/sql_engines/golden.smql"));
    RuleSet::compile_str("golden.smql", &text).unwrap_or_else(|e| panic!("{e}"))
}

fn golden_sql(dialect: Dialect) -> String {
    let rules = golden_rules();
    let columns = smql::output::rows::default_columns(&rules.program);
    support::compile(&rules, dialect, &columns, AS_OF[0], false).unwrap_or_else(|e| panic!("{e}"))
}

/// BigQuery and Snowflake have no engine here: their output is kept, to be read in review.
#[test]
fn golden_bigquery_and_snowflake() {
    insta::assert_snapshot!("golden_bigquery", golden_sql(Dialect::Bigquery));
    insta::assert_snapshot!("golden_snowflake", golden_sql(Dialect::Snowflake));
    let rules = golden_rules();
    insta::assert_snapshot!(
        "golden_ddl_bigquery",
        smql::sql::create_table(&rules.program, Dialect::Bigquery, "crm.leads", false)
    );
    insta::assert_snapshot!(
        "golden_ddl_snowflake",
        smql::sql::create_table(&rules.program, Dialect::Snowflake, "leads", true)
    );
}

/// sqlglot reads every dialect's output as that dialect (a second parser beside sqlparser's).
#[test]
fn sqlglot_parses_every_dialect() {
    if !support::has_module("sqlglot") {
        return support::missing("sqlglot (PyPI `sqlglot`)");
    }
    let rules = b2b_saas();
    let columns = support::all_columns(&rules.program);
    let mut texts = Vec::new();
    for dialect in Dialect::ALL {
        let name = match dialect {
            Dialect::Duckdb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Spark => "spark",
            Dialect::Bigquery => "bigquery",
            Dialect::Snowflake => "snowflake",
        };
        texts.push((name, golden_sql(dialect)));
        texts.push((
            name,
            smql::sql::create_table(&rules.program, dialect, "leads", false),
        ));
        if let Ok(q) = support::compile(&rules, dialect, &columns, AS_OF[0], false) {
            texts.push((name, q));
        }
    }
    let job: Vec<serde_json::Value> = texts
        .iter()
        .map(|(d, t)| serde_json::json!({"dialect": d, "sql": t}))
        .collect();
    let path = support::data_file("sqlglot", &serde_json::Value::Array(job).to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let script = r#"
import json, sys, sqlglot
failed = 0
for job in json.load(open(sys.argv[1])):
    try:
        sqlglot.parse(job["sql"], read=job["dialect"], error_level=sqlglot.ErrorLevel.RAISE)
    except Exception as e:
        failed += 1
        print(job["dialect"], str(e)[:500])
sys.exit(1 if failed else 0)
"#;
    let out = std::process::Command::new(support::python())
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "sqlglot does not parse:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
