import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';

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
 * Whether Powertools' tracer would trace here: in Lambda (AWS_EXECUTION_ENV set), unless
 * POWERTOOLS_TRACE_ENABLED=false or under SAM or Amplify's local mocks.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() === 'false') return false;
  const execution = env.AWS_EXECUTION_ENV ?? '';
  if (execution === '' || execution === 'AWS_Lambda_amplify-mock') return false;
  return (env.AWS_SAM_LOCAL ?? '') === '';
}

/**
 * X-Ray tracing of a handler deployed with active tracing (Powertools' captureLambdaHandler): it
 * traces the handler and every outgoing HTTP(S) and fetch request (the catalog, S3, Kafka's SASL
 * signer use these). Where tracing is off (outside Lambda, POWERTOOLS_TRACE_ENABLED=false as on
 * LocalStack) the tracer is not even loaded: loading it loads aws-xray-sdk-core, whose async
 * hooks slow every promise of the process about fifteen-fold whether or not anything is traced.
 * Where it is on, loading starts at once (during the cold start) and the first invocation waits
 * for it; a failure to load fails every invocation. No middleware at all where tracing is off.
 */
export function tracing(serviceName: string, tracer?: Tracer): MiddlewareObj[] {
  if (!tracer && !tracingEnabled()) return [];
  const middleware: Promise<MiddlewareObj> = (
    tracer
      ? Promise.resolve(tracer)
      : import('@aws-lambda-powertools/tracer').then(
          ({ Tracer }) =>
            new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName }),
        )
  ).then((loaded) => captureLambdaHandler(loaded));
  // Reported by the first invocation, not as an unhandled rejection at start-up.
  middleware.catch(() => undefined);
  return [
    {
      before: async (request) => (await middleware).before?.(request),
      after: async (request) => (await middleware).after?.(request),
      onError: async (request) => (await middleware).onError?.(request),
    },
  ];
}
