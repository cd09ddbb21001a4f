import { stringifyJson } from '../avro/json';
import {
  CatalogError,
  CommitConflictError,
  CommitStateUnknownError,
  NoSuchNamespaceError,
  NoSuchTableError,
} from '../errors';
import type { PartitionSpec } from '../spec/partition-spec';
import type { Schema } from '../spec/schema';
import type { LoadedTable, TableIdentifier } from '../spec/table-metadata';
import { sleep } from '../transaction/backoff';
import {
  authenticator,
  type CatalogAuth,
  type OutgoingRequest,
  type RequestAuthenticator,
} from './auth';
import { normalizeTableMetadata, parseCatalogJson } from './json';
import type { Catalog, CommitOptions, TableCommit } from './types';

export interface RestCatalogOptions {
  /** Base URI, e.g. `http://127.0.0.1:19120/iceberg` (the part before `/v1`). */
  uri: string;
  warehouse?: string;
  auth?: CatalogAuth;
  fetch?: typeof fetch;
  /** Per-request timeout; a commit that times out is in an unknown state. */
  timeoutMs?: number;
}

interface ErrorBody {
  error?: { message?: string; type?: string; code?: number };
}

const NAMESPACE_SEPARATOR = '\u001f';

function namespacePath(namespace: string[]): string {
  return encodeURIComponent(namespace.join(NAMESPACE_SEPARATOR));
}

function describe(ident: TableIdentifier): string {
  return [...ident.namespace, ident.name].join('.');
}

function toLoadedTable(body: unknown): LoadedTable {
  const b = body as { 'metadata-location'?: string; metadata?: unknown };
  if (!b?.metadata) throw new CatalogError('catalog response has no table metadata');
  return {
    metadataLocation: b['metadata-location'] ?? '',
    metadata: normalizeTableMetadata(b.metadata),
  };
}

/** Client of the Iceberg REST catalog protocol (Nessie, AWS Glue, S3 Tables). */
export class RestCatalog implements Catalog {
  private constructor(
    private readonly base: string,
    private readonly prefix: string | undefined,
    private readonly authenticate: RequestAuthenticator,
    private readonly fetchFn: typeof fetch,
    private readonly timeoutMs: number,
    readonly properties: Record<string, string>,
  ) {
    this.enforcesEmptyRefRequirement = properties['nessie.is-nessie-catalog'] !== 'true';
  }

  readonly enforcesEmptyRefRequirement: boolean;

  /** Reads `/v1/config` to learn the prefix and the catalog's defaults. */
  static async connect(options: RestCatalogOptions): Promise<RestCatalog> {
    const base = options.uri.replace(/\/+$/, '');
    const authenticate = authenticator(options.auth);
    const fetchFn = options.fetch ?? globalThis.fetch;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const bootstrap = new RestCatalog(base, undefined, authenticate, fetchFn, timeoutMs, {});
    const query = options.warehouse ? `?warehouse=${encodeURIComponent(options.warehouse)}` : '';
    const { body } = await bootstrap.request('GET', `/v1/config${query}`);
    const config = body as {
      defaults?: Record<string, string>;
      overrides?: Record<string, string>;
    };
    const properties = { ...config.defaults, ...config.overrides };
    return new RestCatalog(base, properties.prefix, authenticate, fetchFn, timeoutMs, properties);
  }

  // The prefix is already in path form as the server wants it back: Nessie sends `main%7Cwarehouse`,
  // Glue sends `catalogs/<account>`. Encoding it again would break both.
  private path(...parts: string[]): string {
    return ['/v1', ...(this.prefix ? [this.prefix] : []), ...parts].join('/');
  }

  private tablePath(ident: TableIdentifier): string {
    return this.path(
      'namespaces',
      namespacePath(ident.namespace),
      'tables',
      encodeURIComponent(ident.name),
    );
  }

  /** GET of the namespace (Glue authorizes it as glue:GetDatabase): true unless it answers 404. */
  async namespaceExists(namespace: string[]): Promise<boolean> {
    const { status } = await this.request(
      'GET',
      this.path('namespaces', namespacePath(namespace)),
      undefined,
      { accept: [404] },
    );
    return status !== 404;
  }

  /** Any other answer than success or 409 (already exists) is thrown by `request`. */
  async createNamespaceIfAbsent(namespace: string[]): Promise<void> {
    await this.request(
      'POST',
      this.path('namespaces'),
      { namespace, properties: {} },
      { accept: [409] },
    );
  }

  async loadTable(ident: TableIdentifier): Promise<LoadedTable> {
    const { status, body } = await this.request('GET', this.tablePath(ident), undefined, {
      accept: [404],
    });
    if (status === 404) {
      const type = (body as ErrorBody)?.error?.type ?? '';
      if (type.includes('Namespace'))
        throw new NoSuchNamespaceError(`no namespace for ${describe(ident)}`);
      throw new NoSuchTableError(`no table ${describe(ident)}`);
    }
    return toLoadedTable(body);
  }

  /** Loads the table, creating it (and tolerating a concurrent creator) when absent. */
  async createTableIfAbsent(
    ident: TableIdentifier,
    schema: Schema,
    spec: PartitionSpec,
    properties: Record<string, string> = {},
  ): Promise<LoadedTable> {
    try {
      return await this.loadTable(ident);
    } catch (error) {
      if (!(error instanceof NoSuchTableError)) throw error;
    }
    const { status, body } = await this.request(
      'POST',
      this.path('namespaces', namespacePath(ident.namespace), 'tables'),
      {
        name: ident.name,
        schema,
        'partition-spec': spec,
        'write-order': { 'order-id': 0, fields: [] },
        properties: { 'format-version': '2', ...properties },
        'stage-create': false,
      },
      { accept: [409] },
    );
    if (status === 409) return this.loadTable(ident);
    return toLoadedTable(body);
  }

  async dropTable(ident: TableIdentifier): Promise<void> {
    await this.request('DELETE', this.tablePath(ident), undefined, { accept: [404] });
  }

  /**
   * Commits requirements and updates. 409 becomes CommitConflictError; a 5xx, a timeout or a
   * lost connection becomes CommitStateUnknownError, since the catalog may have applied it.
   */
  async commitTable(
    ident: TableIdentifier,
    commit: TableCommit,
    options: CommitOptions,
  ): Promise<LoadedTable> {
    let result: { status: number; body: unknown };
    try {
      result = await this.request(
        'POST',
        this.tablePath(ident),
        { identifier: ident, requirements: commit.requirements, updates: commit.updates },
        {
          accept: [409, 404, 500, 502, 503, 504],
          headers: { 'idempotency-key': options.idempotencyKey },
          retries: 0,
        },
      );
    } catch (cause) {
      if (cause instanceof CatalogError && cause.status !== undefined) throw cause;
      throw new CommitStateUnknownError(`commit to ${describe(ident)}: no response`, { cause });
    }
    const { status, body } = result;
    const message = (body as ErrorBody)?.error?.message ?? '';
    if (status === 409)
      throw new CommitConflictError(`commit to ${describe(ident)} conflicted: ${message}`);
    if (status === 404) throw new NoSuchTableError(`no table ${describe(ident)}: ${message}`);
    if (status >= 500) {
      throw new CommitStateUnknownError(
        `commit to ${describe(ident)} answered ${status}: ${message}`,
      );
    }
    return toLoadedTable(body);
  }

  /** Sends one request; idempotent reads are retried on 5xx and network failures. */
  private async request(
    method: string,
    path: string,
    payload?: unknown,
    opts: { accept?: number[]; headers?: Record<string, string>; retries?: number } = {},
  ): Promise<{ status: number; body: unknown }> {
    const retries = opts.retries ?? (method === 'GET' ? 3 : 0);
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.send(method, path, payload, opts.headers);
        const retryable = result.status >= 500 && !opts.accept?.includes(result.status);
        if (retryable && attempt < retries) {
          await sleep(200 * 2 ** attempt);
          continue;
        }
        if (result.status >= 200 && result.status < 300) return result;
        if (opts.accept?.includes(result.status)) return result;
        const message = (result.body as ErrorBody)?.error?.message ?? '';
        throw new CatalogError(`${method} ${path} answered ${result.status}: ${message}`, {
          status: result.status,
          retryable: result.status >= 500 || result.status === 429,
        });
      } catch (error) {
        if (error instanceof CatalogError) throw error;
        if (attempt >= retries) {
          throw new CatalogError(`${method} ${this.base}${path} failed: ${reasonOf(error)}`, {
            cause: error,
            retryable: true,
          });
        }
        await sleep(200 * 2 ** attempt);
      }
    }
  }

  private async send(
    method: string,
    path: string,
    payload: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const body = payload === undefined ? undefined : stringifyJson(payload);
    const outgoing: OutgoingRequest = await this.authenticate({
      method,
      url: new URL(this.base + path),
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...extraHeaders,
      },
      ...(body !== undefined ? { body } : {}),
    });
    const response = await this.fetchFn(outgoing.url, {
      method,
      headers: outgoing.headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? parseCatalogJson(text) : undefined;
    } catch {
      parsed = { error: { message: text.slice(0, 500) } };
    }
    return { status: response.status, body: parsed };
  }
}

// fetch reports a refused connection or an unknown host only in its cause.
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error ? `${message} (${cause.message})` : message;
}
