import { describe, expect, it } from 'vitest';
import { createKafka, parseBrokers } from '../../../lib/kafka/client';
import { KafkaConfigError } from '../../../lib/kafka/errors';

describe('createKafka', () => {
  it.each([
    [{ brokers: ['127.0.0.1:9092'] }],
    [
      {
        brokers: ['b:9096'],
        auth: { type: 'scram-sha-512' as const, username: 'u', password: 'p' },
      },
    ],
    [{ brokers: ['b:9098'], auth: { type: 'msk-iam' as const, region: 'eu-west-1' } }],
  ])('builds a client for %o', (config) => {
    expect(createKafka(config)).toBeDefined();
  });

  it.each([
    ['no brokers', { brokers: [] }],
    [
      'MSK IAM without TLS',
      { brokers: ['b'], tls: false, auth: { type: 'msk-iam' as const, region: 'x' } },
    ],
    [
      'SCRAM without password',
      { brokers: ['b'], auth: { type: 'scram-sha-512' as const, username: 'u', password: '' } },
    ],
  ])('rejects %s', (_name, config) => {
    expect(() => createKafka(config)).toThrow(KafkaConfigError);
  });
});

describe('parseBrokers', () => {
  it.each([
    ['a:1,b:2', ['a:1', 'b:2']],
    [' a:1 , ,b:2 ', ['a:1', 'b:2']],
    ['', []],
  ])('%j', (text, expected) => {
    expect(parseBrokers(text)).toEqual(expected);
  });
});
