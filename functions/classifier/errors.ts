/** Writing rejected records to the dead letter target failed; the batch must be retried. */
export class DeadLetterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeadLetterError';
  }
}

/**
 * Other deliveries kept committing records of this batch while it was being appended; it gave
 * up after its restarts so that the event source mapping retries it later.
 */
export class ConcurrentDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConcurrentDeliveryError';
  }
}
