import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Producer } from 'kafkajs';
import { createIdempotentProducer, createKafka } from '../../lib/kafka/client';
import { parseGeneratorConfig } from '../shared/config';
import { kafkaClientConfig } from '../shared/kafka';
import { createLogger } from '../shared/powertools';
import { type ProduceResult, produceReadings } from './produce';
import { generateReadings } from './readings';
import { parseGeneratorRequest } from './request';

const logger = createLogger('sensor-generator');
const config = parseGeneratorConfig(process.env);

// Connected once per execution environment and reused by later invocations.
let producer: Promise<Producer> | undefined;
const connectedProducer = (): Promise<Producer> => {
  producer ??= (async () => {
    const kafka = createKafka(await kafkaClientConfig(config.kafka, 'sensor-generator'));
    const p = createIdempotentProducer(kafka);
    await p.connect();
    return p;
  })().catch((error) => {
    producer = undefined;
    throw error;
  });
  return producer;
};

const generate = async (event: unknown): Promise<ProduceResult> => {
  const request = parseGeneratorRequest(event, config.topic);
  logger.info('generating readings', { request });
  const result = await produceReadings(await connectedProducer(), generateReadings(request), {
    topic: request.topic,
    onProgress: (p) => logger.info('progress', p),
  });
  logger.info('readings sent', { ...result });
  return result;
};

export const handler = middy(generate).use(injectLambdaContext(logger));
