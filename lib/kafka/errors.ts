/** Base of every error the Kafka package throws, so a caller can catch them as one. */
export class KafkaError extends Error {
  override readonly name: string = 'KafkaError';
}

/** The Kafka client settings are incomplete or contradictory. */
export class KafkaConfigError extends KafkaError {
  override readonly name = 'KafkaConfigError';
}

/** An event handed to a function is not a Lambda Kafka event. */
export class KafkaEventError extends KafkaError {
  override readonly name = 'KafkaEventError';
}

/** Creating or describing a topic failed. */
export class KafkaTopicError extends KafkaError {
  override readonly name = 'KafkaTopicError';
}
