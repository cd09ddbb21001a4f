import { describe, expect, it } from 'vitest';
import {
  CatalogError,
  CatalogThrottledError,
  CommitConflictError,
  CommitStateUnknownError,
  Deadline,
  DeadlineExceededError,
  NoSuchTableError,
  RestCatalog,
} from '../../../lib/iceberg';
import { FakeClock, timeoutError } from './support/fake-clock';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const BIG = '8333017788700497002';
const METADATA = `{"format-version":2,"table-uuid":"u","location":"s3://warehouse/demo/t",
"last-sequence-number":3,"last-updated-ms":1,"last-column-id":1,"current-schema-id":0,
"schemas":[{"type":"struct","schema-id":0,"fields":[{"id":1,"name":"a","required":true,"type":"string"}]}],
"default-spec-id":0,"partition-specs":[{"spec-id":0,"fields":[]}],"last-partition-id":999,
"current-snapshot-id":${BIG},"refs":{"main":{"snapshot-id":${BIG},"type":"branch"}},
"snapshots":[{"snapshot-id":${BIG},"parent-snapshot-id":8333017788700497001,"sequence-number":3,
"timestamp-ms":1,"manifest-list":"s3://x","summary":{"operation":"append"}}]}`;

type Answer = { status: number; body?: string; headers?: Record<string, string> } | Error;

function fakeFetch(routes: (call: Call) => Answer) {
  const calls: Call[] = [];
  const fetchFn = (async (input: URL | string, init?: RequestInit) => {
    const call: Call = {
      method: init?.method ?? 'GET',
      url: String(input),
      headers: (init?.headers ?? {}) as Record<string, string>,
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    };
    calls.push(call);
    const answer = routes(call);
    if (answer instanceof Error) throw answer;
    // A 204 may carry no body at all, not even an empty one.
    return new Response(answer.status === 204 ? null : (answer.body ?? ''), {
      status: answer.status,
      ...(answer.headers ? { headers: answer.headers } : {}),
    });
  }) as typeof fetch;
  return { calls, fetchFn };
}

const ident = { namespace: ['demo'], name: 'sensor_alerts' };
const config = { status: 200, body: '{"defaults":{},"overrides":{"prefix":"main"}}' };
const error = (code: number) => ({
  status: code,
  body: `{"error":{"message":"m${code}","type":"T","code":${code}}}`,
});

async function connectWith(commitAnswer: Answer) {
  const fake = fakeFetch((call) => (call.url.includes('/v1/config') ? config : commitAnswer));
  const catalog = await RestCatalog.connect({
    uri: 'http://127.0.0.1:19120/iceberg/',
    warehouse: 'warehouse',
    fetch: fake.fetchFn,
  });
  return { catalog, calls: fake.calls };
}

const commit = {
  requirements: [{ type: 'assert-ref-snapshot-id' as const, ref: 'main', 'snapshot-id': null }],
  updates: [],
};

describe('RestCatalog', () => {
  it('discovers the prefix from /v1/config with the warehouse', async () => {
    // Act
    const { catalog, calls } = await connectWith({
      status: 200,
      body: `{"metadata-location":"m","metadata":${METADATA}}`,
    });
    await catalog.loadTable({ namespace: ['a', 'b'], name: 't' });

    // Assess
    expect(calls[0]!.url).toBe('http://127.0.0.1:19120/iceberg/v1/config?warehouse=warehouse');
    expect(calls[1]!.url).toBe('http://127.0.0.1:19120/iceberg/v1/main/namespaces/a%1Fb/tables/t');
  });

  it.each([
    ['an encoded Nessie reference', 'main%7Cwarehouse', '/v1/main%7Cwarehouse/namespaces'],
    ['a Glue catalog path', 'catalogs/123456789012', '/v1/catalogs/123456789012/namespaces'],
  ])('uses %s as the server sent it', async (_name, prefix, expectedPath) => {
    // Prepare
    const fake = fakeFetch((call) =>
      call.url.includes('/v1/config')
        ? { status: 200, body: `{"defaults":{},"overrides":{"prefix":"${prefix}"}}` }
        : { status: 200, body: '{"namespace":["demo"],"properties":{}}' },
    );
    const catalog = await RestCatalog.connect({
      uri: 'http://127.0.0.1:19120/iceberg',
      warehouse: 'warehouse',
      fetch: fake.fetchFn,
    });

    // Act
    await catalog.createNamespaceIfAbsent(['demo']);

    // Assess
    expect(fake.calls[1]!.url).toBe(`http://127.0.0.1:19120/iceberg${expectedPath}`);
  });

  it.each([200, 204, 409])('treats %i to a namespace creation as done', async (status) => {
    // Prepare
    const fake = fakeFetch((call) =>
      call.url.includes('/v1/config') ? config : { status, body: '{}' },
    );
    const catalog = await RestCatalog.connect({
      uri: 'http://127.0.0.1:19120/iceberg',
      fetch: fake.fetchFn,
    });

    // Act / Assess
    await expect(catalog.createNamespaceIfAbsent(['demo'])).resolves.toBeUndefined();
  });

  it('parses 63-bit snapshot ids exactly', async () => {
    // Prepare
    const { catalog } = await connectWith({
      status: 200,
      body: `{"metadata-location":"m","metadata":${METADATA}}`,
    });

    // Act
    const table = await catalog.loadTable(ident);

    // Assess
    const snapshot = table.metadata.snapshots![0]!;
    expect(snapshot['snapshot-id']).toBe(8333017788700497002n);
    expect(snapshot['parent-snapshot-id']).toBe(8333017788700497001n);
    expect(snapshot['sequence-number']).toBe(3n);
    expect(table.metadata['current-snapshot-id']).toBe(8333017788700497002n);
    expect(table.metadata.refs!.main!['snapshot-id']).toBe(8333017788700497002n);
  });

  it('sends the Idempotency-Key and exact ids on commit', async () => {
    // Prepare
    const { catalog, calls } = await connectWith({
      status: 200,
      body: `{"metadata-location":"m","metadata":${METADATA}}`,
    });

    // Act
    await catalog.commitTable(
      ident,
      {
        requirements: [
          { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 8333017788700497002n },
        ],
        updates: [],
      },
      { idempotencyKey: 'key-1' },
    );

    // Assess
    const call = calls.at(-1)!;
    expect(call.method).toBe('POST');
    expect(call.headers['idempotency-key']).toBe('key-1');
    expect(call.body).toContain(`"snapshot-id":${BIG}`);
  });

  it.each<[string, { status: number; body?: string } | Error, new (...args: never[]) => Error]>([
    ['409', error(409), CommitConflictError],
    ['500', error(500), CommitStateUnknownError],
    ['502 without body', { status: 502 }, CommitStateUnknownError],
    ['504', error(504), CommitStateUnknownError],
    ['a lost connection', new TypeError('fetch failed'), CommitStateUnknownError],
    ['404', error(404), NoSuchTableError],
    ['400', error(400), CatalogError],
  ])('maps a commit answered with %s', async (_name, answer, expected) => {
    // Prepare
    const { catalog } = await connectWith(answer);

    // Act
    const attempt = catalog.commitTable(ident, commit, { idempotencyKey: 'k' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(expected);
  });

  it('names the catalog URL and the reason when the catalog cannot be reached', async () => {
    // Prepare
    const refused = new TypeError('fetch failed', {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:19120'),
    });
    const fake = fakeFetch(() => refused);

    // Act
    const attempt = RestCatalog.connect({
      uri: 'http://127.0.0.1:19120/iceberg',
      fetch: fake.fetchFn,
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(CatalogError);
    await expect(attempt).rejects.toThrow(
      'GET http://127.0.0.1:19120/iceberg/v1/config failed: fetch failed (connect ECONNREFUSED 127.0.0.1:19120)',
    );
  });

  it('marks conflicts retryable and unknown states not', async () => {
    // Prepare
    const conflict = await connectWith(error(409));
    const unknown = await connectWith(error(503));

    // Act
    const [c, u] = await Promise.all([
      conflict.catalog.commitTable(ident, commit, { idempotencyKey: 'k' }).catch((e) => e),
      unknown.catalog.commitTable(ident, commit, { idempotencyKey: 'k' }).catch((e) => e),
    ]);

    // Assess
    expect([c.retryable, u.retryable]).toEqual([true, false]);
  });

  it.each([
    [{ type: 'bearer' as const, token: 't0k' }, /^Bearer t0k$/],
    [
      {
        type: 'sigv4' as const,
        service: 'glue' as const,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      },
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/glue\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    ],
  ])('authenticates requests (%o)', async (auth, expected) => {
    // Prepare
    const fake = fakeFetch(() => config);

    // Act
    await RestCatalog.connect({
      uri: 'https://glue.eu-west-1.amazonaws.com/iceberg',
      auth,
      fetch: fake.fetchFn,
    });

    // Assess
    expect(fake.calls[0]!.headers.authorization).toMatch(expected);
  });
});

const loaded = { status: 200, body: `{"metadata-location":"m","metadata":${METADATA}}` };

/** A catalog whose answers after /v1/config come from `answers` in turn (the last repeats). */
async function scripted(answers: Answer[], clock = new FakeClock()) {
  let i = 0;
  const fake = fakeFetch((call) =>
    call.url.includes('/v1/config') ? config : answers[Math.min(i++, answers.length - 1)]!,
  );
  const catalog = await RestCatalog.connect({
    uri: 'http://127.0.0.1:19120/iceberg',
    fetch: fake.fetchFn,
    clock,
    backoff: { baseMs: 100, maxMs: 1_000 },
  });
  const requests = () => fake.calls.filter((c) => !c.url.includes('/v1/config'));
  return { catalog, requests, all: fake.calls, clock };
}

describe('RestCatalog throttling', () => {
  it.each<[string, Answer]>([
    ['429', { status: 429, body: '{"error":{"message":"slow down","type":"T","code":429}}' }],
    [
      "Glue's 400 ThrottlingException",
      {
        status: 400,
        body: '{"error":{"message":"Rate exceeded","type":"ThrottlingException","code":400}}',
      },
    ],
    [
      'an AWS JSON __type',
      { status: 400, body: '{"__type":"com.amazonaws.glue#ThrottlingException","message":"x"}' },
    ],
    [
      'an x-amzn-ErrorType header',
      {
        status: 400,
        body: '{}',
        headers: { 'x-amzn-errortype': 'TooManyRequestsException:http://x' },
      },
    ],
    ['503 with Retry-After', { status: 503, body: '{}', headers: { 'retry-after': '2' } }],
    ['S3-style SlowDown', { status: 503, body: '{"error":{"type":"SlowDown","message":"m"}}' }],
  ])('retries a load answered with %s', async (_name, throttled) => {
    // Prepare
    const { catalog, all } = await scripted([throttled, loaded]);

    // Act
    const table = await catalog.loadTable(ident);

    // Assess
    expect(table.metadata['table-uuid']).toBe('u');
    expect(all.filter((c) => c.url.includes('/tables/'))).toHaveLength(2);
  });

  it('resends a throttled commit as it was, with its Idempotency-Key, after Retry-After', async () => {
    // Prepare
    const { catalog, all, clock } = await scripted([
      {
        status: 400,
        body: '{"error":{"message":"Rate exceeded","type":"ThrottlingException"}}',
        headers: { 'retry-after': '2' },
      },
      loaded,
    ]);

    // Act
    await catalog.commitTable(ident, commit, { idempotencyKey: 'key-7' });

    // Assess
    const commits = all.filter((c) => c.method === 'POST');
    expect(commits).toHaveLength(2);
    expect(commits.map((c) => c.headers['idempotency-key'])).toEqual(['key-7', 'key-7']);
    expect(commits[1]!.body).toBe(commits[0]!.body);
    expect(clock.sleeps).toEqual([2_000]);
  });

  it('keeps a 503 without Retry-After on a commit an unknown outcome', async () => {
    // Prepare
    const { catalog } = await scripted([{ status: 503, body: '{}' }]);

    // Act / Assess
    await expect(
      catalog.commitTable(ident, commit, { idempotencyKey: 'k' }),
    ).rejects.toBeInstanceOf(CommitStateUnknownError);
  });

  it('gives up with a retryable CatalogThrottledError when the throttling goes on', async () => {
    // Prepare
    const { catalog, requests } = await scripted([{ status: 429, body: '{}' }]);

    // Act
    const error = await catalog.loadTable(ident).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(CatalogThrottledError);
    expect(error).toMatchObject({ retryable: true, status: 429 });
    expect(requests()).toHaveLength(6);
  });

  it('does not take an ordinary 400 for throttling', async () => {
    // Prepare
    const { catalog, requests } = await scripted([
      { status: 400, body: '{"error":{"message":"bad spec","type":"BadRequestException"}}' },
    ]);

    // Act / Assess
    await expect(catalog.commitTable(ident, commit, { idempotencyKey: 'k' })).rejects.toMatchObject(
      {
        status: 400,
        retryable: false,
      },
    );
    expect(requests()).toHaveLength(1);
  });
});

describe('RestCatalog deadlines', () => {
  it('clips each request timeout to the time left', async () => {
    // Prepare
    const clock = new FakeClock();
    const { catalog } = await scripted([loaded], clock);
    const deadline = Deadline.after(5_000, { clock });

    // Act
    await catalog.loadTable(ident, { deadline });

    // Assess
    expect(clock.timeouts).toEqual([30_000, 5_000]);
  });

  it('stops retrying before the deadline instead of sleeping past it', async () => {
    // Prepare
    const clock = new FakeClock();
    const { catalog } = await scripted([{ status: 500, body: '{}' }], clock);
    const start = clock.now();
    const deadline = Deadline.after(150, { clock, marginMs: 100 });

    // Act
    const error = await catalog.loadTable(ident, { deadline }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ retryable: true, activity: 'loading demo.sensor_alerts' });
    expect(clock.now() - start).toBeLessThanOrEqual(150);
  });

  it('starts no request with less than the margin left', async () => {
    // Prepare
    const clock = new FakeClock();
    const { catalog, requests } = await scripted([loaded], clock);
    const deadline = Deadline.after(500, { clock, marginMs: 1_000 });

    // Act / Assess
    await expect(catalog.loadTable(ident, { deadline })).rejects.toThrow(
      /deadline reached while loading demo.sensor_alerts/,
    );
    expect(requests()).toHaveLength(0);
  });

  it('reports a commit cut off by the deadline as one whose outcome is unknown', async () => {
    // Prepare
    const clock = new FakeClock();
    const { catalog } = await scripted([timeoutError()], clock);
    const deadline = Deadline.after(2_000, { clock, marginMs: 100 });

    // Act
    const error = await catalog
      .commitTable(ident, commit, { idempotencyKey: 'k', deadline })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ commitOutcomeUnknown: true, retryable: true });
  });
});
