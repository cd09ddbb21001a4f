import type { GeneratedReading } from '../../functions/generator/readings';
import type { JsonRow } from '../../functions/query/engine';
import type { ValidationResult } from '../../functions/query/validations';
import { microsToIso } from '../../functions/query/values';
import { type AlertMessage, alertIdOf, dedupeByAlertId } from '../../lib/alerts/alert-message';
import { type AlertThresholds, severityOf } from '../../lib/alerts/severity';
import { parseTimestampMicros } from '../../lib/alerts/timestamp';

export type Check = ValidationResult;

/** An alert as the table should hold it, derived from a produced reading alone. */
export interface ExpectedAlert {
  sensor_id: string;
  temperature: number;
  alert_type: string;
  reading_timestamp: string;
  location: string | null;
}

export function expectedAlerts(
  readings: readonly GeneratedReading[],
  thresholds: AlertThresholds,
): ExpectedAlert[] {
  const alerts: ExpectedAlert[] = [];
  for (const { reading } of readings) {
    const severity = severityOf(reading.temperature, thresholds);
    if (severity === undefined) continue;
    const micros = parseTimestampMicros(reading.timestamp);
    if (micros === undefined) throw new TypeError(`Unreadable timestamp ${reading.timestamp}`);
    alerts.push({
      sensor_id: reading.sensor_id,
      temperature: reading.temperature,
      alert_type: severity,
      reading_timestamp: microsToIso(micros),
      location: reading.location ?? null,
    });
  }
  return alerts;
}

/** A canonical text per alert, sorted, so that two collections compare as multisets. */
export function alertKeys(rows: readonly (ExpectedAlert | JsonRow)[]): string[] {
  return rows
    .map((r) =>
      JSON.stringify([r.sensor_id, r.temperature, r.alert_type, r.reading_timestamp, r.location]),
    )
    .sort();
}

export interface RunFacts {
  produced: number;
  consumed: number;
  expected: readonly ExpectedAlert[];
  tableRows: readonly JsonRow[];
}

/** Exactly once: every reading consumed, and the table holds each expected alert once. */
export function exactlyOnceChecks(facts: RunFacts): Check[] {
  const expectedKeys = alertKeys(facts.expected);
  const actualKeys = alertKeys(facts.tableRows);
  const missing = difference(expectedKeys, actualKeys);
  const unexpected = difference(actualKeys, expectedKeys);
  return [
    {
      name: 'every produced reading consumed',
      passed: facts.consumed === facts.produced,
      detail: `${facts.consumed} of ${facts.produced} consumed`,
    },
    {
      name: 'alerts in table = readings above threshold',
      passed: facts.tableRows.length === facts.expected.length,
      detail: `${facts.tableRows.length} in the table, ${facts.expected.length} expected`,
    },
    {
      name: 'table alerts match the produced readings',
      passed: missing === 0 && unexpected === 0,
      detail: `${missing} missing, ${unexpected} unexpected`,
    },
  ];
}

/** How many of `a` (sorted) are not matched one-for-one in `b` (sorted). */
function difference(a: readonly string[], b: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const key of b) counts.set(key, (counts.get(key) ?? 0) + 1);
  let unmatched = 0;
  for (const key of a) {
    const left = counts.get(key) ?? 0;
    if (left === 0) unmatched++;
    else counts.set(key, left - 1);
  }
  return unmatched;
}

/**
 * The alert stream against the table: every alert the run published came from this run's
 * topic, and after dropping redelivered copies by alert id the stream holds exactly the
 * table's alerts.
 */
export function alertStreamChecks(
  messages: readonly AlertMessage[],
  sourceTopic: string,
  tableRows: readonly JsonRow[],
): Check[] {
  const mine = messages.filter((m) => m.source_topic === sourceTopic);
  const unique = dedupeByAlertId(mine);
  const streamIds = unique.map((m) => m.alert_id).sort();
  const tableIds = tableRows
    .map((r) => alertIdOf(sourceTopic, Number(r.source_partition), String(r.source_offset)))
    .sort();
  const missing = difference(tableIds, streamIds);
  const unexpected = difference(streamIds, tableIds);
  return [
    {
      name: 'alerts published = table alerts after dedupe by alert id',
      passed: unique.length === tableRows.length,
      detail: `${mine.length} published (${mine.length - unique.length} redelivered copies), ${unique.length} unique, ${tableRows.length} in the table`,
    },
    {
      name: 'alert stream ids match the table lineage',
      passed: missing === 0 && unexpected === 0,
      detail: `${missing} missing from the stream, ${unexpected} not in the table`,
    },
  ];
}
