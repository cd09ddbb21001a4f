/** Base of the generator function's errors. */
export class GeneratorError extends Error {
  override readonly name: string = 'GeneratorError';
}

/** The generator's event asks for something it will not do; nothing has been sent. */
export class GeneratorRequestError extends GeneratorError {
  override readonly name = 'GeneratorRequestError';
}

/** Sending readings to Kafka failed part way; `sent` readings were acknowledged before. */
export class ProduceError extends GeneratorError {
  override readonly name: string = 'ProduceError';
  readonly sent: number;
  constructor(message: string, sent: number, options?: { cause?: unknown }) {
    super(message, options);
    this.sent = sent;
  }
}
