"""Runs compiled smql queries on a real engine, for tests/sql_engines.rs.

    python engines.py duckdb|spark|postgres JOB.json [--dsn DSN]   -> one JSON line per case

JOB.json is a list of cases, each {"name", "ddl", "data" (an NDJSON file of the table's rows,
columns named as in the DDL), "queries": [SQL, ...]}. For each case the table is created from
the DDL, loaded from the data, and every query is run; the line printed is
{"name", "results": [{"rows": [...]} | {"error": "..."}]}. Values are printed so the Rust side
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
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {k: value(x) for k, x in v.items()}
    if hasattr(v, "asDict"):  # a Spark Row (a struct)
        return {k: value(x) for k, x in v.asDict().items()}
    return str(v)


def ddl_columns(ddl):
    """The column list of a CREATE TABLE statement, as written."""
    body = ddl[ddl.index("(") + 1 : ddl.rindex(")")]
    return body.strip()


def run_duckdb(job):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
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
    try:
        cur = con.execute(q)
        names = [d[0] for d in cur.description]
        return {"rows": [dict(zip(names, map(value, r))) for r in cur.fetchall()]}
    except Exception as e:  # the engine's error is the result
        return {"error": str(e)}


def run_postgres(job, dsn):
    import psycopg

    con = psycopg.connect(dsn, autocommit=True)
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


def run_spark(job):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("smql-sql-engines")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
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
                rows = spark.sql(q).collect()
                results.append({"rows": [value(r) for r in rows]})
            except Exception as e:
                results.append({"error": re.sub(r"\s+", " ", str(e))[:2000]})
        yield case["name"], results
    spark.stop()


def main():
    engine, path = sys.argv[1], sys.argv[2]
    job = json.load(open(path, encoding="utf-8"))
    if engine == "duckdb":
        out = run_duckdb(job)
    elif engine == "postgres":
        out = run_postgres(job, sys.argv[sys.argv.index("--dsn") + 1])
    elif engine == "spark":
        out = run_spark(job)
    else:
        sys.exit("unknown engine " + engine)
    for name, results in out:
        print(json.dumps({"name": name, "results": results}), flush=True)


if __name__ == "__main__":
    main()
