"""Scores a directory of leads on Spark with the query `smql compile --dialect spark` wrote.

    python examples/spark/score.py --ddl create.sql --query score.sql --leads DIR --out DIR
        [--format parquet|json] [--master local[2]]

DIR holds the table's rows: a Parquet directory (the scalable case: data already in a lake),
or NDJSON from `smql compile --rows`. The columns and their types come from the `--ddl`
statement, so Spark reads each file as the query expects. The scored rows (the columns of
`smql eval`) are written to --out as Parquet; the time and rows/s are printed to stderr.
"""

import argparse
import sys
import time


def columns(ddl):
    """The column list of `CREATE TABLE name (…);`: Spark's DDL schema string."""
    return ddl[ddl.index("(") + 1 : ddl.rindex(")")].strip()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ddl", required=True, help="`smql compile --dialect spark --ddl` output")
    p.add_argument("--query", required=True, help="`smql compile --dialect spark` output")
    p.add_argument("--leads", required=True, help="a Parquet directory, or NDJSON rows")
    p.add_argument("--format", choices=["parquet", "json"], default="parquet")
    p.add_argument("--out", required=True, help="where the scored rows go (Parquet)")
    p.add_argument("--master", default="local[2]")
    a = p.parse_args()

    from pyspark.sql import SparkSession

    started = time.time()
    spark = (
        SparkSession.builder.master(a.master)
        .appName("smql-score")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    ready = time.time()
    schema = columns(open(a.ddl, encoding="utf-8").read())
    reader = spark.read.schema(schema)
    leads = reader.parquet(a.leads) if a.format == "parquet" else reader.option("mode", "FAILFAST").json(a.leads)
    leads.createOrReplaceTempView("leads")
    query = open(a.query, encoding="utf-8").read().strip().rstrip(";")
    scored = spark.sql(query)
    scored.write.mode("overwrite").parquet(a.out)
    done = time.time()
    rows = spark.read.parquet(a.out).count()
    print(
        "scored %d leads in %.2f s (%.0f rows/s; Spark start-up %.1f s more)"
        % (rows, done - ready, rows / max(done - ready, 1e-9), ready - started),
        file=sys.stderr,
    )
    spark.stop()


if __name__ == "__main__":
    main()
