import { describe, expect, it } from 'vitest';
import type { LoadedTable } from '../../../lib/iceberg';
import { partitionHealth, readHealth } from '../../../local/dashboard/health';

const key = 'sensor-alerts.offsets.readings.classifier';

function table(properties: Record<string, string>): LoadedTable {
  return {
    metadataLocation: 's3://w/t/metadata/2.json',
    metadata: {
      'format-version': 2,
      'table-uuid': 'u',
      location: 's3://w/t',
      properties,
      'current-snapshot-id': 2n,
      refs: { main: { 'snapshot-id': 2n, type: 'branch' } },
      snapshots: [
        {
          'snapshot-id': 1n,
          'sequence-number': 1n,
          'timestamp-ms': 1_000,
          'manifest-list': 's3://w/t/1.avro',
          summary: { operation: 'append', [key]: '{"0":4}' },
        },
        {
          'snapshot-id': 2n,
          'parent-snapshot-id': 1n,
          'sequence-number': 2n,
          'timestamp-ms': 5_000,
          'manifest-list': 's3://w/t/2.avro',
          summary: { operation: 'replace' },
        },
      ],
    },
  } as unknown as LoadedTable;
}

describe('partitionHealth', () => {
  it('computes consumer lag and what is not yet in the table per partition', () => {
    // Act
    const health = partitionHealth(
      [
        { partition: 1, low: '0', high: '10' },
        { partition: 0, low: '0', high: '100' },
        { partition: 2, low: '50', high: '60' },
      ],
      [
        { partition: 0, offset: '90' },
        { partition: 1, offset: '-1' },
        { partition: 2, offset: '60' },
      ],
      { 0: 79n, 2: 59n },
    );

    // Assess
    expect(health).toEqual([
      { partition: 0, end: '100', groupOffset: '90', lag: '10', tableOffset: '79', tableLag: '20' },
      { partition: 1, end: '10', groupOffset: null, lag: '10', tableOffset: null, tableLag: '10' },
      { partition: 2, end: '60', groupOffset: '60', lag: '0', tableOffset: '59', tableLag: '0' },
    ]);
  });
});

describe('readHealth', () => {
  it('reads freshness from main and the last group commit from the snapshot with the offsets', async () => {
    // Act
    const health = await readHealth({
      admin: {
        fetchTopicOffsets: async () => [{ partition: 0, low: '0', high: '10', offset: '10' }],
        fetchOffsets: async () => [
          { topic: 'readings', partitions: [{ partition: 0, offset: '10', metadata: null }] },
        ],
      },
      readingsTopic: 'readings',
      groupId: 'classifier',
      table: { namespace: ['demo'], name: 't' },
      loadTable: async () => table({ [key]: '{"0":9}' }),
      now: () => 7_500,
    });

    // Assess
    expect(health.errors).toEqual([]);
    expect(health.table).toMatchObject({
      lastChangeMs: 5_000,
      lastChangeOperation: 'replace',
      lastGroupCommitMs: 1_000,
      freshnessMs: 2_500,
    });
    // The table property, not the older summary, holds the committed offsets.
    expect(health.partitions[0]).toMatchObject({ tableOffset: '9', tableLag: '0', lag: '0' });
  });

  it('reports a failing source and still answers the others', async () => {
    // Act
    const health = await readHealth({
      admin: {
        fetchTopicOffsets: async () => [{ partition: 0, low: '0', high: '3', offset: '3' }],
        fetchOffsets: async () => [
          { topic: 'readings', partitions: [{ partition: 0, offset: '1', metadata: null }] },
        ],
      },
      readingsTopic: 'readings',
      groupId: 'classifier',
      table: { namespace: ['demo'], name: 't' },
      loadTable: async () => {
        throw new Error('catalog down');
      },
    });

    // Assess
    expect(health.errors).toEqual(['table demo.t: catalog down']);
    expect(health.table).toBeNull();
    expect(health.totalLag).toBe('2');
  });
});
