/** A condition on a write: create only, or replace only the version last read. */
export type WriteCondition = { ifAbsent: true } | { ifMatch: string };

export interface ListedObject {
  key: string;
  size: number;
}

export interface StoredObject {
  bytes: Uint8Array;
  /** Version tag for a conditional replace (S3's ETag). */
  etag: string;
}

/**
 * Objects under one root (keys are relative to it). Conditional writes are what make the commit
 * lease safe without another service; S3 has them (If-None-Match / If-Match on PutObject).
 */
export interface StagingStore {
  /** Where the root is, for messages. */
  readonly location: string;
  /**
   * Writes the object and resolves with its new version tag; with a condition that fails,
   * resolves undefined and writes nothing.
   */
  put(key: string, bytes: Uint8Array, condition?: WriteCondition): Promise<string | undefined>;
  get(key: string): Promise<StoredObject | undefined>;
  /** Every object under the prefix, in lexicographic order of key. */
  list(prefix: string): Promise<ListedObject[]>;
  delete(keys: readonly string[]): Promise<void>;
}

/** An in-memory store with the same conditional-write semantics, for tests. */
export class MemoryStagingStore implements StagingStore {
  readonly location = 'memory://staging';
  private readonly objects = new Map<string, StoredObject>();
  private version = 0;

  async put(key: string, bytes: Uint8Array, condition?: WriteCondition) {
    const existing = this.objects.get(key);
    if (condition && 'ifAbsent' in condition && existing) return undefined;
    if (condition && 'ifMatch' in condition && existing?.etag !== condition.ifMatch) {
      return undefined;
    }
    const etag = `"v${++this.version}"`;
    this.objects.set(key, { bytes: new Uint8Array(bytes), etag });
    return etag;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const found = this.objects.get(key);
    return found ? { bytes: new Uint8Array(found.bytes), etag: found.etag } : undefined;
  }

  async list(prefix: string): Promise<ListedObject[]> {
    return [...this.objects]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, o]) => ({ key, size: o.bytes.length }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }
}
