//! The queries run on DuckDB, PostgreSQL and Spark equal `smql eval`, row by row.

use super::cases::{cases_wanted, example_case, random_cases, AS_OF};
use super::support::{self, Expected};
use smql::sql::Dialect;

/// Compiles the example and `random` rule sets for `dialect`, runs them on `engine`, and
/// fails with every difference. On Spark, `spark_example` runs after them in the same session;
/// what it said is returned.
fn agree(
    engine: &str,
    dialect: Dialect,
    random: usize,
    extra: &[&str],
    spark_example: Option<serde_json::Value>,
) -> Option<serde_json::Value> {
    let mut cases = Vec::new();
    let mut columns = Vec::new();
    let mut sources = vec![String::from("(examples/b2b-saas)")];
    let (c, cols) = example_case(dialect);
    cases.push(c);
    columns.push(cols);
    for seed in 0..random as u32 {
        for (c, cols, src) in
            random_cases(seed, dialect).unwrap_or_else(|e| panic!("seed {seed}: {e}"))
        {
            cases.push(c);
            columns.push(cols);
            sources.push(src);
        }
    }
    let started = std::time::Instant::now();
    let ran = support::run(engine, &cases, extra, spark_example).unwrap_or_else(|e| panic!("{e}"));
    let results = ran.results;
    let mut failures = Vec::new();
    let (mut compared, mut beyond) = (0, 0);
    let range = support::timestamp_range(engine);
    for (i, (case, got)) in cases.iter().zip(&results).enumerate() {
        for (q, (want, got)) in case.expected.iter().zip(got).enumerate() {
            compared += 1;
            match support::compare(want, got, &columns[i], range) {
                Ok(support::Agreement::Same) => {}
                Ok(support::Agreement::BeyondRange) => beyond += 1,
                Err(e) => failures.push(format!(
                    "{} (now {}): {e}\n--- rules\n{}\n--- query\n{}",
                    case.name, AS_OF[q], sources[i], case.queries[q]
                )),
            }
        }
    }
    let errors = cases
        .iter()
        .flat_map(|c| &c.expected)
        .filter(|e| matches!(e, Expected::Error(_)))
        .count();
    let rows: usize = cases
        .iter()
        .flat_map(|c| &c.expected)
        .map(|e| match e {
            Expected::Rows(r) => r.len(),
            Expected::Error(_) => 0,
        })
        .sum();
    eprintln!(
        "{engine}: {compared} queries compared ({rows} rows; {errors} where smql stops on an overflow; {beyond} stopped on an instant the engine cannot hold), {} differ; {:.1} s on the engine",
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(first) = failures.first() {
        let all: Vec<&str> = failures
            .iter()
            .map(|f| f.lines().next().unwrap_or(""))
            .collect();
        panic!(
            "{} of {compared} queries differ on {engine}:\n{}\n\nthe first in full:\n{first}",
            failures.len(),
            all.join("\n")
        );
    }
    ran.example
}

#[test]
fn duckdb_agrees_with_eval() {
    if !support::has_module("duckdb") {
        return support::missing("DuckDB (PyPI `duckdb`)");
    }
    agree("duckdb", Dialect::Duckdb, cases_wanted(), &[], None);
}

#[test]
fn postgres_agrees_with_eval() {
    if !support::has_module("psycopg") {
        return support::missing("the PostgreSQL driver (PyPI `psycopg[binary]`)");
    }
    let server = match super::postgres::Server::start() {
        None => return support::missing("PostgreSQL (Debian `postgresql`: initdb, pg_ctl)"),
        Some(s) => s.unwrap_or_else(|e| panic!("cannot start PostgreSQL: {e}")),
    };
    let dsn = server.dsn();
    agree(
        "postgres",
        Dialect::Postgres,
        cases_wanted(),
        &["--dsn", &dsn],
        None,
    );
}

#[test]
fn spark_agrees_with_eval() {
    let java = std::process::Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !support::has_module("pyspark") || !java {
        return support::missing("Spark (PyPI `pyspark` and a Java runtime)");
    }
    // One session (its JVM start-up is most of the time): the equivalence cases, then the
    // examples/spark pipeline.
    let example = super::spark_example::prepare();
    let said = agree(
        "spark",
        Dialect::Spark,
        cases_wanted().div_ceil(10),
        &[],
        Some(example.job()),
    );
    example.check(said);
}
