//! `smql compile` on real engines (PRQL's integration tests are the model): the project's
//! example rule set and random well-typed rule sets are compiled, run on DuckDB, PostgreSQL and
//! Spark over the same leads, and compared with `smql eval` row by row (every definition,
//! score, grade and the stage; numbers to a relative 1e-9). BigQuery's and Snowflake's output
//! is parsed by `sqlparser`'s dialects and by sqlglot, and kept as golden snapshots.
//!
//! `.ci/install-engines` installs the engines. Without them these tests skip, saying what to
//! install; under `CI=true` they fail. `SMQL_SQL_CASES` sets the number of random rule sets
//! (default 40; Spark runs a tenth of them in its one session for the whole run, with the
//! examples/spark pipeline: a query takes it seconds to plan, and its JVM long to start on a
//! shared 2-core machine).

mod agree;
mod cases;
mod commands;
mod data;
mod dialects;
mod postgres;
mod spark_example;
pub(crate) mod support;
