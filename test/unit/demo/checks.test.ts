import { describe, expect, it } from 'vitest';
import type { GeneratedReading } from '../../../functions/generator/readings';
import { exactlyOnceChecks, expectedAlerts } from '../../../local/demo/checks';

const thresholds = { threshold: 80, high: 85, critical: 90 };

function reading(sensor: string, temperature: number, second: number): GeneratedReading {
  return {
    key: sensor,
    reading: {
      sensor_id: sensor,
      temperature,
      timestamp: `2026-11-26T17:41:${String(second).padStart(2, '0')}.123456`,
      location: 'zone_1',
    },
  };
}

const readings = [
  reading('sensor_1', 80.0, 1),
  reading('sensor_2', 80.01, 2),
  reading('sensor_3', 85.0, 3),
  reading('sensor_4', 90.0, 4),
  reading('sensor_5', 90.01, 5),
  reading('sensor_6', 62.5, 6),
];

describe('expectedAlerts', () => {
  it('keeps readings strictly above the threshold with their severity and an ISO UTC time', () => {
    // Act
    const alerts = expectedAlerts(readings, thresholds);

    // Assess
    expect(alerts.map((a) => [a.sensor_id, a.alert_type])).toEqual([
      ['sensor_2', 'MEDIUM'],
      ['sensor_3', 'MEDIUM'],
      ['sensor_4', 'HIGH'],
      ['sensor_5', 'CRITICAL'],
    ]);
    expect(alerts[0]?.reading_timestamp).toBe('2026-11-26T17:41:02.123456Z');
  });
});

describe('exactlyOnceChecks', () => {
  const expected = expectedAlerts(readings, thresholds);
  const asRows = (alerts: typeof expected) => alerts.map((a) => ({ ...a }));

  it('passes when the table holds each expected alert once', () => {
    // Act
    const checks = exactlyOnceChecks({
      produced: 6,
      consumed: 6,
      expected,
      tableRows: asRows(expected).reverse(),
    });

    // Assess
    expect(checks.every((c) => c.passed)).toBe(true);
  });

  it.each([
    [
      'a duplicate',
      [...expected, expected[0]!],
      6,
      ['alerts in table = readings above threshold', 'table alerts match the produced readings'],
    ],
    [
      'a missing alert',
      expected.slice(1),
      6,
      ['alerts in table = readings above threshold', 'table alerts match the produced readings'],
    ],
    [
      'a changed alert',
      [{ ...expected[0]!, temperature: 99 }, ...expected.slice(1)],
      6,
      ['table alerts match the produced readings'],
    ],
    ['an unconsumed reading', expected, 5, ['every produced reading consumed']],
  ])('fails on %s', (_, tableRows, consumed, failing) => {
    // Act
    const checks = exactlyOnceChecks({
      produced: 6,
      consumed,
      expected,
      tableRows: asRows(tableRows),
    });

    // Assess
    expect(checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(failing);
  });
});
