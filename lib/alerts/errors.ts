/** A classification setting is inconsistent (for example a HIGH bound below the threshold). */
export class AlertThresholdsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlertThresholdsError';
  }
}

/** A committed-offsets summary property could not be read back. */
export class OffsetsSummaryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OffsetsSummaryError';
  }
}
