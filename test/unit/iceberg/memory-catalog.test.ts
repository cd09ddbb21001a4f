import { describe, expect, it } from 'vitest';
import { SENSOR_ALERTS_PARTITION_SPEC, SENSOR_ALERTS_SCHEMA } from '../../../lib/alerts/table';
import {
  CatalogError,
  CommitConflictError,
  InMemoryCatalog,
  type Snapshot,
  type TableRequirement,
  type TableUpdate,
} from '../../../lib/iceberg';

const ident = { namespace: ['demo'], name: 't' };

function snapshot(
  id: bigint,
  seq: bigint,
  parent?: bigint,
  extra: Partial<Snapshot> = {},
): Snapshot {
  return {
    'snapshot-id': id,
    ...(parent !== undefined ? { 'parent-snapshot-id': parent } : {}),
    'sequence-number': seq,
    'timestamp-ms': 1_000 + Number(seq),
    'manifest-list': `s3://warehouse/demo/t/metadata/snap-${id}.avro`,
    summary: { operation: 'append' },
    ...extra,
  };
}

const addAndSet = (s: Snapshot, ref = 'main'): TableUpdate[] => [
  { action: 'add-snapshot', snapshot: s },
  { action: 'set-snapshot-ref', 'ref-name': ref, type: 'branch', 'snapshot-id': s['snapshot-id'] },
];

async function newCatalog(formatVersion = 2) {
  const catalog = new InMemoryCatalog({ now: () => 5_000 });
  await catalog.createNamespaceIfAbsent(ident.namespace);
  const table = catalog.createTable(ident, SENSOR_ALERTS_SCHEMA, SENSOR_ALERTS_PARTITION_SPEC, {
    formatVersion,
  });
  const commit = (requirements: TableRequirement[], updates: TableUpdate[]) =>
    catalog.commitTable(ident, { requirements, updates }, { idempotencyKey: 'k' });
  return { catalog, table, commit };
}

describe('InMemoryCatalog requirements', () => {
  it.each<[string, (uuid: string) => TableRequirement, boolean]>([
    ['assert-create on an existing table', () => ({ type: 'assert-create' }), false],
    ['assert-table-uuid, same', (uuid) => ({ type: 'assert-table-uuid', uuid }), true],
    [
      'assert-table-uuid, another table',
      () => ({ type: 'assert-table-uuid', uuid: '00000000-0000-4000-8000-000000000000' }),
      false,
    ],
    [
      'assert-ref-snapshot-id null while main is absent',
      () => ({ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }),
      true,
    ],
    [
      'assert-ref-snapshot-id on a missing ref',
      () => ({ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 1n }),
      false,
    ],
    [
      'assert-last-assigned-field-id',
      () => ({ type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 8 }),
      true,
    ],
    [
      'assert-last-assigned-field-id, stale',
      () => ({ type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 7 }),
      false,
    ],
    [
      'assert-current-schema-id',
      () => ({ type: 'assert-current-schema-id', 'current-schema-id': 0 }),
      true,
    ],
    [
      'assert-current-schema-id, stale',
      () => ({ type: 'assert-current-schema-id', 'current-schema-id': 1 }),
      false,
    ],
    [
      'assert-last-assigned-partition-id',
      () => ({ type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 1000 }),
      true,
    ],
    [
      'assert-last-assigned-partition-id, stale',
      () => ({ type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 999 }),
      false,
    ],
    [
      'assert-default-spec-id',
      () => ({ type: 'assert-default-spec-id', 'default-spec-id': 0 }),
      true,
    ],
    [
      'assert-default-spec-id, stale',
      () => ({ type: 'assert-default-spec-id', 'default-spec-id': 1 }),
      false,
    ],
    [
      'assert-default-sort-order-id',
      () => ({ type: 'assert-default-sort-order-id', 'default-sort-order-id': 0 }),
      true,
    ],
    [
      'assert-default-sort-order-id, stale',
      () => ({ type: 'assert-default-sort-order-id', 'default-sort-order-id': 2 }),
      false,
    ],
  ])('%s holds: %s', async (_name, requirement, holds) => {
    // Prepare
    const { table, commit } = await newCatalog();

    // Act
    const attempt = commit(
      [requirement(String(table.metadata['table-uuid']))],
      [{ action: 'set-properties', updates: { a: '1' } }],
    );

    // Assess
    if (holds) await expect(attempt).resolves.toBeDefined();
    else await expect(attempt).rejects.toBeInstanceOf(CommitConflictError);
  });

  it('refuses assert-ref-snapshot-id null once main exists, and a moved branch', async () => {
    // Prepare
    const { commit } = await newCatalog();
    await commit([], addAndSet(snapshot(1n, 1n)));

    // Act / Assess
    await expect(
      commit([{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }], []),
    ).rejects.toThrow(/branch main was created concurrently/);
    await expect(
      commit([{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 2n }], []),
    ).rejects.toThrow(/has changed: expected id 2 != 1/);
  });
});

describe('InMemoryCatalog updates', () => {
  it('adds snapshots, moves main and logs it, and keeps the last sequence number', async () => {
    // Prepare
    const { catalog, commit } = await newCatalog();

    // Act
    await commit([], addAndSet(snapshot(1n, 1n)));
    const after = await commit([], addAndSet(snapshot(2n, 2n, 1n)));

    // Assess
    const m = after.metadata;
    expect(m['current-snapshot-id']).toBe(2n);
    expect(m.refs?.main).toEqual({ 'snapshot-id': 2n, type: 'branch' });
    expect(m['last-sequence-number']).toBe(2n);
    expect(m['snapshot-log']?.map((e) => e['snapshot-id'])).toEqual([1n, 2n]);
    expect(m['metadata-log']).toHaveLength(2);
    expect(catalog.commits.map((c) => c.outcome)).toEqual(['applied', 'applied']);
  });

  it('answers a stale sequence number with a conflict and an unknown snapshot with a 400', async () => {
    // Prepare
    const { commit } = await newCatalog();
    await commit([], addAndSet(snapshot(1n, 1n)));
    await commit([], addAndSet(snapshot(2n, 2n, 1n)));

    // Act / Assess
    await expect(commit([], addAndSet(snapshot(3n, 2n, 2n)))).rejects.toBeInstanceOf(
      CommitConflictError,
    );
    const unknown = commit(
      [],
      [{ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 9n }],
    );
    await expect(unknown).rejects.toBeInstanceOf(CatalogError);
    await expect(unknown).rejects.toMatchObject({ status: 400, retryable: false });
    await expect(commit([], addAndSet(snapshot(2n, 3n, 2n)))).rejects.toThrow(/already exists/);
  });

  it('removes snapshots with their refs and the log before them, and refs on their own', async () => {
    // Prepare
    const { commit } = await newCatalog();
    await commit([], addAndSet(snapshot(1n, 1n)));
    await commit([], addAndSet(snapshot(2n, 2n, 1n)));
    await commit(
      [],
      [{ action: 'set-snapshot-ref', 'ref-name': 'audit', type: 'tag', 'snapshot-id': 1n }],
    );
    await commit([], addAndSet(snapshot(3n, 3n, 2n)));

    // Act
    const expired = await commit([], [{ action: 'remove-snapshots', 'snapshot-ids': [1n, 2n] }]);
    const unref = await commit([], [{ action: 'remove-snapshot-ref', 'ref-name': 'main' }]);

    // Assess
    expect(expired.metadata.snapshots?.map((s) => s['snapshot-id'])).toEqual([3n]);
    expect(Object.keys(expired.metadata.refs ?? {})).toEqual(['main']);
    expect(expired.metadata['snapshot-log']?.map((e) => e['snapshot-id'])).toEqual([3n]);
    expect(unref.metadata['current-snapshot-id']).toBeNull();
    expect(unref.metadata.refs).toEqual({});
  });

  it('sets and removes properties', async () => {
    // Prepare
    const { commit } = await newCatalog();

    // Act
    await commit([], [{ action: 'set-properties', updates: { a: '1', b: '2' } }]);
    const after = await commit([], [{ action: 'remove-properties', removals: ['a', 'x'] }]);

    // Assess
    expect(after.metadata.properties).toEqual({ b: '2' });
  });

  it('on v3 requires first-row-id, refuses one behind next-row-id, and moves next-row-id by added-rows', async () => {
    // Prepare
    const { commit } = await newCatalog(3);

    // Act
    const first = await commit(
      [],
      addAndSet(snapshot(1n, 1n, undefined, { 'first-row-id': 0n, 'added-rows': 10n })),
    );
    const missing = commit([], addAndSet(snapshot(2n, 2n, 1n)));
    const behind = commit(
      [],
      addAndSet(snapshot(3n, 2n, 1n, { 'first-row-id': 5n, 'added-rows': 1n })),
    );

    // Assess
    expect(first.metadata['next-row-id']).toBe(10n);
    await expect(missing).rejects.toMatchObject({ status: 400 });
    await expect(behind).rejects.toBeInstanceOf(CommitConflictError);
  });

  it('upgrades the format version but never downgrades it', async () => {
    // Prepare
    const { commit } = await newCatalog(2);

    // Act
    const upgraded = await commit([], [{ action: 'upgrade-format-version', 'format-version': 3 }]);
    const down = commit([], [{ action: 'upgrade-format-version', 'format-version': 2 }]);

    // Assess
    expect(upgraded.metadata['format-version']).toBe(3);
    expect(upgraded.metadata['next-row-id']).toBe(0n);
    await expect(down).rejects.toMatchObject({ status: 400 });
  });

  it('serves only the current snapshot when asked to, as Nessie does', async () => {
    // Prepare
    const { catalog, commit } = await newCatalog();
    await commit([], addAndSet(snapshot(1n, 1n)));
    await commit([], addAndSet(snapshot(2n, 2n, 1n)));
    catalog.servesCurrentSnapshotOnly = true;

    // Act
    const served = await catalog.loadTable(ident);

    // Assess
    expect(served.metadata.snapshots?.map((s) => s['snapshot-id'])).toEqual([2n]);
    expect(catalog.metadataOf(ident).snapshots).toHaveLength(2);
  });
});
