//! The rule sets the engine tests compile: the project's example and random well-typed ones,
//! each with its table and what `smql eval` gives for it.

use super::data::data;
use super::support::{self, Case, Expected};
use crate::support::gen::{Elem, Gen, Tape, SCHEMA};
use smql::eval::Source;
use smql::sql::Dialect;
use smql::RuleSet;
use std::path::Path;

/// The two `now`s every query is compiled for (2026-11-01, and a day after the epoch).
pub const AS_OF: [i64; 2] = [1_793_491_200_000, 86_400_000];

pub fn cases_wanted() -> usize {
    std::env::var("SMQL_SQL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40)
}

pub fn b2b_saas() -> RuleSet {
    let sources = smql::SourceMap::load_paths(&[support::root().join("examples/b2b-saas")])
        .unwrap_or_else(|e| panic!("{e}"));
    RuleSet::compile(sources).unwrap_or_else(|e| panic!("{e}"))
}

/// A case with the table's columns named as the input: the export itself is the table.
pub fn example_case(dialect: Dialect) -> (Case, Vec<(String, Source)>) {
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
pub type Random = (Case, Vec<(String, Source)>, String);

/// Random rule set `seed` and its leads, as cases for `dialect`: the leads smql evaluates at
/// every `now`, compared value by value; and, when some lead overflows, all of them, where the
/// query must stop.
pub fn random_cases(seed: u32, dialect: Dialect) -> Result<Vec<Random>, String> {
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
