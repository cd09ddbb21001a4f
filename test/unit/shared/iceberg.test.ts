import { describe, expect, it } from 'vitest';
import { type AlertTableCatalog, ensureAlertTable } from '../../../functions/shared/iceberg';
import {
  CatalogError,
  type LoadedTable,
  MemoryFileIO,
  NoSuchTableError,
} from '../../../lib/iceberg';
import { emptyTable } from '../iceberg/support/fixtures';

const TABLE = { namespace: ['demo'], name: 'sensor_alerts' };
// The sensor_alerts table with a snapshot on main, so that no first snapshot is committed.
const LOADED: LoadedTable = {
  metadataLocation: 's3://w/demo.db/sensor_alerts/metadata/00000.json',
  metadata: {
    ...emptyTable().metadata,
    'current-snapshot-id': 1n,
    refs: { main: { 'snapshot-id': 1n, type: 'branch' } },
  },
};

/** A catalog that records which calls ensureAlertTable makes. */
function recordingCatalog(state: { table: boolean; namespace: boolean; createFails?: number }) {
  const calls: string[] = [];
  const catalog = {
    loadTable: async () => {
      calls.push('loadTable');
      if (!state.table) throw new NoSuchTableError('no table demo.sensor_alerts');
      return LOADED;
    },
    namespaceExists: async () => {
      calls.push('namespaceExists');
      return state.namespace;
    },
    createNamespaceIfAbsent: async () => {
      calls.push('createNamespace');
      state.namespace = true;
    },
    createTableIfAbsent: async () => {
      calls.push('createTable');
      if (state.createFails) {
        throw new CatalogError('POST /v1/namespaces/demo/tables answered 403: not authorized', {
          status: state.createFails,
        });
      }
      state.table = true;
      return LOADED;
    },
    commitTable: async () => LOADED,
  } as unknown as AlertTableCatalog;
  return { catalog, calls };
}

describe('ensureAlertTable', () => {
  it('refuses a table the writer cannot append to before any batch', async () => {
    // Prepare
    const { catalog } = recordingCatalog({ table: true, namespace: true });
    const v4 = { ...LOADED, metadata: { ...LOADED.metadata, 'format-version': 4 } };
    const refusing = { ...catalog, loadTable: async () => v4 } as AlertTableCatalog;

    // Act / Assess
    await expect(
      ensureAlertTable({ catalog: refusing, io: new MemoryFileIO(), table: TABLE }),
    ).rejects.toThrow(/demo.sensor_alerts has format version 4/);
  });

  it('loads an existing table with one call, never touching the namespace', async () => {
    // Prepare
    const { catalog, calls } = recordingCatalog({ table: true, namespace: true });

    // Act
    await ensureAlertTable({ catalog, io: new MemoryFileIO(), table: TABLE });

    // Assess
    expect(calls).toEqual(['loadTable']);
  });

  it('looks the namespace up and creates only the table when the namespace exists', async () => {
    // Prepare
    const { catalog, calls } = recordingCatalog({ table: false, namespace: true });

    // Act
    await ensureAlertTable({ catalog, io: new MemoryFileIO(), table: TABLE });

    // Assess
    expect(calls).toEqual(['loadTable', 'namespaceExists', 'createTable']);
  });

  it('creates the namespace only when the lookup finds none (local catalogs)', async () => {
    // Prepare
    const { catalog, calls } = recordingCatalog({ table: false, namespace: false });

    // Act
    await ensureAlertTable({ catalog, io: new MemoryFileIO(), table: TABLE });

    // Assess
    expect(calls).toEqual(['loadTable', 'namespaceExists', 'createNamespace', 'createTable']);
  });

  it('says the stack creates the table when a function may not create it', async () => {
    // Prepare
    const { catalog } = recordingCatalog({ table: false, namespace: true, createFails: 403 });

    // Act
    const run = ensureAlertTable({ catalog, io: new MemoryFileIO(), table: TABLE });

    // Assess
    await expect(run).rejects.toThrow(CatalogError);
    await expect(run).rejects.toThrow(
      'table demo.sensor_alerts does not exist and this function may not create it',
    );
  });
});
