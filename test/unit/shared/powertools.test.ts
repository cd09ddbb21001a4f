import middy from '@middy/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tracing, tracingEnabled } from '../../../functions/shared/powertools';

// A stand-in for Powertools' Tracer: records what the middleware asks of it.
const fake = vi.hoisted(() => ({
  constructed: [] as unknown[],
  calls: [] as string[],
}));
vi.mock('@aws-lambda-powertools/tracer', () => ({
  Tracer: class {
    constructor(options: unknown) {
      fake.constructed.push(options);
    }
    isTracingEnabled = () => true;
    getSegment = () => ({
      addNewSubsegment: (name: string) => {
        fake.calls.push(`subsegment ${name}`);
        return { close: () => fake.calls.push('close') };
      },
    });
    setSegment = () => undefined;
    annotateColdStart = () => fake.calls.push('cold start');
    addServiceNameAnnotation = () => fake.calls.push('service');
    addResponseAsMetadata = (response: unknown) =>
      fake.calls.push(`response ${JSON.stringify(response)}`);
    addErrorAsMetadata = (error: Error) => fake.calls.push(`error ${error.message}`);
  },
}));

const LAMBDA = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };

describe('tracingEnabled', () => {
  it.each([
    [{}, false],
    [LAMBDA, true],
    [{ ...LAMBDA, POWERTOOLS_TRACE_ENABLED: 'FALSE' }, false],
    [{ ...LAMBDA, POWERTOOLS_TRACE_ENABLED: 'true' }, true],
    [{ ...LAMBDA, AWS_SAM_LOCAL: 'true' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }, false],
  ])('%j -> %s, as Powertools decides', (env, expected) => {
    expect(tracingEnabled(env)).toBe(expected);
  });
});

describe('tracing', () => {
  beforeEach(() => {
    fake.constructed.length = 0;
    fake.calls.length = 0;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('neither loads the tracer nor adds a middleware where tracing is off', async () => {
    // Prepare
    vi.stubEnv('AWS_EXECUTION_ENV', '');

    // Act
    const middlewares = tracing('sensor-test');
    const handler = middy(async () => 'ok').use(middlewares);
    const result = await handler({}, {} as never);

    // Assess
    expect(middlewares).toEqual([]);
    expect(result).toBe('ok');
    expect(fake.constructed).toEqual([]);
  });

  it('loads the tracer in Lambda and traces each invocation, its response and its error', async () => {
    // Prepare
    vi.stubEnv('AWS_EXECUTION_ENV', LAMBDA.AWS_EXECUTION_ENV);
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', undefined);
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', undefined);
    vi.stubEnv('_HANDLER', 'index.handler');
    let fail = false;
    const handler = middy(async () => {
      if (fail) throw new Error('boom');
      return { staged: 1 };
    }).use(tracing('sensor-test'));

    // Act
    const result = await handler({}, {} as never);
    fail = true;
    const failed = await handler({}, {} as never).catch((e: Error) => e.message);

    // Assess
    expect(result).toEqual({ staged: 1 });
    expect(failed).toBe('boom');
    expect(fake.constructed).toEqual([{ serviceName: 'sensor-test' }]);
    expect(fake.calls).toEqual([
      'subsegment ## index.handler',
      'cold start',
      'service',
      'response {"staged":1}',
      'close',
      'subsegment ## index.handler',
      'cold start',
      'service',
      'error boom',
      'close',
    ]);
  });
});
