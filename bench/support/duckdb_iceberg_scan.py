"""Times queries over an Iceberg table with DuckDB 1.4.4 and its iceberg extension (from PyPI).

Input (stdin, JSON): extension_dir, uri, warehouse, namespace, table, s3_endpoint, s3_region,
s3_access_key_id, s3_secret_access_key, queries ({name: sql with {table}}), repeats.
Output (stdout, JSON): {attach_ms, queries: {name: {ms: [..], rows: [...]}}}.
"""

import json
import sys
import time
from urllib.parse import urlparse

import duckdb


def main() -> None:
    args = json.load(sys.stdin)
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    for name in ("httpfs", "avro", "iceberg"):
        con.execute(f"LOAD '{args['extension_dir']}/{name}.duckdb_extension'")
    endpoint = urlparse(args["s3_endpoint"])
    con.execute(
        """CREATE SECRET store (TYPE s3, KEY_ID ?, SECRET ?, REGION ?, ENDPOINT ?,
           URL_STYLE 'path', USE_SSL ?)""",
        [
            args["s3_access_key_id"],
            args["s3_secret_access_key"],
            args["s3_region"],
            endpoint.netloc,
            endpoint.scheme == "https",
        ],
    )
    start = time.perf_counter()
    con.execute(
        f"""ATTACH '{args["warehouse"]}' AS lake (TYPE iceberg, ENDPOINT '{args["uri"]}',
            AUTHORIZATION_TYPE 'none', ACCESS_DELEGATION_MODE 'none')"""
    )
    attach_ms = (time.perf_counter() - start) * 1000
    table = f'lake."{args["namespace"]}"."{args["table"]}"'
    out = {}
    for name, sql in args["queries"].items():
        times = []
        rows = []
        for _ in range(args["repeats"]):
            start = time.perf_counter()
            rows = con.execute(sql.replace("{table}", table)).fetchall()
            times.append((time.perf_counter() - start) * 1000)
        out[name] = {"ms": times, "rows": [[str(v) for v in row] for row in rows]}
    print(json.dumps({"attach_ms": attach_ms, "queries": out}))


if __name__ == "__main__":
    main()
