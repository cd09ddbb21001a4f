import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Powertools reads POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL and POWERTOOLS_METRICS_NAMESPACE
 * itself; the defaults here only apply when those are unset (local runs and tests).
 * POWERTOOLS_METRICS_DISABLED=true (or POWERTOOLS_DEV) keeps metrics off stdout locally.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
}

export function createMetrics(serviceName: string): Metrics {
  return new Metrics({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName,
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SensorAlerts',
  });
}

/**
 * X-Ray tracer for a function deployed with active tracing. It traces the handler and every
 * outgoing HTTP(S) and fetch request (the catalog, S3, Kafka's SASL signer use these). It switches
 * itself off outside Lambda (no AWS_EXECUTION_ENV) and with POWERTOOLS_TRACE_ENABLED=false, so
 * local runs and tests send nothing.
 */
export function createTracer(serviceName: string): Tracer {
  return new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
}
