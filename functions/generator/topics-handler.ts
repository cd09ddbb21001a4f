import { createKafka } from '../../lib/kafka/client';
import { parseKafkaSettings } from '../shared/config';
import { kafkaClientConfig } from '../shared/kafka';
import { createLogger } from '../shared/powertools';
import { handleTopicResource, type TopicResourceEvent } from './topic-resource';

// The deploy-time topic provisioner: the handler of the stack's Kafka topic custom resources,
// run where the generator runs (same network and Kafka authentication).
const settings = parseKafkaSettings(process.env);
const logger = createLogger('sensor-topics');

export const handler = async (event: TopicResourceEvent) => {
  logger.info('topic resource event', {
    requestType: event.RequestType,
    physicalResourceId: event.PhysicalResourceId,
    properties: event.ResourceProperties,
  });
  const result = await handleTopicResource(event, async () => {
    const kafka = createKafka(await kafkaClientConfig(settings, 'sensor-topics'));
    const admin = kafka.admin();
    await admin.connect();
    return admin;
  });
  logger.info('topic resource done', { ...result });
  return result;
};
