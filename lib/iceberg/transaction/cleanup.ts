import type { FileIO } from '../io/file-io';
import type { Deadline } from '../util/deadline';
import type { WrittenManifest } from './snapshot-producer';

/** What one commit attempt wrote and referenced, and how it ended. */
export interface AttemptFiles {
  /** The attempt's manifest list and the merged manifests it wrote. */
  written: string[];
  /** Every manifest its list references. */
  referenced: string[];
  outcome: 'pending' | 'committed' | 'conflict' | 'unknown' | 'rejected';
}

export interface CleanupReport {
  deleted: string[];
  /** Paths that could not be deleted, with the reason (a missing s3:DeleteObject, say). */
  failed: { path: string; reason: string }[];
}

/**
 * Deletes what failed attempts left behind, as Iceberg Java's SnapshotProducer does: after a
 * commit, every other attempt's manifest list and every new manifest the committed snapshot does
 * not reference; after a definite failure, all of them. The caller skips this entirely once any
 * attempt's outcome is unknown, since such an attempt may have landed. Deleting is a courtesy
 * (orphan cleanup catches what is left), so failures are reported, not thrown, and nothing is
 * deleted once the deadline's margin is reached.
 */
export async function deleteQuietly(
  io: FileIO,
  attempts: readonly AttemptFiles[],
  written: WrittenManifest | undefined,
  committed: AttemptFiles | undefined,
  deadline: Deadline,
): Promise<CleanupReport> {
  const report: CleanupReport = { deleted: [], failed: [] };
  if (!io.delete) return report;
  const keep = new Set(committed ? [...committed.written, ...committed.referenced] : []);
  const candidates = new Set<string>();
  for (const attempt of attempts) {
    if (attempt === committed) continue;
    for (const path of attempt.written) candidates.add(path);
  }
  if (written) candidates.add(written.manifest.manifestPath);
  const doomed = [...candidates].filter((path) => !keep.has(path));
  await Promise.all(
    doomed.map(async (path) => {
      try {
        deadline.check(`deleting ${path}`);
        await io.delete!(path, { deadline });
        report.deleted.push(path);
      } catch (error) {
        report.failed.push({
          path,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
  return report;
}
