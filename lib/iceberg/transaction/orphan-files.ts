import { ValidationError } from '../errors';
import type { FileIO, ListedFile } from '../io/file-io';
import type { LoadedTable } from '../spec/table-metadata';
import { Deadline } from '../util/deadline';
import { filesReferencedBy, gcEnabled } from './expire-snapshots';

export interface OrphanFilesOptions {
  /** Only files last modified before this time (ms) are orphans: younger ones may be a commit in flight. */
  olderThanMs: number;
  /** Report only. */
  dryRun?: boolean;
  /** Prefixes never touched even under the table location (a staging area, say). */
  exclude?: readonly string[];
  deadline?: Deadline;
}

export interface OrphanFilesResult {
  status: 'removed' | 'dry-run' | 'gc-disabled';
  message?: string;
  listed: number;
  orphans: ListedFile[];
  /** Unreferenced files kept because they are younger than the safety age. */
  tooYoung: number;
  deleted: string[];
  failedDeletes: { path: string; reason: string }[];
}

/** `s3a://` and `s3n://` name the same objects as `s3://`. */
const normalize = (path: string) => path.replace(/^s3[an]:\/\//, 's3://');

/**
 * Iceberg's DeleteOrphanFiles: lists everything under the table location through the FileIO and
 * deletes what no snapshot (any entry of any manifest, manifest lists, statistics files) and no
 * metadata file of the metadata log references, provided it is older than `olderThanMs`. With
 * `gc.enabled=false` it only counts.
 */
export async function removeOrphanFiles(
  io: FileIO,
  table: LoadedTable,
  opts: OrphanFilesOptions,
): Promise<OrphanFilesResult> {
  if (!io.list) throw new ValidationError('this FileIO cannot list files');
  const deadline = opts.deadline ?? Deadline.none();
  const { metadata } = table;
  const location = `${normalize(metadata.location).replace(/\/+$/, '')}/`;
  if (!/^s3:\/\/[^/]+\/.+/.test(location) && !location.startsWith('memory:')) {
    throw new ValidationError(`refusing orphan cleanup at the bucket root: ${metadata.location}`);
  }
  const referenced = new Set<string>();
  const add = (p: string | undefined) => p && referenced.add(normalize(p));
  const cache = new Map<string, Promise<string[]>>();
  for (const p of await filesReferencedBy(io, metadata.snapshots ?? [], false, cache, deadline)) {
    add(p);
  }
  add(table.metadataLocation);
  for (const entry of metadata['metadata-log'] ?? []) add(entry['metadata-file']);
  for (const key of ['statistics', 'partition-statistics'] as const) {
    const files = metadata[key];
    if (Array.isArray(files)) {
      for (const f of files as { 'statistics-path'?: string }[]) add(f['statistics-path']);
    }
  }
  const exclude = (opts.exclude ?? []).map(normalize);
  const result: OrphanFilesResult = {
    status: opts.dryRun ? 'dry-run' : 'removed',
    listed: 0,
    orphans: [],
    tooYoung: 0,
    deleted: [],
    failedDeletes: [],
  };
  for await (const file of io.list(location, { deadline })) {
    result.listed++;
    const path = normalize(file.path);
    if (referenced.has(path) || !path.startsWith(location)) continue;
    if (exclude.some((prefix) => path.startsWith(prefix))) continue;
    if (path.endsWith('/version-hint.text')) continue;
    if (file.lastModifiedMs >= opts.olderThanMs) {
      result.tooYoung++;
      continue;
    }
    result.orphans.push(file);
  }
  if (!gcEnabled(metadata)) {
    return {
      ...result,
      status: 'gc-disabled',
      message:
        'gc.enabled=false on this table (Nessie sets it and collects unreferenced files itself): orphans counted, none deleted',
    };
  }
  if (opts.dryRun || !io.delete) return result;
  for (const file of result.orphans) {
    try {
      await io.delete(file.path, { deadline });
      result.deleted.push(file.path);
    } catch (error) {
      result.failedDeletes.push({ path: file.path, reason: (error as Error).message });
    }
  }
  return result;
}
