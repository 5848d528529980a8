//! examples/spark, as its README shows it: `smql compile` writes the DDL, the rows and the
//! query; `to_parquet` writes the rows as a Parquet directory, `score` scores it. The two
//! steps run in Spark's one session of the test run (`engines.py` imports the example's
//! `score.py`); the scored Parquet files must equal `smql eval` on the same export.

use super::support;
use std::path::PathBuf;

const RULES: &str = "examples/b2b-saas";
const EXPORT: &str = "examples/b2b-saas/leads.ndjson";

/// The example's files, written by `smql compile`.
pub struct Example {
    dir: PathBuf,
}

fn smql(args: &[&str]) -> std::process::Output {
    crate::support::smql_in(&support::root(), args)
}

/// Writes `create.sql`, `rows.ndjson` and `score.sql` as the README's commands do.
pub fn prepare() -> Example {
    let dir = support::engines_dir().join(format!("spark-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let example = Example { dir };
    for (args, out) in [
        (vec!["--ddl"], "create.sql"),
        (vec!["--rows", EXPORT, "-q"], "rows.ndjson"),
        (vec!["--as-of", "2026-11-01"], "score.sql"),
    ] {
        let path = example.file(out);
        let mut all = vec!["compile", RULES, "--dialect", "spark", "-o", &path];
        all.extend(args);
        let o = smql(&all);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    example
}

impl Example {
    fn file(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    /// The `spark_example` step of `engines.py`'s job.
    pub fn job(&self) -> serde_json::Value {
        serde_json::json!({
            "dir": support::root().join("examples/spark"),
            "ddl": self.file("create.sql"),
            "rows": self.file("rows.ndjson"),
            "query": self.file("score.sql"),
            "parquet": self.file("leads.parquet"),
            "files": 3,
            "out": self.file("scored"),
        })
    }

    /// What the pipeline said, and the scored Parquet files against `smql eval`.
    pub fn check(self, said: Option<serde_json::Value>) {
        let said = said.unwrap_or_else(|| panic!("the Spark example did not run"));
        assert_eq!(said["rows"], 1000, "{said}");
        eprintln!(
            "examples/spark: 1000 leads from Parquet scored in {:.1} s (the session already up)",
            said["seconds"].as_f64().unwrap_or(f64::NAN)
        );
        let eval = self.file("eval.ndjson");
        let o = smql(&[
            "eval",
            RULES,
            EXPORT,
            "--as-of",
            "2026-11-01",
            "--format",
            "ndjson",
            "-q",
            "-o",
            &eval,
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let check = r#"
import json, sys
import pyarrow.parquet as pq
want = {}
for line in open(sys.argv[1]):
    r = json.loads(line); want[r["id"]] = r
got = pq.read_table(sys.argv[2]).to_pylist()
assert len(got) == len(want), (len(got), len(want))
for r in got:
    assert list(r) == list(want[r["id"]]), (list(r), list(want[r["id"]]))
    for k, v in want[r["id"]].items():
        g = r[k]
        ok = abs(v - g) <= 1e-9 * max(abs(v), abs(g)) if isinstance(v, float) else v == g
        assert ok, (r["id"], k, v, g)
"#;
        let o = std::process::Command::new(support::python())
            .args(["-c", check, &eval, &self.file("scored")])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
