/** The Kafka client settings are incomplete or contradictory. */
export class KafkaConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaConfigError';
  }
}

/** An event handed to a function is not a Lambda Kafka event. */
export class KafkaEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaEventError';
  }
}

/** Creating or describing a topic failed. */
export class KafkaTopicError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaTopicError';
  }
}
