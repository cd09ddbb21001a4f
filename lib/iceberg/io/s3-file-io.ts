import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { DeadlineExceededError, FileIOError } from '../errors';
import { Deadline, isAbort } from '../util/deadline';
import type { FileIO, FileIOOptions, ListedFile, ReadOptions } from './file-io';
import { parseS3Uri } from './location';

export interface S3FileIOOptions {
  /**
   * Explicit endpoint of the object store. Passed to the client directly so that the
   * `AWS_ENDPOINT_URL` a runtime may inject for other services does not redirect table IO.
   */
  endpoint?: string;
  region: string;
  forcePathStyle?: boolean;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** An existing client, e.g. a fake in tests; the other options are then ignored. */
  client?: S3Client;
  /** Time allowed for one call, the SDK's own retries included (default 60 s); clipped to a deadline. */
  requestTimeoutMs?: number;
}

const ACTIVITY = {
  read: 'reading',
  write: 'writing',
  delete: 'deleting',
  list: 'listing',
} as const;

export class S3FileIO implements FileIO {
  readonly client: S3Client;
  private readonly requestTimeoutMs: number;

  constructor(options: S3FileIOOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.client =
      options.client ??
      new S3Client({
        region: options.region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        forcePathStyle: options.forcePathStyle ?? false,
        ...(options.credentials ? { credentials: options.credentials } : {}),
        // only checksum when the operation demands it: S3-compatible servers vary in support
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
  }

  async write(path: string, bytes: Uint8Array, options?: FileIOOptions): Promise<void> {
    const { bucket, key } = parseS3Uri(path);
    await this.attempt('write', path, options?.deadline, (abortSignal) =>
      this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }), {
        abortSignal,
      }),
    );
  }

  async read(path: string, options?: ReadOptions): Promise<Uint8Array> {
    const { bucket, key } = parseS3Uri(path);
    const range = options?.range;
    return this.attempt('read', path, options?.deadline, async (abortSignal) => {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
        }),
        { abortSignal },
      );
      if (!out.Body) throw new Error('empty body');
      return out.Body.transformToByteArray();
    });
  }

  async delete(path: string, options?: FileIOOptions): Promise<void> {
    const { bucket, key } = parseS3Uri(path);
    await this.attempt('delete', path, options?.deadline, (abortSignal) =>
      this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal }),
    );
  }

  async *list(prefix: string, options?: FileIOOptions): AsyncIterable<ListedFile> {
    const { bucket, key } = parseS3Uri(prefix);
    let token: string | undefined;
    do {
      const page = await this.attempt('list', prefix, options?.deadline, (abortSignal) =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }),
          { abortSignal },
        ),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield {
          path: `s3://${bucket}/${object.Key}`,
          size: object.Size ?? 0,
          lastModifiedMs: object.LastModified?.getTime() ?? 0,
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  // The SDK's error name (NoSuchKey, AccessDenied, NoSuchBucket) is what tells a user what to fix.
  private async attempt<T>(
    action: 'read' | 'write' | 'delete' | 'list',
    path: string,
    deadline: Deadline | undefined,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const activity = `${ACTIVITY[action]} ${path}`;
    const { signal, clipped } = (deadline ?? Deadline.none()).requestSignal(
      this.requestTimeoutMs,
      activity,
    );
    try {
      return await run(signal);
    } catch (cause) {
      if (isAbort(cause) && clipped) {
        throw new DeadlineExceededError(activity, deadline?.remainingMs() ?? 0, { cause });
      }
      const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      throw new FileIOError(`cannot ${action} ${path}: ${reason}`, { cause });
    }
  }
}
