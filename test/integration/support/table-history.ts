import type { RestCatalog, TableIdentifier } from '../../../lib/iceberg';

/**
 * How many snapshots were committed to a table, counted where the catalog keeps the history.
 *
 * Nessie keeps only the current snapshot in the table metadata it serves: its history is the
 * commit log of the branch, one `Update ICEBERG_TABLE` commit per snapshot. Other catalogs keep
 * every snapshot in the metadata.
 */
export async function committedSnapshotCount(
  catalog: RestCatalog,
  ident: TableIdentifier,
): Promise<number> {
  const nessieApi = catalog.properties['nessie.core-base-uri'];
  if (!nessieApi) {
    const { metadata } = await catalog.loadTable(ident);
    return metadata.snapshots?.length ?? 0;
  }
  const key = [...ident.namespace, ident.name].join('.');
  // The filter needs the operations, which only `fetch=ALL` loads.
  const filter = encodeURIComponent(`operations.exists(op, op.key == "${key}")`);
  const url = new URL(
    `v2/trees/main/history?fetch=ALL&max-records=1000&filter=${filter}`,
    nessieApi,
  );
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Nessie history answered ${response.status}`);
  const body = (await response.json()) as { logEntries: { commitMeta: { message: string } }[] };
  return body.logEntries.filter((e) => e.commitMeta.message.startsWith('Update ICEBERG_TABLE'))
    .length;
}
