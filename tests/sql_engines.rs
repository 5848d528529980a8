//! `smql compile` on real engines (PRQL's integration tests are the model): the project's
//! example rule set and random well-typed rule sets are compiled, run on DuckDB, PostgreSQL and
//! Spark over the same leads, and compared with `smql eval` row by row (every definition,
//! score, grade and the stage; numbers to a relative 1e-9). BigQuery's and Snowflake's output
//! is parsed by `sqlparser`'s dialects and by sqlglot, and kept as golden snapshots.
//!
//! `.ci/install-engines` installs the engines. Without them these tests skip, saying what to
//! install; under `CI=true` they fail. `SMQL_SQL_CASES` sets the number of random rule sets
//! (default 40; Spark runs a tenth of them: a query takes it seconds to plan, and its JVM a
//! minute to start on a shared 2-core machine).

#[path = "sql_engines/mod.rs"]
mod support;

use smql::eval::Source;
use smql::sql::Dialect;
use smql::RuleSet;
use std::path::Path;
use support::gen::{data, Elem, Gen, Tape, SCHEMA};
use support::{Case, Expected};

const AS_OF: [i64; 2] = [1_793_491_200_000, 86_400_000];

fn cases_wanted() -> usize {
    std::env::var("SMQL_SQL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40)
}

fn b2b_saas() -> RuleSet {
    let sources = smql::SourceMap::load_paths(&[support::root().join("examples/b2b-saas")])
        .unwrap_or_else(|e| panic!("{e}"));
    RuleSet::compile(sources).unwrap_or_else(|e| panic!("{e}"))
}

/// A case with the table's columns named as the input: the export itself is the table.
fn example_case(dialect: Dialect) -> (Case, Vec<(String, Source)>) {
    let rules = b2b_saas();
    let columns = support::all_columns(&rules.program);
    let data_path = support::root().join("examples/b2b-saas/leads.ndjson");
    let ndjson = support::read(Path::new("examples/b2b-saas/leads.ndjson"));
    let mut queries = Vec::new();
    let mut expected = Vec::new();
    for now in AS_OF {
        queries.push(
            support::compile(&rules, dialect, &columns, now, true)
                .unwrap_or_else(|e| panic!("{e}")),
        );
        expected.push(
            support::expected(&rules, &ndjson, &columns, now).unwrap_or_else(|e| panic!("{e}")),
        );
    }
    let case = Case {
        name: "examples/b2b-saas".into(),
        ddl: smql::sql::create_table(&rules.program, dialect, "leads", true),
        data: data_path,
        queries,
        expected,
    };
    (case, columns)
}

fn tape(seed: u32, a: u32, b: u32) -> Vec<u32> {
    (0..2000u32)
        .map(|i| i.wrapping_mul(a).wrapping_add(seed.wrapping_mul(b)))
        .collect()
}

/// A random case, its columns and its rules' source.
type Random = (Case, Vec<(String, Source)>, String);

/// Random rule set `seed` and its leads, as cases for `dialect`: the leads smql evaluates at
/// every `now`, compared value by value; and, when some lead overflows, all of them, where the
/// query must stop.
fn random_cases(seed: u32, dialect: Dialect) -> Result<Vec<Random>, String> {
    let rules_tape = tape(seed, 2_654_435_761, 40_503);
    let mut g = Gen {
        t: Tape {
            tape: &rules_tape,
            pos: 0,
        },
        defs: Vec::new(),
        scores: Vec::new(),
        grades: Vec::new(),
        stage: None,
        elem: Elem::None,
    };
    let source = format!("{SCHEMA}{}", g.rules());
    let rules =
        RuleSet::compile_str("random.smql", &source).map_err(|e| format!("{e}\n{source}"))?;
    let data_tape = tape(seed, 2_246_822_519, 1);
    let mut t = Tape {
        tape: &data_tape,
        pos: 0,
    };
    let rows = 1 + t.pick(30);
    let leads = data(&mut t, rows, dialect == Dialect::Postgres);
    let columns = support::all_columns(&rules.program);
    let evaluates = |line: &str| {
        AS_OF.iter().all(|&now| {
            matches!(
                support::expected(&rules, line, &columns, now),
                Ok(Expected::Rows(_))
            )
        })
    };
    let clean: String = leads
        .lines()
        .filter(|l| evaluates(l))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut tables = vec![("", clean.clone())];
    if clean.len() < leads.len() {
        tables.push((" with the leads that overflow", leads.clone()));
    }
    let mut cases = Vec::new();
    for (label, ndjson) in tables {
        let table = support::table_rows(&rules, &ndjson)?;
        let path = support::data_file(
            &format!("random-{seed}-{dialect:?}-{}", cases.len()),
            &table,
        )?;
        let mut queries = Vec::new();
        let mut expected = Vec::new();
        for now in AS_OF {
            queries.push(
                support::compile(&rules, dialect, &columns, now, false)
                    .map_err(|e| format!("{e}\n{source}"))?,
            );
            expected.push(support::expected(&rules, &ndjson, &columns, now)?);
        }
        let case = Case {
            name: format!("random rule set {seed}{label}"),
            ddl: smql::sql::create_table(&rules.program, dialect, "leads", false),
            data: path,
            queries,
            expected,
        };
        cases.push((case, columns.clone(), source.clone()));
    }
    Ok(cases)
}

/// Compiles the example and `random` rule sets for `dialect`, runs them on `engine`, and
/// fails with every difference.
fn agree(engine: &str, dialect: Dialect, random: usize, extra: &[&str]) {
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
    let results = support::run(engine, &cases, extra).unwrap_or_else(|e| panic!("{e}"));
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
        "{engine}: {compared} queries compared ({rows} rows; {errors} where smql stops on an overflow; {beyond} stopped on an instant the engine cannot hold), {} differ",
        failures.len()
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
}

#[test]
fn duckdb_agrees_with_eval() {
    if !support::has_module("duckdb") {
        return support::missing("DuckDB (PyPI `duckdb`)");
    }
    agree("duckdb", Dialect::Duckdb, cases_wanted(), &[]);
}

#[test]
fn postgres_agrees_with_eval() {
    if !support::has_module("psycopg") {
        return support::missing("the PostgreSQL driver (PyPI `psycopg[binary]`)");
    }
    let server = match support::postgres::Server::start() {
        None => return support::missing("PostgreSQL (Debian `postgresql`: initdb, pg_ctl)"),
        Some(s) => s.unwrap_or_else(|e| panic!("cannot start PostgreSQL: {e}")),
    };
    let dsn = server.dsn();
    agree(
        "postgres",
        Dialect::Postgres,
        cases_wanted(),
        &["--dsn", &dsn],
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
    agree("spark", Dialect::Spark, cases_wanted().div_ceil(10), &[]);
}

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
    let text = support::read(Path::new("tests/sql_engines/golden.smql"));
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

fn smql(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_smql"))
        .args(args)
        .current_dir(support::root())
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn compile_command_writes_sql_ddl_and_views() {
    let out = smql(&[
        "compile",
        "tests/sql_engines/golden.smql",
        "--dialect",
        "duckdb",
        "--as-of",
        "2026-11-01",
        "--create-view",
        "scored",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("CREATE OR REPLACE VIEW \"scored\" AS"),
        "{text}"
    );
    assert!(text.contains("AS \"tier\""), "{text}");
    let out = smql(&[
        "compile",
        "tests/sql_engines/golden.smql",
        "--dialect",
        "spark",
        "--ddl",
        "--table",
        "lake.leads",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("CREATE TABLE `lake`.`leads` ("), "{text}");
    assert!(
        text.contains("`events` ARRAY<STRUCT<`type`: STRING, `at`: TIMESTAMP>>"),
        "{text}"
    );
    let out = smql(&[
        "compile",
        "tests/sql_engines/golden.smql",
        "--dialect",
        "postgres",
        "--select",
        "id,idle_days,nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nope`"));
    let out = smql(&[
        "compile",
        "tests/sql_engines/golden.smql",
        "--dialect",
        "oracle",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn what_a_dialect_cannot_say_is_refused_at_the_construct() {
    let dir = support::engines_dir().join("cli");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let rules = dir.join(format!("refused-{}.smql", std::process::id()));
    std::fs::write(
        &rules,
        "schema {\n  email: string\n}\nword when email matches \"\\\\bvp\\\\b\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = rules.display().to_string();
    let out = smql(&["compile", &path, "--dialect", "duckdb", "--select", "word"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("smql::sql::unsupported"), "{err}");
    assert!(err.contains("cannot compile this for DuckDB"), "{err}");
    assert!(err.contains(":4:11]"), "points at the construct: {err}");
    assert!(out.stdout.is_empty(), "nothing is written");
    // No engine has Unicode word boundaries.
    let out = smql(&["compile", &path, "--dialect", "spark", "--select", "word"]);
    assert_eq!(out.status.code(), Some(1));
    // Without a key, the default columns start with the record number, which a table lacks.
    let out = smql(&["compile", &path, "--dialect", "duckdb"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`record`"), "{err}");
    let _ = std::fs::remove_file(&rules);
}

/// The README's way from `leads.csv` to scored rows in DuckDB, statement for statement.
#[test]
fn readme_csv_to_duckdb() {
    if !support::has_module("duckdb") {
        return support::missing("DuckDB (PyPI `duckdb`)");
    }
    let dir = support::engines_dir().join(format!("readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = |n: &str| dir.join(n).display().to_string();
    let rules = "examples/b2b-saas";
    let csv = "examples/b2b-saas/leads.csv";
    for (args, out) in [
        (vec!["--ddl"], "create.sql"),
        (vec!["--rows", csv, "-q"], "rows.ndjson"),
        (vec!["--as-of", "2026-11-01"], "score.sql"),
    ] {
        let mut all = vec!["compile", rules, "--dialect", "duckdb", "-o"];
        let path = file(out);
        all.push(&path);
        all.extend(args);
        let o = smql(&all);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let script = r#"
import duckdb, json, sys
d = sys.argv[1]
c = duckdb.connect()
c.execute(open(d + "/create.sql").read())
c.execute("INSERT INTO leads BY NAME SELECT * FROM read_json('%s/rows.ndjson')" % d)
cur = c.execute(open(d + "/score.sql").read())
names = [x[0] for x in cur.description]
for r in cur.fetchall():
    print(json.dumps(dict(zip(names, r))))
"#;
    let out = std::process::Command::new(support::python())
        .args(["-c", script, &dir.display().to_string()])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let eval = smql(&[
        "eval",
        rules,
        csv,
        "--as-of",
        "2026-11-01",
        "--format",
        "ndjson",
        "-q",
    ]);
    let rows = |text: &[u8]| -> std::collections::BTreeMap<String, serde_json::Value> {
        String::from_utf8_lossy(text)
            .lines()
            .map(|l| {
                let v: serde_json::Value =
                    serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
                (v["id"].as_str().unwrap_or_default().to_string(), v)
            })
            .collect()
    };
    let (want, got) = (rows(&eval.stdout), rows(&out.stdout));
    assert_eq!(want.len(), 1000);
    assert_eq!(want.len(), got.len());
    for (key, w) in &want {
        let g = &got[key];
        for (col, wv) in w.as_object().into_iter().flatten() {
            let gv = &g[col];
            let same = match (wv.as_f64(), gv.as_f64()) {
                (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()),
                _ => wv == gv,
            };
            assert!(same, "lead {key}, {col}: smql {wv}, DuckDB {gv}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// examples/spark: the export as a Parquet directory, scored by the compiled query, equals
/// `smql eval` (two short Spark runs on the example's 1,000 leads).
#[test]
fn spark_example_scores_a_parquet_directory() {
    let java = std::process::Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !support::has_module("pyspark") || !java {
        return support::missing("Spark (PyPI `pyspark` and a Java runtime)");
    }
    let dir = support::engines_dir().join(format!("spark-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = |n: &str| dir.join(n).display().to_string();
    let rules = "examples/b2b-saas";
    let ndjson = "examples/b2b-saas/leads.ndjson";
    for (args, out) in [
        (vec!["--ddl"], "create.sql"),
        (vec!["--rows", ndjson, "-q"], "rows.ndjson"),
        (vec!["--as-of", "2026-11-01"], "score.sql"),
    ] {
        let path = file(out);
        let mut all = vec!["compile", rules, "--dialect", "spark", "-o", &path];
        all.extend(args);
        let o = smql(&all);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let example = support::root().join("examples/spark");
    let run = |script: &str, args: &[String]| {
        let o = std::process::Command::new(support::python())
            .arg(example.join(script))
            .args(args)
            .current_dir(&example)
            .env("TZ", "UTC")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            o.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let s = |x: &str| x.to_string();
    run(
        "to_parquet.py",
        &[
            s("--ddl"),
            file("create.sql"),
            s("--rows"),
            file("rows.ndjson"),
            s("--out"),
            file("leads.parquet"),
            s("--files"),
            s("3"),
        ],
    );
    let said = run(
        "score.py",
        &[
            s("--ddl"),
            file("create.sql"),
            s("--query"),
            file("score.sql"),
            s("--leads"),
            file("leads.parquet"),
            s("--out"),
            file("scored"),
        ],
    );
    assert!(said.contains("scored 1000 leads"), "{said}");
    // The scored Parquet files against `smql eval`.
    let check = r#"
import json, sys
import pyarrow.parquet as pq
want = {}
for line in open(sys.argv[1]):
    r = json.loads(line); want[r["id"]] = r
got = pq.read_table(sys.argv[2]).to_pylist()
assert len(got) == len(want), (len(got), len(want))
for r in got:
    for k, v in want[r["id"]].items():
        g = r[k]
        ok = abs(v - g) <= 1e-9 * max(abs(v), abs(g)) if isinstance(v, float) else v == g
        assert ok, (r["id"], k, v, g)
"#;
    let eval = smql(&[
        "eval",
        rules,
        ndjson,
        "--as-of",
        "2026-11-01",
        "--format",
        "ndjson",
        "-q",
        "-o",
        &file("eval.ndjson"),
    ]);
    assert_eq!(eval.status.code(), Some(0));
    let o = std::process::Command::new(support::python())
        .args(["-c", check, &file("eval.ndjson"), &file("scored")])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}
