import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { FileIOError } from '../errors';
import type { FileIO } from './file-io';
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
}

export class S3FileIO implements FileIO {
  readonly client: S3Client;

  constructor(options: S3FileIOOptions) {
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

  async write(path: string, bytes: Uint8Array): Promise<void> {
    const { bucket, key } = parseS3Uri(path);
    await attempt('write', path, () =>
      this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes })),
    );
  }

  async read(path: string): Promise<Uint8Array> {
    const { bucket, key } = parseS3Uri(path);
    return attempt('read', path, async () => {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new Error('empty body');
      return out.Body.transformToByteArray();
    });
  }

  async delete(path: string): Promise<void> {
    const { bucket, key } = parseS3Uri(path);
    await attempt('delete', path, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
    );
  }
}

// The SDK's error name (NoSuchKey, AccessDenied, NoSuchBucket) is what tells a user what to fix.
async function attempt<T>(action: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    throw new FileIOError(`cannot ${action} ${path}: ${reason}`, { cause });
  }
}
