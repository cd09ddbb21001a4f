import { AlertThresholdsError } from './errors';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM';

/** Ordered from most to least severe, the order the analytics report them in. */
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM'];

export interface AlertThresholds {
  /** A reading becomes an alert when its temperature is strictly above this. */
  threshold: number;
  /** Strictly above: HIGH. */
  high: number;
  /** Strictly above: CRITICAL. */
  critical: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = Object.freeze({
  threshold: 80,
  high: 85,
  critical: 90,
});

/**
 * The one ordering rule for the thresholds, checked by the functions at cold start and by the
 * deployment at synth: finite, and threshold <= high <= critical. Equal bounds are allowed (they
 * leave a severity empty, which severityOf handles), so no configuration one accepts is refused
 * by the other.
 */
export function thresholdsInOrder(t: AlertThresholds): boolean {
  const finite = [t.threshold, t.high, t.critical].every(Number.isFinite);
  return finite && t.threshold <= t.high && t.high <= t.critical;
}

export function assertThresholds(t: AlertThresholds): AlertThresholds {
  const values = [t.threshold, t.high, t.critical];
  if (!values.every(Number.isFinite)) {
    throw new AlertThresholdsError(`thresholds must be finite numbers, got ${JSON.stringify(t)}`);
  }
  if (!thresholdsInOrder(t)) {
    throw new AlertThresholdsError(
      `thresholds must satisfy threshold <= high <= critical, got ${t.threshold}/${t.high}/${t.critical}`,
    );
  }
  return t;
}

/**
 * Severity of a temperature, or undefined when it is not an alert. All comparisons are strict,
 * as in the original pipeline: 90.0 is HIGH, 85.0 is MEDIUM and 80.0 is no alert.
 */
export function severityOf(
  temperature: number,
  t: AlertThresholds = DEFAULT_THRESHOLDS,
): Severity | undefined {
  if (!(temperature > t.threshold)) return undefined;
  if (temperature > t.critical) return 'CRITICAL';
  if (temperature > t.high) return 'HIGH';
  return 'MEDIUM';
}
