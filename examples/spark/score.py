"""Scores a directory of leads on Spark with the query `smql compile --dialect spark` wrote.

    python examples/spark/score.py --ddl create.sql --query score.sql --leads DIR --out DIR
        [--format parquet|json] [--master local[2]]

DIR holds the table's rows: a Parquet directory (the scalable case: data already in a lake),
or NDJSON from `smql compile --rows`. The columns and their types come from the `--ddl`
statement, so Spark reads each file as the query expects. The scored rows (the columns of
`smql eval`) are written to --out as Parquet; the time and rows/s are printed to stderr.

The functions are what the scripts do, for a caller with its own session (the project's
engine tests run this pipeline in the Spark session they already have).
"""

import argparse
import sys
import time


def columns(ddl):
    """The column list of `CREATE TABLE name (…);`: Spark's DDL schema string."""
    return ddl[ddl.index("(") + 1 : ddl.rindex(")")].strip()


def session(master, app):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def read_leads(spark, ddl, path, fmt):
    """The leads at `path` as the table `leads`, with the DDL's column types."""
    reader = spark.read.schema(columns(ddl))
    if fmt == "parquet":
        leads = reader.parquet(path)
    else:
        leads = reader.option("mode", "FAILFAST").json(path)
    leads.createOrReplaceTempView("leads")
    return leads


def to_parquet(spark, ddl, rows, out, files):
    """NDJSON rows (`smql compile --rows`) as a directory of `files` Parquet files."""
    read_leads(spark, ddl, rows, "json").repartition(files).write.mode("overwrite").parquet(out)


def score(spark, ddl, query, leads, fmt, out):
    """Runs the query over the leads, writes the scored rows to `out`; (rows, seconds)."""
    started = time.time()
    read_leads(spark, ddl, leads, fmt)
    spark.sql(query.strip().rstrip(";")).write.mode("overwrite").parquet(out)
    seconds = time.time() - started
    return spark.read.parquet(out).count(), seconds


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ddl", required=True, help="`smql compile --dialect spark --ddl` output")
    p.add_argument("--query", required=True, help="`smql compile --dialect spark` output")
    p.add_argument("--leads", required=True, help="a Parquet directory, or NDJSON rows")
    p.add_argument("--format", choices=["parquet", "json"], default="parquet")
    p.add_argument("--out", required=True, help="where the scored rows go (Parquet)")
    p.add_argument("--master", default="local[2]")
    a = p.parse_args()

    started = time.time()
    spark = session(a.master, "smql-score")
    ready = time.time()
    ddl = open(a.ddl, encoding="utf-8").read()
    query = open(a.query, encoding="utf-8").read()
    rows, seconds = score(spark, ddl, query, a.leads, a.format, a.out)
    print(
        "scored %d leads in %.2f s (%.0f rows/s; Spark start-up %.1f s more)"
        % (rows, seconds, rows / max(seconds, 1e-9), ready - started),
        file=sys.stderr,
    )
    spark.stop()


if __name__ == "__main__":
    main()
