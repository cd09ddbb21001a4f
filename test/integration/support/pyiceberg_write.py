"""Writes to an Iceberg table through a REST catalog with PyIceberg, as another engine would.

Input (stdin, JSON): the connection arguments of pyiceberg_scan.py plus "action":
  "append"              append "rows" (objects with the table's columns; timestamps as
                        integer microseconds, 64-bit integers as strings)
  "rewrite"             overwrite the table with its own current rows (a foreign commit that
                        changes no data, like a compaction by another engine)
  "remove-property"     remove table property "key"
Output (stdout, JSON): the current snapshot id and the table properties after the action.
"""

import json
import sys

import pyarrow as pa
from pyiceberg.catalog import load_catalog


def main() -> None:
    args = json.load(sys.stdin)
    catalog = load_catalog(
        "writer",
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
    action = args["action"]
    if action == "append":
        schema = table.schema().as_arrow()
        columns = {field.name: [] for field in schema}
        for row in args["rows"]:
            for field in schema:
                value = row.get(field.name)
                if value is not None and (pa.types.is_int64(field.type) or pa.types.is_timestamp(field.type)):
                    value = int(value)
                columns[field.name].append(value)
        arrays = []
        for field in schema:
            if pa.types.is_timestamp(field.type):
                arrays.append(pa.array(columns[field.name], pa.int64()).cast(field.type))
            else:
                arrays.append(pa.array(columns[field.name], field.type))
        table.append(pa.Table.from_arrays(arrays, schema=schema))
    elif action == "rewrite":
        table.overwrite(table.scan().to_arrow())
    elif action == "remove-property":
        with table.transaction() as tx:
            tx.remove_properties(args["key"])
    else:
        raise SystemExit(f"unknown action {action}")
    table = catalog.load_table((args["namespace"], args["table"]))
    current = table.current_snapshot()
    print(
        json.dumps(
            {
                "current_snapshot_id": None if current is None else str(current.snapshot_id),
                "properties": dict(table.properties),
            }
        )
    )


if __name__ == "__main__":
    main()
