import {
  CatalogError,
  CatalogThrottledError,
  CommitConflictError,
  CommitStateUnknownError,
  DeadlineExceededError,
  NoSuchNamespaceError,
  NoSuchTableError,
} from '../errors';
import type { PartitionSpec } from '../spec/partition-spec';
import type { Schema } from '../spec/schema';
import { type LoadedTable, type TableIdentifier, tableName } from '../spec/table-metadata';
import { type BackoffOptions, backoffDelay } from '../util/backoff';
import { type Clock, systemClock } from '../util/clock';
import { Deadline, isAbort } from '../util/deadline';
import { parseJson, stringifyJson } from '../util/json';
import {
  authenticator,
  type CatalogAuth,
  type OutgoingRequest,
  type RequestAuthenticator,
} from './auth';
import { normalizeTableMetadata, wireUpdates } from './json';
import { isThrottled, retryAfterMs } from './throttling';
import type {
  Catalog,
  CatalogRequestOptions,
  CommitOptions,
  TableCommit,
  TableCreator,
} from './types';

export interface RestCatalogOptions {
  /** Base URI, e.g. `http://127.0.0.1:19120/iceberg` (the part before `/v1`). */
  uri: string;
  warehouse?: string;
  auth?: CatalogAuth;
  fetch?: typeof fetch;
  /** Per-request timeout (default 30 s), clipped to a deadline; a commit that times out is in an unknown state. */
  timeoutMs?: number;
  /** Retries of idempotent reads after a 5xx or a network failure (default 3). */
  retries?: number;
  /** Retries of any request the catalog answered as throttled (default 5). */
  throttleRetries?: number;
  /** Backoff between retries (default 200 ms doubling up to 10 s, with jitter). */
  backoff?: BackoffOptions;
  /** Waits and request timeouts run on this clock (tests pass a fake one). */
  clock?: Clock;
  /** Bounds `connect` (the `/v1/config` request and its retries). */
  deadline?: Deadline;
}

interface Settings {
  base: string;
  authenticate: RequestAuthenticator;
  fetchFn: typeof fetch;
  timeoutMs: number;
  retries: number;
  throttleRetries: number;
  backoff: BackoffOptions;
  clock: Clock;
}

interface ErrorBody {
  error?: { message?: string; type?: string; code?: number };
}

interface Response {
  status: number;
  headers: Headers;
  body: unknown;
}

interface RequestOptions {
  accept?: number[];
  headers?: Record<string, string>;
  /** Retries after a 5xx or a network failure; default 3 for GET, 0 otherwise. */
  retries?: number;
  deadline?: Deadline;
  /** What the request does, for a DeadlineExceededError (`loading demo.t`). */
  activity: string;
  /** A commit: a request cut off by the deadline may have been applied. */
  commit?: boolean;
}

const NAMESPACE_SEPARATOR = '\u001f';

function namespacePath(namespace: string[]): string {
  return encodeURIComponent(namespace.join(NAMESPACE_SEPARATOR));
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
export class RestCatalog implements Catalog, TableCreator {
  private constructor(
    private readonly settings: Settings,
    private readonly prefix: string | undefined,
    readonly properties: Record<string, string>,
  ) {
    this.enforcesEmptyRefRequirement = properties['nessie.is-nessie-catalog'] !== 'true';
  }

  readonly enforcesEmptyRefRequirement: boolean;

  /** Reads `/v1/config` to learn the prefix and the catalog's defaults. */
  static async connect(options: RestCatalogOptions): Promise<RestCatalog> {
    const settings: Settings = {
      base: options.uri.replace(/\/+$/, ''),
      authenticate: authenticator(options.auth),
      fetchFn: options.fetch ?? globalThis.fetch,
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 3,
      throttleRetries: options.throttleRetries ?? 5,
      backoff: options.backoff ?? { baseMs: 200, maxMs: 10_000 },
      clock: options.clock ?? systemClock,
    };
    const bootstrap = new RestCatalog(settings, undefined, {});
    const query = options.warehouse ? `?warehouse=${encodeURIComponent(options.warehouse)}` : '';
    const { body } = await bootstrap.request('GET', `/v1/config${query}`, undefined, {
      activity: `reading the catalog configuration from ${settings.base}`,
      ...(options.deadline ? { deadline: options.deadline } : {}),
    });
    const config = body as {
      defaults?: Record<string, string>;
      overrides?: Record<string, string>;
    };
    const properties = { ...config.defaults, ...config.overrides };
    return new RestCatalog(settings, properties.prefix, properties);
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
  async namespaceExists(
    namespace: string[],
    options: CatalogRequestOptions = {},
  ): Promise<boolean> {
    const { status } = await this.request(
      'GET',
      this.path('namespaces', namespacePath(namespace)),
      undefined,
      { accept: [404], activity: `looking up namespace ${namespace.join('.')}`, ...options },
    );
    return status !== 404;
  }

  /** Any other answer than success or 409 (already exists) is thrown by `request`. */
  async createNamespaceIfAbsent(
    namespace: string[],
    options: CatalogRequestOptions = {},
  ): Promise<void> {
    await this.request(
      'POST',
      this.path('namespaces'),
      { namespace, properties: {} },
      { accept: [409], activity: `creating namespace ${namespace.join('.')}`, ...options },
    );
  }

  async loadTable(
    ident: TableIdentifier,
    options: CatalogRequestOptions = {},
  ): Promise<LoadedTable> {
    const { status, body } = await this.request('GET', this.tablePath(ident), undefined, {
      accept: [404],
      activity: `loading ${tableName(ident)}`,
      ...options,
    });
    if (status === 404) {
      const type = (body as ErrorBody)?.error?.type ?? '';
      if (type.includes('Namespace'))
        throw new NoSuchNamespaceError(`no namespace for ${tableName(ident)}`);
      throw new NoSuchTableError(`no table ${tableName(ident)}`);
    }
    return toLoadedTable(body);
  }

  /** Loads the table, creating it (and tolerating a concurrent creator) when absent. */
  async createTableIfAbsent(
    ident: TableIdentifier,
    schema: Schema,
    spec: PartitionSpec,
    properties: Record<string, string> = {},
    options: CatalogRequestOptions = {},
  ): Promise<LoadedTable> {
    try {
      return await this.loadTable(ident, options);
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
      { accept: [409], activity: `creating ${tableName(ident)}`, ...options },
    );
    if (status === 409) return this.loadTable(ident, options);
    return toLoadedTable(body);
  }

  async dropTable(ident: TableIdentifier, options: CatalogRequestOptions = {}): Promise<void> {
    await this.request('DELETE', this.tablePath(ident), undefined, {
      accept: [404],
      activity: `dropping ${tableName(ident)}`,
      ...options,
    });
  }

  /**
   * Commits requirements and updates. 409 becomes CommitConflictError; a 5xx, a timeout or a
   * lost connection becomes CommitStateUnknownError, since the catalog may have applied it. A
   * throttled commit was not applied and is resent as it was (same Idempotency-Key).
   */
  async commitTable(
    ident: TableIdentifier,
    commit: TableCommit,
    options: CommitOptions,
  ): Promise<LoadedTable> {
    const name = tableName(ident);
    let result: Response;
    try {
      result = await this.request(
        'POST',
        this.tablePath(ident),
        {
          identifier: ident,
          requirements: commit.requirements,
          updates: wireUpdates(commit.updates),
        },
        {
          accept: [409, 404, 500, 502, 503, 504],
          headers: { 'idempotency-key': options.idempotencyKey },
          retries: 0,
          activity: `committing to ${name}`,
          commit: true,
          ...(options.deadline ? { deadline: options.deadline } : {}),
        },
      );
    } catch (cause) {
      if (cause instanceof DeadlineExceededError) throw cause;
      if (cause instanceof CatalogError && cause.status !== undefined) throw cause;
      throw new CommitStateUnknownError(`commit to ${name}: no response`, { cause });
    }
    const { status, body } = result;
    const message = (body as ErrorBody)?.error?.message ?? '';
    if (status === 409) throw new CommitConflictError(`commit to ${name} conflicted: ${message}`);
    if (status === 404) throw new NoSuchTableError(`no table ${name}: ${message}`);
    if (status >= 500) {
      throw new CommitStateUnknownError(`commit to ${name} answered ${status}: ${message}`);
    }
    return toLoadedTable(body);
  }

  /**
   * Sends one request. Idempotent reads are retried on 5xx and network failures; any request
   * the catalog throttled is resent after Retry-After or a backoff. Nothing starts or waits
   * past the deadline, and each attempt's timeout is clipped to it.
   */
  private async request(
    method: string,
    path: string,
    payload: unknown,
    opts: RequestOptions,
  ): Promise<Response> {
    const { clock, backoff } = this.settings;
    const deadline = opts.deadline ?? Deadline.none(clock);
    const retries = opts.retries ?? (method === 'GET' ? this.settings.retries : 0);
    let failures = 0;
    let throttled = 0;
    for (;;) {
      const { signal, clipped } = deadline.requestSignal(this.settings.timeoutMs, opts.activity);
      let result: Response;
      try {
        result = await this.send(method, path, payload, opts.headers, signal);
      } catch (error) {
        if (isAbort(error) && clipped) {
          throw new DeadlineExceededError(opts.activity, deadline.remainingMs(), {
            cause: error,
            commitOutcomeUnknown: opts.commit === true,
          });
        }
        if (failures >= retries) {
          throw new CatalogError(
            `${method} ${this.settings.base}${path} failed: ${reasonOf(error)}`,
            { cause: error, retryable: true },
          );
        }
        failures++;
        await deadline.sleep(backoffDelay(failures, backoff), opts.activity);
        continue;
      }
      const message = (result.body as ErrorBody)?.error?.message ?? '';
      if (isThrottled(result)) {
        if (throttled >= this.settings.throttleRetries) {
          throw new CatalogThrottledError(
            `${method} ${path} was throttled ${throttled + 1} times (${result.status}): ${message}`,
            { status: result.status },
          );
        }
        throttled++;
        const wait = retryAfterMs(result.headers, clock.now()) ?? backoffDelay(throttled, backoff);
        await deadline.sleep(Math.min(wait, backoff.maxMs * 3), opts.activity);
        continue;
      }
      const retryable = result.status >= 500 && !opts.accept?.includes(result.status);
      if (retryable && failures < retries) {
        failures++;
        await deadline.sleep(backoffDelay(failures, backoff), opts.activity);
        continue;
      }
      if (result.status >= 200 && result.status < 300) return result;
      if (opts.accept?.includes(result.status)) return result;
      throw new CatalogError(`${method} ${path} answered ${result.status}: ${message}`, {
        status: result.status,
        retryable: result.status >= 500,
      });
    }
  }

  private async send(
    method: string,
    path: string,
    payload: unknown,
    extraHeaders: Record<string, string> = {},
    signal: AbortSignal,
  ): Promise<Response> {
    const body = payload === undefined ? undefined : stringifyJson(payload);
    const outgoing: OutgoingRequest = await this.settings.authenticate({
      method,
      url: new URL(this.settings.base + path),
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...extraHeaders,
      },
      ...(body !== undefined ? { body } : {}),
    });
    const response = await this.settings.fetchFn(outgoing.url, {
      method,
      headers: outgoing.headers,
      ...(body !== undefined ? { body } : {}),
      signal,
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? parseJson(text) : undefined;
    } catch {
      parsed = { error: { message: text.slice(0, 500) } };
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }
}

// fetch reports a refused connection or an unknown host only in its cause.
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error ? `${message} (${cause.message})` : message;
}
