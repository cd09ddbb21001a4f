import { describe, expect, it } from 'vitest';
import { evaluateValidations } from '../../../functions/query/validations';

const thresholds = { alertThreshold: 80, criticalThreshold: 90 };
const healthy = {
  alert_count: 12,
  not_above_threshold: 0,
  min_temperature: 80.5,
  critical_not_above: 0,
  min_critical_temperature: 90.2,
  duplicate_lineages: 0,
};

describe('evaluateValidations', () => {
  it('passes every validation on a healthy table', () => {
    // Act
    const results = evaluateValidations(healthy, thresholds);

    // Assess
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['at least one alert', true],
      ['every alert above 80', true],
      ['every CRITICAL above 90', true],
      ['no (source_partition, source_offset) twice', true],
    ]);
  });

  it.each([
    ['alert_count', 0, 'at least one alert'],
    ['not_above_threshold', 2, 'every alert above 80'],
    ['critical_not_above', 1, 'every CRITICAL above 90'],
    ['duplicate_lineages', 3, 'no (source_partition, source_offset) twice'],
  ])('fails only the matching validation when %s is %s', (column, value, failing) => {
    // Prepare
    const stats = { ...healthy, [column]: value };

    // Act
    const results = evaluateValidations(stats, thresholds);

    // Assess
    expect(results.filter((r) => !r.passed).map((r) => r.name)).toEqual([failing]);
    expect(results.find((r) => r.name === failing)?.detail).toContain(String(value));
  });

  it('refuses a counter that is not an integer', () => {
    // Act / Assess
    expect(() => evaluateValidations({ ...healthy, alert_count: null }, thresholds)).toThrow(
      /alert_count/,
    );
  });
});
