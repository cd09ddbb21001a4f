"""Scans an Iceberg table through a REST catalog with PyIceberg and prints JSON.

Input (stdin, JSON): uri, warehouse, namespace, table, s3_endpoint, s3_region,
s3_access_key_id, s3_secret_access_key.
Output (stdout, JSON): snapshot_count, last_sequence_number, current_snapshot_id, arrow_schema (column -> Arrow
type), field_ids (column -> Iceberg field id) and rows. Timestamps are written as integer
microseconds and 64-bit integers as strings, so nothing loses precision on the way.
"""

import json
import sys

import pyarrow as pa
from pyiceberg.catalog import load_catalog


def main() -> None:
    args = json.load(sys.stdin)
    catalog = load_catalog(
        "verify",
        **{
            "type": "rest",
            "uri": args["uri"],
            "warehouse": args["warehouse"],
            "s3.endpoint": args["s3_endpoint"],
            "s3.path-style-access": "true",
            "s3.region": args["s3_region"],
            "s3.access-key-id": args["s3_access_key_id"],
            "s3.secret-access-key": args["s3_secret_access_key"],
        },
    )
    table = catalog.load_table((args["namespace"], args["table"]))
    arrow = table.scan().to_arrow()
    columns = {}
    for name in arrow.column_names:
        column = arrow.column(name)
        if pa.types.is_timestamp(column.type):
            columns[name] = [None if v is None else str(v) for v in column.cast(pa.int64()).to_pylist()]
        elif pa.types.is_int64(column.type):
            columns[name] = [None if v is None else str(v) for v in column.to_pylist()]
        else:
            columns[name] = column.to_pylist()
    rows = [{name: columns[name][i] for name in arrow.column_names} for i in range(arrow.num_rows)]
    current = table.current_snapshot()
    print(
        json.dumps(
            {
                "snapshot_count": len(table.metadata.snapshots),
                "last_sequence_number": table.metadata.last_sequence_number,
                "current_snapshot_id": None if current is None else str(current.snapshot_id),
                "arrow_schema": {f.name: str(f.type) for f in arrow.schema},
                "field_ids": {f.name: f.field_id for f in table.schema().fields},
                "rows": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
