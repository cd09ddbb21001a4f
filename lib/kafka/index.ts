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
  decodeHeaders,
  decodeKafkaEvent,
  eventSourceKey,
  type KafkaHeader,
  type KafkaRecord,
  type LambdaKafkaEvent,
  type LambdaKafkaRecord,
  type MskKafkaEvent,
  type ReplayMarker,
  replayMarkerOf,
  type SelfManagedKafkaEvent,
  withReplayMarker,
} from './event';
export { type EnsureTopicOptions, ensureTopic } from './topics';
