import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Producer } from 'kafkajs';
import pLimit from 'p-limit';
import { encodeAlert, toAlertMessage } from '../../lib/alerts/alert-message';
import type { SensorAlertRow } from '../../lib/alerts/classify';
import { SEVERITIES, type Severity } from '../../lib/alerts/severity';
import type { Deadline } from '../../lib/iceberg';
import { sendGroups } from '../../lib/kafka/send-groups';
import { AlertPublishError } from './errors';

/** The alerts of one source topic-partition of a batch. */
export interface AlertsOfPart {
  topic: string;
  alerts: readonly SensorAlertRow[];
}

/** Publishes a batch's alerts; resolves once every one is acknowledged, rejects otherwise. */
export interface AlertPublisher {
  /** Returns how many messages it published. */
  publish(parts: readonly AlertsOfPart[], deadline?: Deadline): Promise<number>;
}

/** kafkajs's own request timeout, used when no deadline bounds the invocation. */
const SEND_TIMEOUT_MS = 30_000;

/**
 * Most bytes of values per produce call. The broker's `message.max.bytes` (1,048,588 by default)
 * bounds one partition's record batch; a whole call under this bound keeps every batch under it.
 */
export const MAX_SEND_BYTES = 900_000;

/** Bytes a message adds to a produce call: key, value and a record's overhead. */
const messageBytes = (m: { key: string; value: string }) =>
  Buffer.byteLength(m.value) + Buffer.byteLength(m.key) + 160;

// Lambda reports only the message of a failed invocation, so the cause has to be in it.
const reasonOf = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));

/**
 * Rejects when the deadline's margin is reached before `work` settles. The work itself cannot be
 * called back (a produce request in flight may still land): the batch then fails and is
 * delivered again, which publishes its alerts again under the same alert ids.
 */
async function within<T>(deadline: Deadline | undefined, what: string, work: Promise<T>) {
  if (!deadline?.bounded) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    const ms = Math.max(0, deadline.remainingMs() - deadline.marginMs);
    timer = setTimeout(() => reject(new AlertPublishError(`deadline reached while ${what}`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Publishes every alert to a Kafka topic, in one produce call unless the batch's alerts exceed
 * {@link MAX_SEND_BYTES} (the producer splits a call into one record batch per partition). The producer is idempotent with acks=all, so its own
 * retries write nothing twice; a redelivered source batch publishes its alerts again, under the
 * same alert ids (see lib/alerts/alert-message.ts).
 */
export function kafkaAlertPublisher(producer: Producer, topic: string): AlertPublisher {
  return {
    async publish(parts, deadline) {
      const messages = parts.flatMap((p) => p.alerts.map((a) => encodeAlert(a, p.topic)));
      if (messages.length === 0) return 0;
      deadline?.check(`publish ${messages.length} alerts to ${topic}`);
      const timeout = deadline?.bounded
        ? Math.max(1, Math.min(SEND_TIMEOUT_MS, deadline.remainingMs() - deadline.marginMs))
        : SEND_TIMEOUT_MS;
      const send = async () => {
        for (const group of sendGroups(messages, MAX_SEND_BYTES, messageBytes)) {
          await producer.send({ topic, acks: -1, timeout, messages: group });
        }
      };
      try {
        await within(deadline, `publishing alerts to ${topic}`, send());
      } catch (cause) {
        if (cause instanceof AlertPublishError) throw cause;
        throw new AlertPublishError(
          `could not publish ${messages.length} alerts to ${topic}: ${reasonOf(cause)}`,
          { cause },
        );
      }
      return messages.length;
    },
  };
}

/** SNS PublishBatch takes at most 10 entries per call. */
export const SNS_BATCH_SIZE = 10;
const SNS_CONCURRENCY = 8;

/** True when `severity` is `min` or more severe. */
export function atLeast(severity: Severity, min: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(min);
}

/**
 * Publishes the alerts at or above a severity to an SNS topic, ten per PublishBatch call. SNS
 * standard topics do not de-duplicate: a redelivered batch notifies again; the message carries
 * the alert id (also as the `alert_id` attribute) so a subscriber can tell.
 */
export function snsAlertPublisher(
  client: SNSClient,
  topicArn: string,
  minSeverity: Severity,
): AlertPublisher {
  return {
    async publish(parts, deadline) {
      const messages = parts.flatMap((p) =>
        p.alerts
          .filter((a) => atLeast(a.alert_type, minSeverity))
          .map((a) => toAlertMessage(a, p.topic)),
      );
      if (messages.length === 0) return 0;
      deadline?.check(`publish ${messages.length} alerts to SNS`);
      const limit = pLimit(SNS_CONCURRENCY);
      const calls: Promise<void>[] = [];
      for (let i = 0; i < messages.length; i += SNS_BATCH_SIZE) {
        const chunk = messages.slice(i, i + SNS_BATCH_SIZE);
        calls.push(
          limit(async () => {
            const out = await client.send(
              new PublishBatchCommand({
                TopicArn: topicArn,
                PublishBatchRequestEntries: chunk.map((m, j) => ({
                  Id: String(j),
                  Subject: `${m.alert_type} alert: ${m.sensor_id} at ${m.temperature}`,
                  Message: JSON.stringify(m),
                  MessageAttributes: {
                    alert_type: { DataType: 'String', StringValue: m.alert_type },
                    alert_id: { DataType: 'String', StringValue: m.alert_id },
                  },
                })),
              }),
            );
            const failed = out.Failed ?? [];
            if (failed.length > 0) {
              const first = failed[0]!;
              throw new Error(
                `${failed.length} of ${chunk.length} entries failed (${first.Code}: ${first.Message})`,
              );
            }
          }),
        );
      }
      try {
        await within(deadline, 'publishing alerts to SNS', Promise.all(calls));
      } catch (cause) {
        limit.clearQueue();
        if (cause instanceof AlertPublishError) throw cause;
        throw new AlertPublishError(
          `could not publish ${messages.length} alerts to ${topicArn}: ${reasonOf(cause)}`,
          { cause },
        );
      }
      return messages.length;
    },
  };
}

export interface PublishCounts {
  kafka: number;
  sns: number;
}

/** Both targets at once; either failing fails the batch. */
export async function publishAlerts(
  targets: { kafka?: AlertPublisher; sns?: AlertPublisher },
  parts: readonly AlertsOfPart[],
  deadline?: Deadline,
): Promise<PublishCounts> {
  const results = await Promise.allSettled([
    targets.kafka?.publish(parts, deadline) ?? Promise.resolve(0),
    targets.sns?.publish(parts, deadline) ?? Promise.resolve(0),
  ]);
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
  const [kafka, sns] = results.map((r) => (r as PromiseFulfilledResult<number>).value);
  return { kafka: kafka!, sns: sns! };
}
