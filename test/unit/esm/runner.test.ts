import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { RunnerConfigError } from '../../../local/esm/errors';
import { jsonLinesFailureDestination } from '../../../local/esm/failure-destination';
import { EventSourceMappingRunner } from '../../../local/esm/runner';

describe('EventSourceMappingRunner options', () => {
  const base = {
    kafka: {} as Kafka,
    topic: 't',
    groupId: 'g',
    invoke: async () => null,
  };

  it('refuses an on-failure destination without bounded retries: nothing would be diverted', () => {
    const build = () =>
      new EventSourceMappingRunner({ ...base, onFailure: jsonLinesFailureDestination('f.jsonl') });
    expect(build).toThrow(RunnerConfigError);
    expect(build).toThrow('an on-failure destination needs bounded retries');
  });

  it('takes one with bounded retries', () => {
    const runner = new EventSourceMappingRunner({
      ...base,
      maxRetries: 2,
      onFailure: jsonLinesFailureDestination('f.jsonl'),
    });
    expect(runner.stats).toMatchObject({ divertedBatches: 0, divertedRecords: 0, retries: 0 });
  });
});
