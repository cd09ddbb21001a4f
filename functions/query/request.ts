import { z } from 'zod';
import { QueryRequestError } from './errors';
import { QUERY_NAMES, type QueryName } from './queries';

const requestSchema = z.object({ query: z.string() });

/** Validates the invocation event `{ query: <name> }`. */
export function parseQueryRequest(event: unknown): QueryName {
  const parsed = requestSchema.safeParse(event);
  if (!parsed.success) {
    throw new QueryRequestError(
      `Expected an event like {"query": "${QUERY_NAMES[0]}"}; known queries: ${QUERY_NAMES.join(', ')}`,
      { cause: parsed.error },
    );
  }
  const name = parsed.data.query;
  if (!(QUERY_NAMES as readonly string[]).includes(name)) {
    throw new QueryRequestError(
      `Unknown query "${name}"; known queries: ${QUERY_NAMES.join(', ')}`,
    );
  }
  return name as QueryName;
}
