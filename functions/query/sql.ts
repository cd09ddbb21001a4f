/**
 * The SQL of every named query, written once in the subset Athena (Trino) and DuckDB agree on.
 * The table reference is the only thing that differs between the engines and is substituted.
 */

/** Severity thresholds the validations check against (the classifier's configuration). */
export interface ValidationThresholds {
  alertThreshold: number;
  criticalThreshold: number;
}

const SEVERITY_ORDER = `CASE alert_type WHEN 'CRITICAL' THEN 1 WHEN 'HIGH' THEN 2 WHEN 'MEDIUM' THEN 3 ELSE 4 END`;

export function alertSummarySql(table: string): string {
  return `SELECT alert_type,
       COUNT(*) AS alert_count,
       ROUND(AVG(temperature), 2) AS avg_temperature,
       MAX(temperature) AS max_temperature
FROM ${table}
GROUP BY alert_type
ORDER BY ${SEVERITY_ORDER}`;
}

export function latestCriticalSql(table: string, limit = 10): string {
  return `SELECT sensor_id, temperature, location, reading_timestamp, processing_timestamp,
       source_partition, source_offset
FROM ${table}
WHERE alert_type = 'CRITICAL'
ORDER BY reading_timestamp DESC, source_partition DESC, source_offset DESC
LIMIT ${positiveInteger(limit)}`;
}

/** One row of counters from which every validation is decided (one Athena query instead of four). */
export function validationStatsSql(table: string, thresholds: ValidationThresholds): string {
  const threshold = finiteNumber(thresholds.alertThreshold);
  const critical = finiteNumber(thresholds.criticalThreshold);
  return `SELECT COUNT(*) AS alert_count,
       COALESCE(SUM(CASE WHEN temperature <= ${threshold} THEN 1 ELSE 0 END), 0) AS not_above_threshold,
       MIN(temperature) AS min_temperature,
       COALESCE(SUM(CASE WHEN alert_type = 'CRITICAL' AND temperature <= ${critical} THEN 1 ELSE 0 END), 0) AS critical_not_above,
       MIN(CASE WHEN alert_type = 'CRITICAL' THEN temperature END) AS min_critical_temperature,
       (SELECT COUNT(*) FROM (
          SELECT source_partition, source_offset FROM ${table}
          GROUP BY source_partition, source_offset
          HAVING COUNT(*) > 1) duplicates) AS duplicate_lineages
FROM ${table}`;
}

/** Every alert, in lineage order: what tests and the demo compare against the produced readings. */
export function allAlertsSql(table: string): string {
  return `SELECT sensor_id, temperature, alert_type, reading_timestamp, processing_timestamp, location,
       source_partition, source_offset
FROM ${table}
ORDER BY source_partition, source_offset`;
}

function finiteNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new RangeError(`Expected a finite number, got ${value}`);
  }
  return String(value);
}

function positiveInteger(value: number): string {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`Expected a positive integer, got ${value}`);
  }
  return String(value);
}
