//! The harness of the SQL engine tests: what smql says a table's rows are, what an engine
//! says (through `engines.py`, one process and one engine session per run), and the
//! comparison of the two.

use serde_json::Value as Json;
use smql::eval::{Engine, Evaluator, Lead, Source};
use smql::ir::{Name, Program};
use smql::sql::{self, Dialect};
use smql::value::Value;
use smql::RuleSet;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The project's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where `.ci/install-engines` puts the engines: under the cargo target directory.
pub fn engines_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        root().join(target)
    };
    target.join("sql-engines")
}

/// The Python that has the engines' packages (`SMQL_SQL_PYTHON` overrides).
pub fn python() -> PathBuf {
    std::env::var_os("SMQL_SQL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| engines_dir().join("venv/bin/python"))
}

/// Whether `module` imports in [`python`].
pub fn has_module(module: &str) -> bool {
    Command::new(python())
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Locally a missing engine skips its test with what to install; under `CI=true` it fails.
pub fn missing(what: &str) {
    let message = format!(
        "{what} is not installed: run `.ci/install-engines` (it installs into {})",
        engines_dir().display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}");
    }
    eprintln!("skipped: {message}");
}

/// One table and the queries run over it.
pub struct Case {
    pub name: String,
    pub ddl: String,
    /// The table's rows, one JSON object per line, columns named as in the DDL.
    pub data: PathBuf,
    pub queries: Vec<String>,
    /// Per query: the rows by key, or why smql failed on a lead.
    pub expected: Vec<Expected>,
}

/// What `smql eval` gives for a table.
pub enum Expected {
    /// Each lead's key and its selected values, in the columns' order.
    Rows(BTreeMap<String, Vec<Value>>),
    /// A lead's evaluation failed (an overflow): the query must fail too.
    Error(String),
}

/// The columns the tests ask for: the key, the stage, every score and grade, and every
/// definition, so every node of the rules is compared.
pub fn all_columns(program: &Program) -> Vec<(String, Source)> {
    let mut cols = smql::output::rows::default_columns(program);
    for (i, d) in program.defs.iter().enumerate() {
        cols.push((
            d.name.clone(),
            Source::Name(Name::Def(smql::ir::DefId(i as u32))),
        ));
    }
    cols
}

/// The query for `rules` in `dialect`, its columns and `now`.
pub fn compile(
    rules: &RuleSet,
    dialect: Dialect,
    columns: &[(String, Source)],
    now: i64,
    input_names: bool,
) -> Result<String, String> {
    let options = sql::Options {
        dialect,
        table: "leads",
        input_names,
        columns: columns.to_vec(),
        as_of: Some(now),
        create_view: None,
    };
    sql::compile(&rules.program, &options).map_err(|ds| {
        ds.iter()
            .map(|d| format!("{} at {:?}", d.message, rules.sources.slice(d.primary.span)))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// `smql eval`'s values of `columns` for every lead of `ndjson` (read as `smql eval` reads it).
pub fn expected(
    rules: &RuleSet,
    ndjson: &str,
    columns: &[(String, Source)],
    now: i64,
) -> Result<Expected, String> {
    let ev = Evaluator::new(rules, Engine::Auto).map_err(|e| e.to_string())?;
    let mut rows = BTreeMap::new();
    for line in ndjson.lines().filter(|l| !l.trim().is_empty()) {
        let lead = Lead::from_json(&ev, line).map_err(|e| e.to_string())?;
        let scored = match ev.eval_lead(&lead, now) {
            Ok(s) => s,
            Err(e) => return Ok(Expected::Error(e.message)),
        };
        let key = match scored.get(&columns[0].0) {
            Some(Value::Str(k)) => k.to_string(),
            other => return Err(format!("a lead without a string key: {other:?}")),
        };
        let values = columns
            .iter()
            .map(|(name, _)| scored.get(name).unwrap_or(Value::Missing))
            .collect();
        rows.insert(key, values);
    }
    Ok(Expected::Rows(rows))
}

/// The leads of `ndjson` as the table's rows (columns named as the fields): timestamps in RFC
/// 3339, which every engine's JSON reader takes, everything else as JSON has it.
pub fn table_rows(rules: &RuleSet, ndjson: &str) -> Result<String, String> {
    let ev = Evaluator::new(rules, Engine::Interp).map_err(|e| e.to_string())?;
    let schema = &rules.program.schema;
    let mut out = String::new();
    for line in ndjson.lines().filter(|l| !l.trim().is_empty()) {
        let lead = Lead::from_json(&ev, line).map_err(|e| e.to_string())?;
        let mut o = serde_json::Map::new();
        for (f, v) in schema.fields.iter().zip(lead.fields()) {
            let names: Vec<String> = match f.ty.base() {
                smql::ir::Ty::Records(r) => r.fields.iter().map(|f| f.name.clone()).collect(),
                _ => Vec::new(),
            };
            o.insert(f.name.clone(), to_json(&v, &names));
        }
        out.push_str(&Json::Object(o).to_string());
        out.push('\n');
    }
    Ok(out)
}

fn to_json(v: &Value, record_fields: &[String]) -> Json {
    match v {
        Value::Missing => Json::Null,
        Value::Int(i) | Value::Duration(i) => Json::from(*i),
        Value::Number(x) => Json::from(*x),
        Value::Str(s) => Json::from(s.to_string()),
        Value::Bool(b) => Json::from(*b),
        Value::Timestamp(ms) => Json::from(rfc3339_ms(*ms)),
        Value::List(items) => {
            Json::Array(items.iter().map(|i| to_json(i, record_fields)).collect())
        }
        Value::Record(fields) => Json::Object(
            record_fields
                .iter()
                .zip(fields.iter())
                .map(|(n, v)| (n.clone(), to_json(v, &[])))
                .collect(),
        ),
    }
}

/// `2026-11-01T09:30:00.000Z`: milliseconds always written.
fn rfc3339_ms(ms: i64) -> String {
    let text = smql::time::format_timestamp(ms);
    match text.strip_suffix('Z') {
        Some(base) if !base.contains('.') => format!("{base}.000Z"),
        _ => text,
    }
}

/// What an engine gave for one query: its rows, or its error.
pub type QueryResult = Result<Vec<Json>, String>;

/// What `engines.py` gave: per case, per query, the rows or the error; and what the Spark
/// example's pipeline said (`{"rows", "seconds"}`), when it was asked for.
pub struct Ran {
    pub results: Vec<Vec<QueryResult>>,
    pub example: Option<Json>,
}

/// Runs `cases` on `engine` through `engines.py`, in one engine session; then, on Spark,
/// `spark_example` (see `engines.py`) in the same session.
pub fn run(
    engine: &str,
    cases: &[Case],
    extra: &[&str],
    spark_example: Option<Json>,
) -> Result<Ran, String> {
    let dir = engines_dir().join("jobs");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let job_path = dir.join(format!("{engine}-{}.json", std::process::id()));
    let job: Vec<Json> = cases
        .iter()
        .map(|c| {
            serde_json::json!({"name": c.name, "ddl": c.ddl, "data": c.data, "queries": c.queries})
        })
        .collect();
    let job = serde_json::json!({"cases": job, "spark_example": spark_example});
    std::fs::write(&job_path, job.to_string()).map_err(|e| e.to_string())?;
    let out = Command::new(python())
        .arg(root().join("tests/it/sql_engines/engines.py"))
        .arg(engine)
        .arg(&job_path)
        .args(extra)
        .env("TZ", "UTC")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python().display()))?;
    let _ = std::fs::remove_file(&job_path);
    if !out.status.success() {
        return Err(format!(
            "engines.py {engine} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut results = Vec::new();
    let mut example = None;
    for line in text.lines() {
        let v: Json = serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
        if let Some(e) = v.get("example") {
            example = Some(e.clone());
            continue;
        }
        let per_query = v["results"]
            .as_array()
            .ok_or("no results")?
            .iter()
            .map(|r| match (r.get("rows"), r.get("error")) {
                (Some(Json::Array(rows)), _) => Ok(rows.clone()),
                (_, Some(e)) => Err(e.as_str().unwrap_or("?").to_string()),
                _ => Err(format!("an unreadable result: {r}")),
            })
            .collect();
        results.push(per_query);
    }
    if results.len() != cases.len() {
        return Err(format!(
            "{} results for {} cases",
            results.len(),
            cases.len()
        ));
    }
    Ok(Ran { results, example })
}

/// How a query's result compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// The same rows, or both stopped (smql on an overflow).
    Same,
    /// smql has an instant the engine's timestamps cannot hold, and the engine stopped.
    BeyondRange,
}

/// The instants (epoch ms) an engine's timestamps hold: DuckDB's and Spark's are microseconds
/// in an `i64`; PostgreSQL's start in 4713 BC.
pub fn timestamp_range(engine: &str) -> (i64, i64) {
    let micros = i64::MAX / 1000;
    match engine {
        "postgres" => (-210_866_803_200_000, micros),
        _ => (-micros, micros),
    }
}

fn beyond(v: &Value, (lo, hi): (i64, i64)) -> bool {
    match v {
        Value::Timestamp(ms) => *ms < lo || *ms > hi,
        Value::List(items) => items.iter().any(|i| beyond(i, (lo, hi))),
        _ => false,
    }
}

/// The engine's rows against smql's: the same keys, and each column the same value.
pub fn compare(
    expected: &Expected,
    got: &Result<Vec<Json>, String>,
    columns: &[(String, Source)],
    range: (i64, i64),
) -> Result<Agreement, String> {
    match (expected, got) {
        (Expected::Error(_), Err(_)) => Ok(Agreement::Same),
        (Expected::Error(e), Ok(_)) => {
            Err(format!("smql failed on a lead ({e}), the engine did not"))
        }
        (Expected::Rows(want), Err(_)) if want.values().flatten().any(|v| beyond(v, range)) => {
            Ok(Agreement::BeyondRange)
        }
        (Expected::Rows(_), Err(e)) => Err(format!("the engine failed: {e}")),
        (Expected::Rows(want), Ok(rows)) => {
            if rows.len() != want.len() {
                return Err(format!("{} rows, smql has {}", rows.len(), want.len()));
            }
            for row in rows {
                let key = row[&columns[0].0].as_str().ok_or("a row without its key")?;
                let values = want.get(key).ok_or_else(|| format!("unknown key {key}"))?;
                for ((name, _), v) in columns.iter().zip(values) {
                    let g = row.get(name).ok_or_else(|| format!("no column {name}"))?;
                    if !same(v, g) {
                        return Err(format!("lead {key}, column {name}: smql {v:?}, engine {g}"));
                    }
                }
            }
            Ok(Agreement::Same)
        }
    }
}

/// smql's value and the engine's are the same: exactly, numbers to a relative 1e-9.
fn same(v: &Value, g: &Json) -> bool {
    match (v, g) {
        (Value::Missing, Json::Null) => true,
        (Value::Int(i) | Value::Duration(i), Json::Number(n)) => n.as_i64() == Some(*i),
        (Value::Number(x), Json::String(s)) => match s.as_str() {
            "nan" => x.is_nan(),
            "inf" => *x == f64::INFINITY,
            "-inf" => *x == f64::NEG_INFINITY,
            _ => false,
        },
        (Value::Number(x), Json::Number(n)) => n.as_f64().is_some_and(|y| close(*x, y)),
        (Value::Str(s), Json::String(t)) => **s == **t,
        (Value::Bool(b), Json::Bool(c)) => b == c,
        (Value::Timestamp(ms), Json::Object(o)) => o.get("ms").and_then(Json::as_i64) == Some(*ms),
        (Value::List(items), Json::Array(gs)) => {
            items.len() == gs.len() && items.iter().zip(gs).all(|(i, g)| same(i, g))
        }
        _ => false,
    }
}

fn close(x: f64, y: f64) -> bool {
    x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()) || (x - y).abs() <= 1e-300
}

/// Writes `text` to a file of the engines' directory, for the engine to read.
pub fn data_file(name: &str, text: &str) -> Result<PathBuf, String> {
    let dir = engines_dir().join("data");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{name}-{}.ndjson", std::process::id()));
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    Ok(path)
}

/// Reads a file of the project.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
