import type { JsonRow } from './engine';
import type { ValidationThresholds } from './sql';

export interface ValidationResult {
  name: string;
  passed: boolean;
  detail: string;
}

/** Decides the validations from the single row `validationStatsSql` returns. */
export function evaluateValidations(
  stats: JsonRow,
  thresholds: ValidationThresholds,
): ValidationResult[] {
  const alertCount = count(stats, 'alert_count');
  const notAbove = count(stats, 'not_above_threshold');
  const criticalNotAbove = count(stats, 'critical_not_above');
  const duplicates = count(stats, 'duplicate_lineages');
  return [
    {
      name: 'at least one alert',
      passed: alertCount > 0,
      detail: `${alertCount} alerts`,
    },
    {
      name: `every alert above ${thresholds.alertThreshold}`,
      passed: notAbove === 0,
      detail: `${notAbove} at or below; minimum temperature ${stats.min_temperature ?? 'n/a'}`,
    },
    {
      name: `every CRITICAL above ${thresholds.criticalThreshold}`,
      passed: criticalNotAbove === 0,
      detail: `${criticalNotAbove} at or below; minimum CRITICAL temperature ${stats.min_critical_temperature ?? 'n/a'}`,
    },
    {
      name: 'no (source_partition, source_offset) twice',
      passed: duplicates === 0,
      detail: `${duplicates} duplicated lineages`,
    },
  ];
}

function count(row: JsonRow, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`Validation counter ${column} is ${JSON.stringify(value)}, not an integer`);
  }
  return value;
}
