import type { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Deadline,
  DeadlineExceededError,
  FileIOError,
  MemoryFileIO,
  parseS3Uri,
  S3FileIO,
  ValidationError,
} from '../../../lib/iceberg';
import { FakeClock } from './support/fake-clock';

describe('S3FileIO', () => {
  const saved = process.env.AWS_ENDPOINT_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  });

  it('uses its explicit endpoint even when AWS_ENDPOINT_URL points elsewhere', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL = 'http://localhost.localstack.cloud:4566';

    // Act
    const io = new S3FileIO({
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const endpoint = await io.client.config.endpoint?.();

    // Assess
    expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 9000, protocol: 'http:' });
    expect(io.client.config.forcePathStyle).toBe(true);
  });

  it.each([
    ['read', (io: S3FileIO) => io.read('s3://warehouse/demo/t/metadata/snap.avro')],
    [
      'write',
      (io: S3FileIO) => io.write('s3://warehouse/demo/t/metadata/snap.avro', Uint8Array.of(1)),
    ],
    ['delete', (io: S3FileIO) => io.delete('s3://warehouse/demo/t/metadata/snap.avro')],
  ])("names the path and the store's reason when a %s fails", async (action, run) => {
    // Prepare
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    const client = { send: async () => Promise.reject(denied) } as unknown as S3Client;
    const io = new S3FileIO({ region: 'us-east-1', client });

    // Act
    const failure = run(io);

    // Assess
    await expect(failure).rejects.toBeInstanceOf(FileIOError);
    await expect(failure).rejects.toThrow(
      `cannot ${action} s3://warehouse/demo/t/metadata/snap.avro: AccessDenied: Access Denied`,
    );
  });
});

describe('S3FileIO deadlines', () => {
  it('passes a signal to every call and turns its abort at the deadline into DeadlineExceededError', async () => {
    // Prepare
    const clock = new FakeClock();
    const signals: AbortSignal[] = [];
    const client = {
      send: async (_command: unknown, options: { abortSignal: AbortSignal }) => {
        signals.push(options.abortSignal);
        throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
      },
    } as unknown as S3Client;
    const io = new S3FileIO({ region: 'us-east-1', client, requestTimeoutMs: 60_000 });
    const deadline = Deadline.after(3_000, { clock, marginMs: 500 });

    // Act
    const failure = io.read('s3://warehouse/t/data/a.parquet', { deadline });

    // Assess
    await expect(failure).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(failure).rejects.toThrow(/while reading s3:\/\/warehouse\/t\/data\/a.parquet/);
    expect(signals).toHaveLength(1);
    expect(clock.timeouts).toEqual([3_000]);
  });

  it('sends nothing with less than the margin left', async () => {
    // Prepare
    const clock = new FakeClock();
    let sent = 0;
    const client = { send: async () => sent++ } as unknown as S3Client;
    const io = new S3FileIO({ region: 'us-east-1', client });

    // Act
    const failure = io.write('s3://warehouse/t/x', Uint8Array.of(1), {
      deadline: Deadline.after(200, { clock, marginMs: 500 }),
    });

    // Assess
    await expect(failure).rejects.toMatchObject({
      retryable: true,
      activity: 'writing s3://warehouse/t/x',
    });
    expect(sent).toBe(0);
  });
});

describe('S3 URIs', () => {
  it.each([
    ['s3://warehouse/demo/t/data/a.parquet', 'warehouse', 'demo/t/data/a.parquet'],
    ['s3a://b/k', 'b', 'k'],
  ])('splits %s', (uri, bucket, key) => {
    // Act / Assess
    expect(parseS3Uri(uri)).toEqual({ bucket, key });
  });

  it('rejects a non-S3 URI', () => {
    // Act / Assess
    expect(() => parseS3Uri('file:///tmp/x')).toThrow(ValidationError);
  });
});

describe('MemoryFileIO', () => {
  it('reads back what was written and fails on missing files', async () => {
    // Prepare
    const io = new MemoryFileIO();

    // Act
    await io.write('s3://b/k', Uint8Array.of(1, 2));

    // Assess
    expect([...(await io.read('s3://b/k'))]).toEqual([1, 2]);
    await expect(io.read('s3://b/missing')).rejects.toBeInstanceOf(FileIOError);
  });
});
