"""Writes `smql compile --rows` NDJSON as a Parquet directory with the `--ddl` schema, the way a
lake would hold the leads.

    python examples/spark/to_parquet.py --ddl create.sql --rows rows.ndjson --out DIR [--files N]
"""

import argparse

from score import columns


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ddl", required=True)
    p.add_argument("--rows", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--files", type=int, default=4, help="Parquet files to write")
    p.add_argument("--master", default="local[2]")
    a = p.parse_args()

    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(a.master)
        .appName("smql-to-parquet")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    schema = columns(open(a.ddl, encoding="utf-8").read())
    rows = spark.read.schema(schema).option("mode", "FAILFAST").json(a.rows)
    rows.repartition(a.files).write.mode("overwrite").parquet(a.out)
    spark.stop()


if __name__ == "__main__":
    main()
