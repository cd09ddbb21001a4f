import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaQueryEngine } from './athena-engine';
import type { QueryConfig } from './config';
import type { QueryEngine } from './engine';
import { QueryConfigError } from './errors';

/** Builds the engine QUERY_ENGINE names; the local one (DuckDB, catalog) loads only when chosen. */
export async function createEngine(config: QueryConfig): Promise<QueryEngine> {
  if (config.engine === 'athena') {
    return new AthenaQueryEngine({
      client: new AthenaClient({}),
      ...config.athena,
      table: config.table,
    });
  }
  if (!config.iceberg) {
    throw new QueryConfigError('QUERY_ENGINE=local needs the ICEBERG_* settings');
  }
  const { connectLocalEngine } = await import('./local-engine');
  return connectLocalEngine(config.iceberg);
}
