import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  currentSchema,
  DeleteLoader,
  deletedPositions,
  type Expression,
  type FileIO,
  type LoadedTable,
  planScan,
  type TableIdentifier,
} from '../../lib/iceberg';
import type { IcebergSettings } from '../shared/config';
import { connectIceberg } from '../shared/iceberg';
import { DuckDbQueryEngine, type ViewSnapshot } from './duckdb-engine';
import type { JsonRow, QueryEngine } from './engine';
import { LocalEngineError } from './errors';
import { viewColumns } from './view-columns';

export interface LocalEngineOptions {
  catalog: { loadTable(ident: TableIdentifier): Promise<LoadedTable> };
  io: FileIO;
  ident: TableIdentifier;
  /** Parent of the temp dir holding downloaded data files (default: the OS temp dir). */
  tempRoot?: string;
  /** Parallel downloads. */
  concurrency?: number;
  /**
   * Rows the view needs at most (a day, a source partition's offsets): files that cannot hold
   * such rows are neither downloaded nor read. Queries must still filter the rows themselves.
   */
  filter?: Expression;
}

/**
 * DuckDB over the table's current data files. DuckDB's S3 and Iceberg extensions download at
 * run time, which does not work offline, so the files are resolved through the catalog and
 * manifests (lib/iceberg's scan planning) and copied through the table's FileIO into a temp dir.
 * Data files never change once written, so each is downloaded once per engine. Delete files
 * (position deletes, equality deletes, deletion vectors) are resolved by lib/iceberg to the row
 * positions they delete, which the view leaves out.
 */
export class LocalQueryEngine implements QueryEngine {
  readonly tableRef: string;
  private readonly duckdb: DuckDbQueryEngine;
  private readonly downloaded = new Map<string, Promise<string>>();
  /** Manifest lists and manifests never change once written: each is read once per engine. */
  private readonly metadataIO: FileIO;
  private workDir: Promise<string> | undefined;

  constructor(private readonly options: LocalEngineOptions) {
    this.metadataIO = cachingAvroReads(options.io);
    this.duckdb = new DuckDbQueryEngine({
      viewName: options.ident.name,
      snapshot: () => this.snapshot(),
    });
    this.tableRef = this.duckdb.tableRef;
  }

  run(sql: string): Promise<JsonRow[]> {
    return this.duckdb.run(sql);
  }

  async close(): Promise<void> {
    await this.duckdb.close();
    const dir = this.workDir;
    this.workDir = undefined;
    this.downloaded.clear();
    if (dir) {
      await rm(await dir, { recursive: true, force: true });
    }
  }

  private async snapshot(): Promise<ViewSnapshot> {
    const { ident, catalog } = this.options;
    const io = this.metadataIO;
    const table = await catalog.loadTable(ident).catch((error: unknown) => {
      const name = `${ident.namespace.join('.')}.${ident.name}`;
      throw new LocalEngineError(`Cannot load table ${name}: ${(error as Error).message}`, {
        cause: error,
      });
    });
    const columns = viewColumns(currentSchema(table.metadata).fields);
    const plan = await planScan(io, table, {
      ...(this.options.filter ? { filter: this.options.filter } : {}),
    }).catch((error: unknown) => {
      throw new LocalEngineError(`Cannot plan a scan of the table: ${(error as Error).message}`, {
        cause: error,
      });
    });
    const files = await mapLimited(plan.tasks, this.options.concurrency ?? 8, (task) =>
      this.download(task.file.filePath),
    );
    const withDeletes = plan.tasks
      .map((task, i) => ({ task, local: files[i]! }))
      .filter(({ task }) => task.deletes.length > 0);
    const loader = new DeleteLoader(io, plan.nameMapping ? { nameMapping: plan.nameMapping } : {});
    const deleted = await mapLimited(withDeletes, 4, async ({ task, local }) => ({
      file: local,
      // the data file is read from its local copy; delete files through the table's FileIO
      positions: await deletedPositions(localCopy(local), task, {
        ...(plan.nameMapping ? { nameMapping: plan.nameMapping } : {}),
        deletes: loader,
      }),
    }));
    return { columns, files, deleted };
  }

  private download(path: string): Promise<string> {
    let local = this.downloaded.get(path);
    if (!local) {
      local = (async () => {
        this.workDir ??= mkdtemp(join(this.options.tempRoot ?? tmpdir(), 'alerts-query-'));
        const name = `${createHash('sha256').update(path).digest('hex').slice(0, 24)}.parquet`;
        const target = join(await this.workDir, name);
        try {
          await writeFile(target, await this.options.io.read(path));
        } catch (error) {
          throw new LocalEngineError(`Cannot download data file ${path}`, { cause: error });
        }
        return target;
      })();
      local.catch(() => this.downloaded.delete(path));
      this.downloaded.set(path, local);
    }
    return local;
  }
}

/** Whole-file reads of Avro metadata (immutable) served from memory after the first, up to 2,000 files. */
function cachingAvroReads(io: FileIO): FileIO {
  const cache = new Map<string, Promise<Uint8Array>>();
  return {
    write: (path, bytes, options) => io.write(path, bytes, options),
    read: (path, options) => {
      if (options?.range || !path.endsWith('.avro')) return io.read(path, options);
      let bytes = cache.get(path);
      if (!bytes) {
        if (cache.size >= 2_000) cache.clear();
        bytes = io.read(path, options);
        bytes.catch(() => cache.delete(path));
        cache.set(path, bytes);
      }
      return bytes;
    },
  };
}

/** A read-only FileIO over one downloaded file. */
function localCopy(path: string): FileIO {
  return {
    read: async () => new Uint8Array(await readFile(path)),
    write: async () => {
      throw new LocalEngineError(`the local copy ${path} is read-only`);
    },
  };
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The engine for QUERY_ENGINE=local: catalog and object store from the ICEBERG_* settings. */
export async function connectLocalEngine(settings: IcebergSettings): Promise<LocalQueryEngine> {
  const clients = await connectIceberg(settings);
  return new LocalQueryEngine({ catalog: clients.catalog, io: clients.io, ident: clients.table });
}
