import {
  and,
  between,
  currentSchema,
  DeleteLoader,
  equal,
  type FileIO,
  type LoadedTable,
  or,
  planScan,
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
  // Only files whose partition and column bounds may hold one of the pairs are opened, and
  // rows deleted by other engines' delete files do not count.
  const filter = or(
    ...[...wanted].map(([p, offsets]) => {
      const sorted = [...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return and(
        equal(partitionField.name, p),
        between(offsetField.name, sorted[0]!, sorted[sorted.length - 1]!),
      );
    }),
  );
  const plan = await planScan(io, table, { filter });
  const loader = new DeleteLoader(io, plan.nameMapping ? { nameMapping: plan.nameMapping } : {});
  for (const task of plan.tasks) {
    const rows = await readRows(io, task, schema, {
      ...(plan.nameMapping ? { nameMapping: plan.nameMapping } : {}),
      deletes: loader,
    });
    for (const row of rows) {
      const p = Number(row.source_partition);
      const o = row.source_offset as bigint;
      if (wanted.get(p)?.has(o)) found.add(`${p}:${o}`);
    }
  }
  return lookup;
}
