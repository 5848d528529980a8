//! `smql compile` as a command: its options, its refusals, and the README's way from a CSV
//! export to scored rows (DuckDB here; Spark's is run in `agree`, in Spark's one session).

use super::support;

/// `smql` run in the project's root, so paths are the repository's.
fn smql(args: &[&str]) -> std::process::Output {
    crate::support::smql_in(&support::root(), args)
}

#[test]
fn compile_command_writes_sql_ddl_and_views() {
    let out = smql(&[
        "compile",
        "tests/it/sql_engines/golden.smql",
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
        "tests/it/sql_engines/golden.smql",
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
        "tests/it/sql_engines/golden.smql",
        "--dialect",
        "postgres",
        "--select",
        "id,idle_days,nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nope`"));
    let out = smql(&[
        "compile",
        "tests/it/sql_engines/golden.smql",
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
c.execute("SET enable_progress_bar = false")  # it draws on stdout when a query takes seconds
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
