import { describe, expect, it } from 'vitest';
import { AlertThresholdsError } from '../../../lib/alerts/errors';
import { assertThresholds, severityOf } from '../../../lib/alerts/severity';

describe('severityOf with the default thresholds 80/85/90', () => {
  it.each([
    [79.99, undefined],
    [80, undefined],
    [80.01, 'MEDIUM'],
    [85, 'MEDIUM'],
    [85.01, 'HIGH'],
    [90, 'HIGH'],
    [90.01, 'CRITICAL'],
    [-40, undefined],
  ])('%d -> %s', (temperature, expected) => {
    // Act
    const severity = severityOf(temperature);

    // Assess
    expect(severity).toBe(expected);
  });
});

describe('severityOf with configured thresholds', () => {
  it.each([
    [50, undefined],
    [50.5, 'MEDIUM'],
    [60.5, 'HIGH'],
    [70.5, 'CRITICAL'],
  ])('%d -> %s with 50/60/70', (temperature, expected) => {
    expect(severityOf(temperature, { threshold: 50, high: 60, critical: 70 })).toBe(expected);
  });

  it.each([
    [{ threshold: 90, high: 85, critical: 95 }],
    [{ threshold: 80, high: 95, critical: 90 }],
    [{ threshold: Number.NaN, high: 85, critical: 90 }],
  ])('rejects inconsistent thresholds %o', (t) => {
    expect(() => assertThresholds(t)).toThrow(AlertThresholdsError);
  });
});
