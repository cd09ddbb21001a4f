import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Producer } from 'kafkajs';
import { tracing } from '../shared/powertools';
import type { GeneratorLimits } from './limits';
import { type ProduceResult, produceReadings } from './produce';
import { generateReadings } from './readings';
import { parseGeneratorRequest } from './request';

export interface GeneratorHandlerDeps {
  /** Connects on first use; the producer is then kept for the container's lifetime. */
  producer: () => Promise<Producer>;
  topic: string;
  limits: GeneratorLimits;
  logger: Logger;
  tracer?: Tracer;
  /** Messages per send request (default 5000). */
  batchSize?: number;
}

export type GeneratorHandler = (event: unknown, context?: Context) => Promise<ProduceResult>;

/**
 * The generator's handler: a request over the function's cap is refused before anything is
 * sent; an accepted one stops with an error naming what was sent when the invocation runs
 * short of time, instead of being ended by Lambda mid-batch.
 */
export function createGeneratorHandler(deps: GeneratorHandlerDeps): GeneratorHandler {
  let producer: Promise<Producer> | undefined;
  const connected = (): Promise<Producer> => {
    producer ??= deps.producer().catch((error: unknown) => {
      producer = undefined;
      throw error;
    });
    return producer;
  };
  const { logger, limits } = deps;

  const generate = async (event: unknown, context?: Context): Promise<ProduceResult> => {
    const request = parseGeneratorRequest(event, deps.topic, limits.maxReadings);
    logger.info('generating readings', { request });
    const result = await produceReadings(await connected(), generateReadings(request), {
      topic: request.topic,
      ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
      onProgress: (p) => logger.info('progress', p),
      ...(context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
      stopBeforeMs: limits.stopBeforeTimeoutMs,
    });
    logger.info('readings sent', { ...result });
    return result;
  };

  const handler = middy(generate).use(injectLambdaContext(logger));
  handler.use(tracing('sensor-generator', deps.tracer));
  return handler as unknown as GeneratorHandler;
}
