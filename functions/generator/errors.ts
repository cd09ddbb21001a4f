/** The generator's event asks for something it will not do; nothing has been sent. */
export class GeneratorRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeneratorRequestError';
  }
}

/** Sending readings to Kafka failed part way; `sent` readings were acknowledged before. */
export class ProduceError extends Error {
  readonly sent: number;
  constructor(message: string, sent: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProduceError';
    this.sent = sent;
  }
}
