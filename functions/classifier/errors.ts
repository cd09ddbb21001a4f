/** Base of the classifier function's errors. */
export class ClassifierError extends Error {
  override readonly name: string = 'ClassifierError';
}

/** Writing rejected records to the dead letter target failed; the batch must be retried. */
export class DeadLetterError extends ClassifierError {
  override readonly name = 'DeadLetterError';
}

/**
 * Other deliveries kept committing records of this batch while it was being appended; it gave
 * up after its restarts so that the event source mapping retries it later.
 */
export class ConcurrentDeliveryError extends ClassifierError {
  override readonly name = 'ConcurrentDeliveryError';
}

/** Publishing the batch's alerts (Kafka alert topic or SNS) failed; the batch must be retried. */
export class AlertPublishError extends ClassifierError {
  override readonly name = 'AlertPublishError';
}
