import type { QueryConfig } from './config';
import type { QueryEngine } from './engine';
import { QueryConfigError } from './errors';

/**
 * Builds the engine QUERY_ENGINE names; each loads only when chosen. A deployed bundle carries
 * only its target's engine: infra/constructs/bundling.ts replaces
 * `process.env.SENSOR_ALERTS_QUERY_ENGINES` with `"athena"` (AWS) or `"local"` (LocalStack), so
 * the minifier drops the other branch and what it imports (DuckDB and the Iceberg reader, or
 * the Athena client). Run from source, both engines are there.
 */
export async function createEngine(config: QueryConfig): Promise<QueryEngine> {
  if (config.engine === 'athena') {
    if (process.env.SENSOR_ALERTS_QUERY_ENGINES !== 'local') {
      const [{ AthenaClient }, { AthenaQueryEngine }] = await Promise.all([
        import('@aws-sdk/client-athena'),
        import('./athena-engine'),
      ]);
      return new AthenaQueryEngine({
        client: new AthenaClient({}),
        ...config.athena,
        table: config.table,
      });
    }
    throw new QueryConfigError(
      'QUERY_ENGINE=athena: this bundle carries only the local engine (built for LocalStack)',
    );
  }
  if (!config.iceberg) {
    throw new QueryConfigError('QUERY_ENGINE=local needs the ICEBERG_* settings');
  }
  if (process.env.SENSOR_ALERTS_QUERY_ENGINES !== 'athena') {
    const { connectLocalEngine } = await import('./local-engine');
    return connectLocalEngine(config.iceberg);
  }
  throw new QueryConfigError(
    'QUERY_ENGINE=local: this bundle carries only the Athena engine (built for AWS)',
  );
}
