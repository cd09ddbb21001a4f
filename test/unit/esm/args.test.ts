import { describe, expect, it } from 'vitest';
import { parseEsmArgs } from '../../../local/esm/args';
import { EsmUsageError } from '../../../local/esm/errors';

describe('parseEsmArgs', () => {
  it('uses the documented defaults', () => {
    // Act
    const options = parseEsmArgs([]);

    // Assess
    expect(options).toEqual({
      topic: 'sensor_readings',
      group: 'sensor-classifier',
      brokers: undefined,
      batchSize: 100,
      windowMs: 500,
      invoke: 'in-process',
      functionName: undefined,
      endpoint: undefined,
      region: undefined,
      maxRetries: undefined,
      retryBaseMs: 500,
      retryMaxMs: 30_000,
      onFailure: undefined,
      eventSource: 'self-managed',
      partitions: 1,
      concurrency: 1,
      untilIdle: false,
      committer: true,
    });
  });

  it('leaves the committer to another process with --no-committer', () => {
    expect(parseEsmArgs(['--no-committer'])).toMatchObject({ committer: false });
  });

  it('reads the flags of a Lambda run', () => {
    // Act
    const options = parseEsmArgs([
      '--invoke',
      'lambda',
      '--function-name',
      'classifier',
      '--endpoint',
      'http://localhost:4566',
      '--batch-size',
      '500',
      '--window-ms',
      '0',
      '--event-source',
      'msk',
      '--until-idle',
    ]);

    // Assess
    expect(options).toMatchObject({
      invoke: 'lambda',
      functionName: 'classifier',
      endpoint: 'http://localhost:4566',
      batchSize: 500,
      windowMs: 0,
      eventSource: 'msk',
      untilIdle: true,
    });
  });

  it('bounds the retries and diverts only when asked to', () => {
    const options = parseEsmArgs(['--max-retries', '2', '--on-failure', 'kafka://failed']);
    expect(options).toMatchObject({ maxRetries: 2, onFailure: 'kafka://failed' });
  });

  it.each([
    [['--batch-size', '0'], '--batch-size must be an integer from 1 to 10000, got "0"'],
    [['--batch-size=-5'], '--batch-size must be an integer from 1 to 10000, got "-5"'],
    [['--window-ms', 'abc'], '--window-ms must be an integer from 0 to 300000, got "abc"'],
    [['--concurrency', '1.5'], '--concurrency must be an integer from 1 to 64, got "1.5"'],
    [['--partitions', ''], '--partitions must be an integer from 1 to 1000, got ""'],
    [['--invoke', 'http'], '--invoke must be in-process or lambda, got "http"'],
    [['--event-source', 'sqs'], '--event-source must be self-managed or msk, got "sqs"'],
    [['--invoke', 'lambda'], '--invoke lambda needs --function-name'],
    [['--on-failure', 'failed.jsonl'], '--on-failure needs --max-retries'],
    [['--max-retries=-1'], '--max-retries must be an integer from 0 to 10000, got "-1"'],
    [['--retry-max-ms', '0'], '--retry-max-ms must be an integer from 1 to 3600000, got "0"'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], "Unexpected argument 'extra'"],
  ])('refuses %j', (argv, message) => {
    // Act
    const parse = () => parseEsmArgs(argv);

    // Assess
    expect(parse).toThrow(EsmUsageError);
    expect(parse).toThrow(message);
  });
});
