import type { JsonRow, QueryEngine } from './engine';
import {
  alertSummarySql,
  latestCriticalSql,
  type ValidationThresholds,
  validationStatsSql,
} from './sql';
import { evaluateValidations, type ValidationResult } from './validations';

export const QUERY_NAMES = ['alert-summary', 'latest-critical', 'validations'] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

export interface RowsResult {
  query: 'alert-summary' | 'latest-critical';
  rows: JsonRow[];
}
export interface ValidationsResult {
  query: 'validations';
  passed: boolean;
  rows: ValidationResult[];
}
export type QueryResult = RowsResult | ValidationsResult;

export function runNamedQuery(
  engine: QueryEngine,
  query: 'validations',
  thresholds: ValidationThresholds,
): Promise<ValidationsResult>;
export function runNamedQuery(
  engine: QueryEngine,
  query: RowsResult['query'],
  thresholds: ValidationThresholds,
): Promise<RowsResult>;
export function runNamedQuery(
  engine: QueryEngine,
  query: QueryName,
  thresholds: ValidationThresholds,
): Promise<QueryResult>;
export async function runNamedQuery(
  engine: QueryEngine,
  query: QueryName,
  thresholds: ValidationThresholds,
): Promise<QueryResult> {
  switch (query) {
    case 'alert-summary':
      return { query, rows: await engine.run(alertSummarySql(engine.tableRef)) };
    case 'latest-critical':
      return { query, rows: await engine.run(latestCriticalSql(engine.tableRef)) };
    case 'validations': {
      const [stats] = await engine.run(validationStatsSql(engine.tableRef, thresholds));
      if (!stats) {
        throw new TypeError('The validation query returned no row');
      }
      const rows = evaluateValidations(stats, thresholds);
      return { query, passed: rows.every((row) => row.passed), rows };
    }
  }
}
