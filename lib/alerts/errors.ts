/** Base of every error the alerts package throws, so a caller can catch them as one. */
export class AlertsError extends Error {
  override readonly name: string = 'AlertsError';
}

/** A classification setting is inconsistent (for example a HIGH bound below the threshold). */
export class AlertThresholdsError extends AlertsError {
  override readonly name = 'AlertThresholdsError';
}

/** A committed-offsets summary property could not be read back. */
export class OffsetsSummaryError extends AlertsError {
  override readonly name = 'OffsetsSummaryError';
}

/** A message on the alert stream does not follow its format (lib/alerts/alert-message.ts). */
export class AlertMessageError extends AlertsError {
  override readonly name = 'AlertMessageError';
}
