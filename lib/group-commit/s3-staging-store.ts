import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { parseS3Uri } from '../iceberg';
import { StagingStoreError } from './errors';
import type { ListedObject, StagingStore, StoredObject, WriteCondition } from './staging-store';

/** The staging store on S3 (or an S3-compatible server with conditional writes). */
export class S3StagingStore implements StagingStore {
  readonly location: string;
  private readonly bucket: string;
  private readonly prefix: string;

  /** `rootUri` is `s3://bucket/prefix`; keys are written under `prefix/`. */
  constructor(
    private readonly client: S3Client,
    rootUri: string,
  ) {
    const { bucket, key } = parseS3Uri(rootUri.replace(/\/*$/, '/'));
    this.bucket = bucket;
    this.prefix = key;
    this.location = `s3://${bucket}/${key}`;
  }

  async put(key: string, bytes: Uint8Array, condition?: WriteCondition) {
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: bytes,
          ContentType: 'application/json',
          ...(condition && 'ifAbsent' in condition ? { IfNoneMatch: '*' } : {}),
          ...(condition && 'ifMatch' in condition ? { IfMatch: condition.ifMatch } : {}),
        }),
      );
      return out.ETag ?? '';
    } catch (cause) {
      // 412: the condition failed. 409: a concurrent conditional write to the same key won.
      const status = (cause as { $metadata?: { httpStatusCode?: number } }).$metadata
        ?.httpStatusCode;
      if (condition && (status === 412 || status === 409)) return undefined;
      throw this.failure('write', key, cause);
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      if (!out.Body) throw new Error('empty body');
      return { bytes: await out.Body.transformToByteArray(), etag: out.ETag ?? '' };
    } catch (cause) {
      if ((cause as Error).name === 'NoSuchKey') return undefined;
      throw this.failure('read', key, cause);
    }
  }

  async list(prefix: string): Promise<ListedObject[]> {
    const keys: ListedObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            ContinuationToken: token,
          }),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key) keys.push({ key: o.Key.slice(this.prefix.length), size: o.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (cause) {
      throw this.failure('list', prefix, cause);
    }
    return keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      let out: { Errors?: { Key?: string; Code?: string }[] };
      try {
        out = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: chunk.map((k) => ({ Key: this.prefix + k })), Quiet: true },
          }),
        );
      } catch (cause) {
        throw this.failure('delete', `${chunk.length} objects`, cause);
      }
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        throw new StagingStoreError(
          `could not delete ${failed.length} staged objects under ${this.location}, first ${failed[0]?.Key}: ${failed[0]?.Code}`,
        );
      }
    }
  }

  private failure(action: string, key: string, cause: unknown): StagingStoreError {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return new StagingStoreError(`cannot ${action} ${this.location}${key}: ${reason}`, { cause });
  }
}
