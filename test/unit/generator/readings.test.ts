import { describe, expect, it } from 'vitest';
import { generateReadings } from '../../../functions/generator/readings';
import { parseReading } from '../../../lib/alerts/reading';

const take = (seed: number, numReadings = 1000) => [
  ...generateReadings({ numReadings, numSensors: 10, seed, startTime: '2026-11-26T17:41:42Z' }),
];

describe('generateReadings', () => {
  it('is reproducible for a seed and start time', () => {
    expect(take(42)).toEqual(take(42));
  });

  it('differs between seeds', () => {
    expect(take(1)).not.toEqual(take(2));
  });

  it('produces valid readings keyed by sensor, in the documented ranges', () => {
    // Act
    const readings = take(7, 5000);

    // Assess
    const temps = readings.map((r) => r.reading.temperature);
    const hot = temps.filter((t) => t > 90).length;
    expect(readings.every((r) => r.key === r.reading.sensor_id)).toBe(true);
    expect(readings.every((r) => /^sensor_([1-9]|10)$/.test(r.key))).toBe(true);
    expect(readings.every((r) => /^zone_[1-5]$/.test(r.reading.location ?? ''))).toBe(true);
    expect(Math.min(...temps)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...temps)).toBeLessThanOrEqual(95);
    expect(temps.every((t) => Math.round(t * 100) / 100 === t)).toBe(true);
    // Only the hot 20% reaches above 90: half of the 85-95 draws, about 10% overall.
    expect(hot / temps.length).toBeGreaterThan(0.07);
    expect(hot / temps.length).toBeLessThan(0.13);
    const bytes = new TextEncoder().encode(JSON.stringify(readings[0]!.reading));
    expect(parseReading(bytes).ok).toBe(true);
  });

  it('stamps rising UTC timestamps with microseconds', () => {
    const readings = take(3, 3).map((r) => r.reading.timestamp);
    expect(readings[0]).toMatch(/^2026-11-26T17:41:42\.000\d{3}Z$/);
    expect(readings[1]).toMatch(/^2026-11-26T17:41:42\.001\d{3}Z$/);
    expect([...readings].sort()).toEqual(readings);
  });
});
