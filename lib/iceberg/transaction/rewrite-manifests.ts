import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/types';
import type { FileIO } from '../io/file-io';
import { compareValues } from '../spec/compare';
import { type ManifestEntry, ManifestEntryStatus } from '../spec/data-file';
import { ManifestContent, type ManifestFile } from '../spec/manifest-file';
import type { TableIdentifier } from '../spec/table-metadata';
import { manifestMergeSettings } from './manifest-merge';
import {
  commitReplace,
  type ReplaceCommitOptions,
  type ReplaceContext,
  type ReplaceResult,
  snapshotManifests,
} from './replace-commit';
import { writeRewrittenManifest } from './rewrite-files';
import { metadataPath } from './snapshot-producer';

export interface RewriteManifestsOptions extends ReplaceCommitOptions {
  /** Size a new manifest aims at (default the table's `commit.manifest.target-size-bytes`, 8 MiB). */
  targetSizeBytes?: bigint;
}

function comparePartitions(a: ManifestEntry, b: ManifestEntry): number {
  const pa = a.dataFile.partition;
  const pb = b.dataFile.partition;
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = compareValues(pa[i] ?? null, pb[i] ?? null);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/**
 * Iceberg's RewriteManifests: the live entries of every data manifest are written again as
 * EXISTING entries, clustered by partition, into manifests of about the target size; delete
 * manifests are kept as they are. The rows and files of the table do not change, so the
 * snapshot is a `replace` with equal totals. Each attempt rebuilds from its own base, so
 * manifests a concurrent append added are rewritten with the rest, never lost.
 */
export async function rewriteManifests(
  catalog: Catalog,
  io: FileIO,
  ident: TableIdentifier,
  opts: RewriteManifestsOptions = {},
): Promise<ReplaceResult & { manifestsBefore: number; manifestsAfter: number }> {
  let before = 0;
  let after = 0;
  const build = async (ctx: ReplaceContext) => {
    const { base, snapshotId, sequenceNumber, deadline } = ctx;
    const manifests = await snapshotManifests(io, ctx.parent, deadline);
    const target =
      opts.targetSizeBytes ?? manifestMergeSettings(base.metadata.properties).targetSizeBytes;
    const bySpec = new Map<number, { entries: ManifestEntry[]; bytes: bigint }>();
    const kept: ManifestFile[] = [];
    for (const manifest of manifests) {
      if (manifest.content !== ManifestContent.Data) {
        kept.push(manifest);
        continue;
      }
      const group = bySpec.get(manifest.partitionSpecId) ?? { entries: [], bytes: 0n };
      for (const e of await ctx.entries(manifest)) {
        if (e.status === ManifestEntryStatus.Deleted) continue;
        group.entries.push({ ...e, status: ManifestEntryStatus.Existing });
      }
      group.bytes += manifest.manifestLength;
      bySpec.set(manifest.partitionSpecId, group);
    }
    const written: string[] = [];
    const created: ManifestFile[] = [];
    let entriesProcessed = 0;
    for (const [specId, group] of bySpec) {
      entriesProcessed += group.entries.length;
      if (group.entries.length === 0) continue;
      group.entries.sort(comparePartitions);
      const perEntry = group.bytes / BigInt(group.entries.length) || 1n;
      const perManifest = Math.max(1, Number(target / perEntry));
      for (let i = 0; i < group.entries.length; i += perManifest) {
        const path = metadataPath(base, `${randomUUID()}-m${ctx.attempt}.avro`);
        written.push(path);
        created.push(
          await writeRewrittenManifest(
            io,
            base.metadata,
            group.entries.slice(i, i + perManifest),
            specId,
            { snapshotId, sequenceNumber, formatVersion: ctx.formatVersion, path },
            deadline,
          ),
        );
      }
    }
    before = manifests.length;
    after = created.length + kept.length;
    return {
      manifests: [...created, ...kept],
      written,
      summary: {
        'manifests-created': String(created.length),
        'manifests-kept': String(kept.length),
        'manifests-replaced': String(manifests.length - kept.length),
        'entries-processed': String(entriesProcessed),
      },
    };
  };
  const result = await commitReplace(catalog, io, ident, build, opts);
  return { ...result, manifestsBefore: before, manifestsAfter: after };
}
