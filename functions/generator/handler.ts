import { createIdempotentProducer, createKafka } from '../../lib/kafka/client';
import { parseGeneratorConfig } from '../shared/config';
import { kafkaClientConfig } from '../shared/kafka';
import { createLogger } from '../shared/powertools';
import { createGeneratorHandler } from './create-handler';
import { parseGeneratorLimits } from './limits';

// Configuration is validated at cold start: a misconfigured function fails before any request.
const config = parseGeneratorConfig(process.env);
const limits = parseGeneratorLimits(process.env);

export const handler = createGeneratorHandler({
  topic: config.topic,
  limits,
  logger: createLogger('sensor-generator'),
  producer: async () => {
    const kafka = createKafka(await kafkaClientConfig(config.kafka, 'sensor-generator'));
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    return producer;
  },
});
