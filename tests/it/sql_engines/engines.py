"""Runs compiled smql queries on a real engine, for tests/it/sql_engines.

    python engines.py duckdb|spark|postgres JOB.json [--dsn DSN]   -> one JSON line per case

JOB.json is {"cases": [...], "spark_example": {...} or null}. A case is {"name", "ddl", "data"
(an NDJSON file of the table's rows, columns named as in the DDL), "queries": [SQL, ...]}. For
each case the table is created from the DDL, loaded from the data, and every query is run; the
line printed is {"name", "results": [{"rows": [...]} | {"error": "..."}]}. On Spark,
"spark_example" {"dir", "ddl", "rows", "query", "parquet", "files", "out"} then runs
examples/spark's pipeline (rows to a Parquet directory, scored to `out`) in the same session,
printing {"example": {"rows", "seconds"}}. Values are printed so the Rust side
compares them exactly: timestamps as epoch milliseconds, doubles as their repr ("nan", "inf"
as strings), decimals as strings. One engine session serves the whole job (Spark starts once).
"""

import datetime
import decimal
import json
import math
import re
import sys


def value(v):
    if isinstance(v, bool) or v is None or isinstance(v, int) or isinstance(v, str):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    if isinstance(v, decimal.Decimal):
        return {"decimal": str(v)}
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        delta = v - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return {"ms": delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000}
    if hasattr(v, "asDict"):  # a Spark Row (a row, or a struct): before tuple, which it is
        return {k: value(x) for k, x in v.asDict().items()}
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {k: value(x) for k, x in v.items()}
    return str(v)


def quote(name):
    return '"%s"' % name.replace('"', '""')


def ddl_columns(ddl):
    """The column list of a CREATE TABLE statement, as written."""
    body = ddl[ddl.index("(") + 1 : ddl.rindex(")")]
    return body.strip()


def run_duckdb(job):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    # It draws on stdout, where the results go, when a query takes seconds.
    con.execute("SET enable_progress_bar = false")
    for case in job:
        con.execute("DROP TABLE IF EXISTS leads")
        con.execute(case["ddl"])
        types = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'leads' ORDER BY ordinal_position").fetchall()
        columns = "{" + ", ".join("'%s': '%s'" % (n.replace("'", "''"), t) for n, t in types) + "}"
        con.execute(
            "INSERT INTO leads SELECT * FROM read_json(?, format = 'newline_delimited', columns = %s)" % columns,
            [case["data"]],
        )
        yield case["name"], [duckdb_query(con, q) for q in case["queries"]]


def duckdb_query(con, q):
    import pyarrow as pa

    try:
        # Timestamps leave as epoch ms: DuckDB holds instants (a TIMESTAMP_MS) that neither
        # Arrow's microseconds nor Python's datetime can.
        con.execute("CREATE OR REPLACE TEMP VIEW smql_result AS " + q.rstrip().rstrip(";"))
        types = con.execute("SELECT column_name, column_type FROM (DESCRIBE smql_result)").fetchall()
        items = ", ".join(
            ('epoch_ms(%s) AS %s' if t.startswith("TIMESTAMP") else "%s AS %s") % (quote(n), quote(n))
            for n, t in types
        )
        cur = con.execute("SELECT %s FROM smql_result" % items)
        stamps = {n for n, t in types if t.startswith("TIMESTAMP")}
        table = cur.to_arrow_table() if hasattr(cur, "to_arrow_table") else cur.fetch_arrow_table()
    except Exception as e:  # the engine's error is the result
        return {"error": str(e)}
    columns = []
    for field, column in zip(table.schema, table.columns):
        if field.name in stamps:
            columns.append([None if v is None else {"ms": v} for v in column.to_pylist()])
        else:
            columns.append([value(v) for v in column.to_pylist()])
    names = table.schema.names
    return {"rows": [dict(zip(names, row)) for row in zip(*columns)] if columns else []}


def pg_timestamp_ms(text):
    """`YYYY-MM-DD HH:MM:SS[.ffffff]+00[ BC]` (any year) as epoch milliseconds."""
    bc = text.endswith(" BC")
    text = text[:-3] if bc else text
    m = re.fullmatch(r"(\d+)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?\+00", text)
    year, month, day, h, mi, sec, frac = m.groups()
    year = int(year)
    if bc:
        year = 1 - year
    # Days from the civil date (proleptic Gregorian), as smql's time module counts them.
    y = year - (1 if int(month) <= 2 else 0)
    era = y // 400
    yoe = y - era * 400
    mp = (int(month) + 9) % 12
    doy = (153 * mp + 2) // 5 + int(day) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    ms = int((frac or "0").ljust(3, "0")[:3])
    return {"ms": ((days * 24 + int(h)) * 60 + int(mi)) * 60_000 + int(sec) * 1000 + ms}


def run_postgres(job, dsn):
    import psycopg
    from psycopg.adapt import Loader

    class TimestampMs(Loader):
        def load(self, data):
            return pg_timestamp_ms(bytes(data).decode())

    con = psycopg.connect(dsn, autocommit=True)
    con.adapters.register_loader("timestamptz", TimestampMs)
    # A query that runs away fails the test instead of hanging it.
    con.execute("SET statement_timeout = '120s'")
    con.execute("SET TimeZone = 'UTC'")
    for case in job:
        con.execute("DROP TABLE IF EXISTS leads")
        con.execute(case["ddl"])
        rows = [json.loads(line) for line in open(case["data"], encoding="utf-8") if line.strip()]
        con.execute(
            "INSERT INTO leads SELECT * FROM jsonb_populate_recordset(NULL::leads, %s::jsonb)",
            [json.dumps(rows)],
        )
        results = []
        for q in case["queries"]:
            try:
                cur = con.execute(q)
                names = [d.name for d in cur.description]
                results.append({"rows": [dict(zip(names, map(value, r))) for r in cur.fetchall()]})
            except Exception as e:
                results.append({"error": str(e)})
        yield case["name"], results


def run_spark(job, example):
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("smql-sql-engines")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for case in job:
        schema = ddl_columns(case["ddl"])
        df = spark.read.schema(schema).option("mode", "FAILFAST").json(case["data"])
        df.createOrReplaceTempView("leads")
        results = []
        for q in case["queries"]:
            try:
                df = spark.sql(q)
                stamps = [f.name for f in df.schema.fields if f.dataType.typeName() == "timestamp"]
                # Through microseconds: Python's datetime stops at the years 1 and 9999.
                df = df.select(
                    *[F.unix_micros(F.col("`%s`" % f.name)).alias(f.name) if f.name in stamps else F.col("`%s`" % f.name) for f in df.schema.fields]
                )
                rows = [value(r) for r in df.collect()]
                for r in rows:
                    for c in stamps:
                        if r[c] is not None:
                            r[c] = {"ms": r[c] // 1000}
                results.append({"rows": rows})
            except Exception as e:
                results.append({"error": re.sub(r"\s+", " ", str(e))[:2000]})
        yield case["name"], results
    if example:
        sys.path.insert(0, example["dir"])
        import score

        ddl = open(example["ddl"], encoding="utf-8").read()
        query = open(example["query"], encoding="utf-8").read()
        score.to_parquet(spark, ddl, example["rows"], example["parquet"], example["files"])
        rows, seconds = score.score(spark, ddl, query, example["parquet"], "parquet", example["out"])
        yield "examples/spark", {"rows": rows, "seconds": seconds}
    spark.stop()


def main():
    engine, path = sys.argv[1], sys.argv[2]
    job = json.load(open(path, encoding="utf-8"))
    cases, example = job["cases"], job.get("spark_example")
    if engine == "duckdb":
        out = run_duckdb(cases)
    elif engine == "postgres":
        out = run_postgres(cases, sys.argv[sys.argv.index("--dsn") + 1])
    elif engine == "spark":
        out = run_spark(cases, example)
    else:
        sys.exit("unknown engine " + engine)
    for name, results in out:
        if name == "examples/spark":
            print(json.dumps({"example": results}), flush=True)
        else:
            print(json.dumps({"name": name, "results": results}), flush=True)


if __name__ == "__main__":
    main()
