import {
  currentSchema,
  type DataFile,
  type FileIO,
  fromSingleValueBytes,
  type LoadedTable,
  type NestedField,
  planFiles,
  readRows,
} from '../iceberg';
import type { LineageLookup } from './commit-plan';

export interface LineageQuery {
  partition: number;
  offsets: readonly bigint[];
}

/**
 * Which of the given (partition, offset) pairs the table already holds, by the rows' lineage
 * columns. Only files whose column bounds may contain a pair are read. Used for rows at or
 * below the committed offsets, which those offsets alone cannot place (commit-plan.ts, rule 2).
 */
export async function lineageInTable(
  io: FileIO,
  table: LoadedTable,
  queries: readonly LineageQuery[],
): Promise<LineageLookup> {
  const wanted = new Map<number, Set<bigint>>();
  for (const q of queries) {
    if (q.offsets.length === 0) continue;
    const set = wanted.get(q.partition) ?? new Set<bigint>();
    for (const o of q.offsets) set.add(o);
    wanted.set(q.partition, set);
  }
  const found = new Set<string>();
  const lookup: LineageLookup = (p, o) => found.has(`${p}:${o}`);
  if (wanted.size === 0) return lookup;

  const schema = currentSchema(table.metadata);
  const partitionField = schema.fields.find((f) => f.name === 'source_partition');
  const offsetField = schema.fields.find((f) => f.name === 'source_offset');
  if (!partitionField || !offsetField) return lookup;
  const ranges = [...wanted].map(([p, offsets]) => {
    const sorted = [...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { p, min: sorted[0]!, max: sorted[sorted.length - 1]! };
  });
  const files = (await planFiles(io, table)).filter((file) =>
    ranges.some(
      (r) =>
        mayHold(file, partitionField, BigInt(r.p), BigInt(r.p)) &&
        mayHold(file, offsetField, r.min, r.max),
    ),
  );
  for (const file of files) {
    for (const row of await readRows(io, file, schema)) {
      const p = Number(row.source_partition);
      const o = row.source_offset as bigint;
      if (wanted.get(p)?.has(o)) found.add(`${p}:${o}`);
    }
  }
  return lookup;
}

/** False only when the file's bounds prove that no value of the column lies in [min, max]. */
function mayHold(file: DataFile, field: NestedField, min: bigint, max: bigint): boolean {
  const lower = file.lowerBounds?.get(field.id);
  const upper = file.upperBounds?.get(field.id);
  if (lower && BigInt(fromSingleValueBytes(field.type, lower) as number | bigint) > max) {
    return false;
  }
  if (upper && BigInt(fromSingleValueBytes(field.type, upper) as number | bigint) < min) {
    return false;
  }
  return true;
}
