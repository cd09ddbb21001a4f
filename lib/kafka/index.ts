export {
  createIdempotentProducer,
  createKafka,
  type KafkaAuth,
  type KafkaClientConfig,
  parseBrokers,
} from './client';
export { KafkaConfigError, KafkaEventError, KafkaTopicError } from './errors';
export {
  type BuildEventOptions,
  buildKafkaEvent,
  decodeKafkaEvent,
  eventSourceKey,
  type KafkaHeader,
  type KafkaRecord,
  type LambdaKafkaEvent,
  type LambdaKafkaRecord,
  type MskKafkaEvent,
  type SelfManagedKafkaEvent,
} from './event';
export { type EnsureTopicOptions, ensureTopic } from './topics';
