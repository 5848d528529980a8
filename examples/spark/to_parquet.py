"""Writes `smql compile --rows` NDJSON as a Parquet directory with the `--ddl` schema, the way a
lake would hold the leads.

    python examples/spark/to_parquet.py --ddl create.sql --rows rows.ndjson --out DIR [--files N]
"""

import argparse

from score import session, to_parquet


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ddl", required=True)
    p.add_argument("--rows", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--files", type=int, default=4, help="Parquet files to write")
    p.add_argument("--master", default="local[2]")
    a = p.parse_args()

    spark = session(a.master, "smql-to-parquet")
    to_parquet(spark, open(a.ddl, encoding="utf-8").read(), a.rows, a.out, a.files)
    spark.stop()


if __name__ == "__main__":
    main()
