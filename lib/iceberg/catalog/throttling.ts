/**
 * Error types and messages catalogs and AWS services use for throttling. Glue's Iceberg endpoint
 * is reported to answer throttling with a 400, so the status alone does not tell.
 */
const THROTTLING_TYPES =
  /^(ThrottlingException|Throttling|ThrottledException|TooManyRequestsException|RequestLimitExceeded|SlowDown|RequestThrottled|RequestThrottledException|ProvisionedThroughputExceededException|RateExceeded)$/i;
const THROTTLING_MESSAGES = /rate exceeded|too many requests|throttl|slow ?down/i;

export interface ErrorResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** `error.type` of the REST protocol, or the AWS JSON `__type`/`code` (namespace prefix dropped). */
function errorTypes(response: ErrorResponse): string[] {
  const body = response.body as
    | { error?: { type?: unknown; message?: unknown }; __type?: unknown; code?: unknown }
    | undefined;
  const candidates = [
    body?.error?.type,
    body?.__type,
    body?.code,
    response.headers.get('x-amzn-errortype'),
  ];
  return candidates
    .filter((t): t is string => typeof t === 'string')
    .map((t) => t.split(/[#:]/).find((part) => part.length > 0 && !part.includes('.')) ?? t);
}

function errorMessage(response: ErrorResponse): string {
  const body = response.body as { error?: { message?: unknown }; message?: unknown } | undefined;
  const message = body?.error?.message ?? body?.message;
  return typeof message === 'string' ? message : '';
}

/**
 * True when the catalog refused the request because of its request rate: 429, a 503 that says
 * when to come back (Retry-After, as Iceberg Java's HTTP client retries it), or any status whose
 * error type or message says throttling. Such a request was not processed, so resending the
 * identical request (a commit too) is safe.
 */
export function isThrottled(response: ErrorResponse): boolean {
  if (response.status < 400) return false;
  if (response.status === 429) return true;
  if (response.status === 503 && response.headers.has('retry-after')) return true;
  if (errorTypes(response).some((type) => THROTTLING_TYPES.test(type))) return true;
  return response.status !== 404 && THROTTLING_MESSAGES.test(errorMessage(response));
}

/** Milliseconds the server asked to wait (Retry-After in seconds or as an HTTP date). */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
