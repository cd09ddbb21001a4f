import type { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Producer, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  atLeast,
  kafkaAlertPublisher,
  MAX_SEND_BYTES,
  snsAlertPublisher,
} from '../../../functions/classifier/alert-publisher';
import { AlertPublishError } from '../../../functions/classifier/errors';
import { decodeAlert } from '../../../lib/alerts/alert-message';
import type { SensorAlertRow } from '../../../lib/alerts/classify';
import type { Severity } from '../../../lib/alerts/severity';
import { Deadline } from '../../../lib/iceberg';

const alert = (offset: number, alert_type: Severity = 'CRITICAL'): SensorAlertRow => ({
  sensor_id: `sensor_${offset % 4}`,
  temperature: 91.5,
  alert_type,
  reading_timestamp: 1_780_000_000_000_000n,
  processing_timestamp: 1_780_000_000_500_000n,
  location: 'zone_1',
  source_partition: 2,
  source_offset: BigInt(offset),
});

function fakeProducer(behaviour: 'ok' | 'fail' | 'hang' = 'ok') {
  const sent: ProducerRecord[] = [];
  const producer = {
    async send(record: ProducerRecord) {
      sent.push(record);
      if (behaviour === 'fail') throw new Error('NOT_LEADER_FOR_PARTITION');
      if (behaviour === 'hang') await new Promise(() => undefined);
      return [];
    },
  } as unknown as Producer;
  return { producer, sent };
}

describe('kafkaAlertPublisher', () => {
  it('sends all alerts of a batch in one call, acks all, in the wire format', async () => {
    // Prepare
    const { producer, sent } = fakeProducer();
    const parts = [
      { topic: 'readings_a', alerts: [alert(1), alert(2)] },
      { topic: 'readings_b', alerts: [alert(7, 'HIGH')] },
    ];

    // Act
    const count = await kafkaAlertPublisher(producer, 'sensor_alerts').publish(parts);

    // Assess
    expect(count).toBe(3);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'sensor_alerts', acks: -1 });
    const ids = sent[0]!.messages.map((m) => decodeAlert(m as never).alert_id);
    expect(ids).toEqual(['readings_a:2:1', 'readings_a:2:2', 'readings_b:2:7']);
  });

  it('splits a batch whose alerts exceed a record batch, keeping their order', async () => {
    const { producer, sent } = fakeProducer();
    const alerts = Array.from({ length: 6_000 }, (_, i) => alert(i));
    await kafkaAlertPublisher(producer, 'sensor_alerts').publish([{ topic: 't', alerts }]);
    expect(sent.length).toBeGreaterThan(1);
    for (const call of sent) {
      const bytes = call.messages.reduce((n, m) => n + Buffer.byteLength(m.value as string), 0);
      expect(bytes).toBeLessThanOrEqual(MAX_SEND_BYTES);
    }
    const offsets = sent.flatMap((c) =>
      c.messages.map((m) => decodeAlert(m as never).source_offset),
    );
    expect(offsets).toEqual(alerts.map((a) => a.source_offset.toString()));
  });

  it('sends nothing for a batch without alerts', async () => {
    const { producer, sent } = fakeProducer();
    expect(await kafkaAlertPublisher(producer, 'a').publish([{ topic: 't', alerts: [] }])).toBe(0);
    expect(sent).toEqual([]);
  });

  it('wraps a failed send with its reason', async () => {
    const { producer } = fakeProducer('fail');
    const run = kafkaAlertPublisher(producer, 'a').publish([{ topic: 't', alerts: [alert(1)] }]);
    await expect(run).rejects.toThrow(AlertPublishError);
    await expect(run).rejects.toThrow('NOT_LEADER_FOR_PARTITION');
  });

  it('gives up at the deadline margin when the broker does not answer', async () => {
    const { producer, sent } = fakeProducer('hang');
    const deadline = Deadline.after(150, { marginMs: 50 });
    const run = kafkaAlertPublisher(producer, 'a').publish(
      [{ topic: 't', alerts: [alert(1)] }],
      deadline,
    );
    await expect(run).rejects.toThrow('deadline reached while publishing alerts to a');
    expect(sent[0]!.timeout).toBeLessThanOrEqual(100);
  });

  it('refuses to start within the deadline margin', async () => {
    const { producer, sent } = fakeProducer();
    const deadline = Deadline.after(10, { marginMs: 50 });
    const run = kafkaAlertPublisher(producer, 'a').publish(
      [{ topic: 't', alerts: [alert(1)] }],
      deadline,
    );
    await expect(run).rejects.toThrow('deadline');
    expect(sent).toEqual([]);
  });
});

describe('snsAlertPublisher', () => {
  function fakeSns(failEntry?: string) {
    const calls: PublishBatchCommand['input'][] = [];
    const client = {
      async send(command: PublishBatchCommand) {
        calls.push(command.input);
        const entries = command.input.PublishBatchRequestEntries ?? [];
        const failed = entries.filter((e) => e.Id === failEntry);
        return {
          Successful: entries.filter((e) => e.Id !== failEntry).map((e) => ({ Id: e.Id })),
          Failed: failed.map((e) => ({
            Id: e.Id,
            Code: 'InternalError',
            Message: 'x',
            SenderFault: false,
          })),
        };
      },
    } as unknown as SNSClient;
    return { client, calls };
  }

  it('publishes only alerts at or above the severity, ten per call', async () => {
    // Prepare: 23 CRITICAL and 5 HIGH alerts
    const { client, calls } = fakeSns();
    const alerts = [
      ...Array.from({ length: 23 }, (_, i) => alert(i)),
      ...Array.from({ length: 5 }, (_, i) => alert(100 + i, 'HIGH')),
    ];

    // Act
    const count = await snsAlertPublisher(
      client,
      'arn:aws:sns:eu-west-1:123456789012:a',
      'CRITICAL',
    ).publish([{ topic: 't', alerts }]);

    // Assess
    expect(count).toBe(23);
    expect(calls.map((c) => c.PublishBatchRequestEntries?.length)).toEqual([10, 10, 3]);
    const first = calls[0]!.PublishBatchRequestEntries![0]!;
    expect(JSON.parse(first.Message!).alert_id).toBe('t:2:0');
    expect(first.MessageAttributes?.alert_type?.StringValue).toBe('CRITICAL');
    expect(calls.every((c) => c.TopicArn === 'arn:aws:sns:eu-west-1:123456789012:a')).toBe(true);
  });

  it('fails the batch when an entry is refused', async () => {
    const { client } = fakeSns('3');
    const alerts = Array.from({ length: 5 }, (_, i) => alert(i));
    const run = snsAlertPublisher(client, 'arn:x', 'HIGH').publish([{ topic: 't', alerts }]);
    await expect(run).rejects.toThrow(AlertPublishError);
    await expect(run).rejects.toThrow('1 of 5 entries failed (InternalError');
  });

  it.each([
    ['CRITICAL', 'CRITICAL', true],
    ['HIGH', 'CRITICAL', false],
    ['CRITICAL', 'HIGH', true],
    ['MEDIUM', 'HIGH', false],
    ['MEDIUM', 'MEDIUM', true],
  ] as const)('%s at least %s: %s', (severity, min, expected) => {
    expect(atLeast(severity, min)).toBe(expected);
  });
});
