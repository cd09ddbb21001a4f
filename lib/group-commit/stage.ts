import { batchKey } from './layout';
import { encodeStagedBatch, type StagedBatch } from './staged-batch';
import type { StagingStore } from './staging-store';

/**
 * Records a classified batch durably. Every staging gets its own key, so a redelivery never
 * overwrites what an earlier delivery staged; the commit rules settle which one counts.
 */
export async function stageBatch(store: StagingStore, batch: StagedBatch): Promise<string> {
  const key = batchKey(batch.partition, batch.firstOffset, batch.lastOffset);
  await store.put(key, encodeStagedBatch(batch));
  return key;
}
