/** Root of every error the generator function throws. */
export class GeneratorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeneratorError';
  }
}

/** The generator's event asks for something it will not do; nothing has been sent. */
export class GeneratorRequestError extends GeneratorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeneratorRequestError';
  }
}

/** The generator's own environment (its limits) is invalid. */
export class GeneratorConfigError extends GeneratorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeneratorConfigError';
  }
}

/**
 * Sending readings to Kafka failed or was stopped part way; `sent` readings were acknowledged
 * before.
 */
export class ProduceError extends GeneratorError {
  readonly sent: number;
  constructor(message: string, sent: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProduceError';
    this.sent = sent;
  }
}

/** A topic could not be created, extended or deleted on the cluster. */
export class TopicProvisioningError extends GeneratorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TopicProvisioningError';
  }
}
