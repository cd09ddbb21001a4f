import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { tracing } from '../shared/powertools';
import type { QueryEngine } from './engine';
import { type QueryResult, runNamedQuery } from './queries';
import { parseQueryRequest } from './request';
import type { ValidationThresholds } from './sql';

export interface QueryHandlerDeps {
  /** Creates the engine on first use; the engine is then kept for the container's lifetime. */
  engine: () => Promise<QueryEngine>;
  thresholds: ValidationThresholds;
  logger?: Logger;
  tracer?: Tracer;
}

export type QueryHandler = (event: unknown, context: Context) => Promise<QueryResult>;

export function createQueryHandler(deps: QueryHandlerDeps): QueryHandler {
  let engine: Promise<QueryEngine> | undefined;
  const query = async (event: unknown): Promise<QueryResult> => {
    const name = parseQueryRequest(event);
    engine ??= deps.engine().catch((error: unknown) => {
      engine = undefined;
      throw error;
    });
    const began = performance.now();
    const result = await runNamedQuery(await engine, name, deps.thresholds);
    deps.logger?.info('query answered', {
      query: name,
      rows: result.rows.length,
      durationMs: Math.round(performance.now() - began),
    });
    return result;
  };
  const handler = middy(query);
  handler.use(tracing('sensor-query', deps.tracer));
  if (deps.logger) handler.use(injectLambdaContext(deps.logger));
  return handler as unknown as QueryHandler;
}
