import middy from '@middy/core';
import type { QueryEngine } from './engine';
import { type QueryResult, runNamedQuery } from './queries';
import { parseQueryRequest } from './request';
import type { ValidationThresholds } from './sql';

export interface QueryHandlerDeps {
  /** Creates the engine on first use; the engine is then kept for the container's lifetime. */
  engine: () => Promise<QueryEngine>;
  thresholds: ValidationThresholds;
}

export function createQueryHandler(deps: QueryHandlerDeps) {
  let engine: Promise<QueryEngine> | undefined;
  return middy(async (event: unknown): Promise<QueryResult> => {
    const name = parseQueryRequest(event);
    engine ??= deps.engine().catch((error: unknown) => {
      engine = undefined;
      throw error;
    });
    return runNamedQuery(await engine, name, deps.thresholds);
  });
}
