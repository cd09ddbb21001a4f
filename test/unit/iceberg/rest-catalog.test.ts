import { describe, expect, it } from 'vitest';
import {
  CatalogError,
  CommitConflictError,
  CommitStateUnknownError,
  NoSuchTableError,
  RestCatalog,
} from '../../../lib/iceberg';

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

function fakeFetch(routes: (call: Call) => { status: number; body?: string } | Error) {
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

async function connectWith(commitAnswer: { status: number; body?: string } | Error) {
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
