import { UnsupportedTableError } from '../errors';
import { rowMatches } from '../expressions/evaluators';
import type { FileIO } from '../io/file-io';
import type { NameMapping } from '../spec/name-mapping';
import { describeType, isPrimitiveType, type Row, type Schema } from '../spec/schema';
import type { LoadedTable } from '../spec/table-metadata';
import type { Deadline } from '../util/deadline';
import { mapLimited } from '../util/map-limited';
import { DeleteLoader, survives } from './deletes';
import { readFileRows } from './file-reader';
import { type FileScanTask, planScan, type ScanOptions } from './plan-scan';

export interface ReadRowsOptions {
  /** The table's `schema.name-mapping.default`, for data files written without field ids. */
  nameMapping?: NameMapping;
  deadline?: Deadline;
  /** Shares loaded delete files between the tasks of one scan. */
  deletes?: DeleteLoader;
}

function assertReadableSchema(schema: Schema): void {
  for (const field of schema.fields) {
    if (!isPrimitiveType(field.type)) {
      throw new UnsupportedTableError(
        `column ${field.name} has type ${describeType(field.type)}, which this reader cannot decode`,
      );
    }
  }
}

/**
 * Reads one task's data file as rows of `schema`, matching columns by field id as Iceberg
 * readers do (by the name mapping for files written without ids), and drops the rows its delete
 * files delete: positions from position delete files or a deletion vector, and rows equal to an
 * equality delete on its columns. Timestamps come back as bigint microseconds.
 */
export async function readRows(
  io: FileIO,
  task: FileScanTask,
  schema: Schema,
  options: ReadRowsOptions = {},
): Promise<Row[]> {
  assertReadableSchema(schema);
  const { nameMapping, deadline } = options;
  const { keyById, rows } = await readFileRows(io, task.file, {
    ...(nameMapping ? { nameMapping } : {}),
    ...(deadline ? { deadline } : {}),
  });
  const loader = options.deletes ?? new DeleteLoader(io, { nameMapping, deadline });
  const deletes =
    task.deletes.length > 0 ? await loader.forFile(task.file, task.deletes) : undefined;
  const out: Row[] = [];
  rows.forEach((object, position) => {
    if (deletes && !survives(deletes, position, (id) => object[keyById.get(id) ?? ''] ?? null)) {
      return;
    }
    const row: Row = {};
    for (const field of schema.fields) {
      // Matched by field id only: a name could belong to another column after a rename.
      const key = keyById.get(field.id);
      const value = key === undefined ? undefined : object[key];
      row[field.name] = value === undefined ? null : (value as Row[string]);
    }
    out.push(row);
  });
  return out;
}

/**
 * The positions (from 0) of a task's data file rows that its delete files delete, for readers
 * that read the data file themselves (DuckDB): positions from position delete files or a
 * deletion vector, and the rows an equality delete matches (only those columns are read).
 */
export async function deletedPositions(
  io: FileIO,
  task: FileScanTask,
  options: ReadRowsOptions = {},
): Promise<number[]> {
  if (task.deletes.length === 0) return [];
  const { nameMapping, deadline } = options;
  const loader = options.deletes ?? new DeleteLoader(io, { nameMapping, deadline });
  const deletes = await loader.forFile(task.file, task.deletes);
  if (deletes.equality.length > 0) {
    const fieldIds = [...new Set(deletes.equality.flatMap((eq) => eq.fieldIds))];
    const { keyById, rows } = await readFileRows(io, task.file, {
      fieldIds,
      ...(nameMapping ? { nameMapping } : {}),
      ...(deadline ? { deadline } : {}),
    });
    rows.forEach((row, position) => {
      if (!survives(deletes, position, (id) => row[keyById.get(id) ?? ''] ?? null)) {
        deletes.positions.add(position);
      }
    });
  }
  return [...deletes.positions].sort((a, b) => a - b);
}

export interface ScanRowsOptions extends ScanOptions {
  /** Data files read at once (default 4). */
  fileConcurrency?: number;
}

/**
 * Every row of the table (or of a snapshot) that passes the filter, deletes applied: the plan
 * opens only files that may hold such rows, and the filter is applied to their rows exactly.
 */
export async function scanRows(
  io: FileIO,
  table: LoadedTable,
  options: ScanRowsOptions = {},
): Promise<Row[]> {
  const plan = await planScan(io, table, options);
  const loader = new DeleteLoader(io, {
    nameMapping: plan.nameMapping,
    deadline: options.deadline,
  });
  const perFile = await mapLimited(plan.tasks, options.fileConcurrency ?? 4, (task) =>
    readRows(io, task, plan.schema, {
      ...(plan.nameMapping ? { nameMapping: plan.nameMapping } : {}),
      ...(options.deadline ? { deadline: options.deadline } : {}),
      deletes: loader,
    }),
  );
  const rows = perFile.flat();
  if (plan.filter.op === 'true') return rows;
  return rows.filter((row) => rowMatches(plan.filter, (ref) => row[ref.name] ?? null));
}
