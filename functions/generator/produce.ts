import type { Message, Producer } from 'kafkajs';
import { ProduceError } from './errors';
import type { GeneratedReading } from './readings';

export interface ProduceOptions {
  topic: string;
  /** Messages per send request. */
  batchSize?: number;
  /** Called after each acknowledged batch once at least `progressEvery` more readings went out. */
  onProgress?: (progress: { sent: number; elapsedMs: number }) => void;
  progressEvery?: number;
  /**
   * Milliseconds left before the invocation times out (Lambda's `getRemainingTimeInMillis`).
   * Checked before each batch: with less than `stopBeforeMs` left, sending stops with a
   * ProduceError that says how many readings went out, instead of being killed mid-batch.
   */
  remainingMs?: () => number;
  stopBeforeMs?: number;
}

export interface ProduceResult {
  sent: number;
  topic: string;
  durationMs: number;
  readingsPerSecond: number;
}

/**
 * Sends readings in batches with acks from all in-sync replicas. Pair it with an idempotent
 * producer (`createIdempotentProducer`) so that the client's own retries never duplicate.
 */
export async function produceReadings(
  producer: Producer,
  readings: Iterable<GeneratedReading>,
  options: ProduceOptions,
): Promise<ProduceResult> {
  const batchSize = options.batchSize ?? 5000;
  const progressEvery = options.progressEvery ?? 100_000;
  const stopBeforeMs = options.stopBeforeMs ?? 0;
  const started = performance.now();
  let sent = 0;
  let lastReported = 0;
  let batch: Message[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const left = options.remainingMs?.();
    if (left !== undefined && left < stopBeforeMs) {
      throw new ProduceError(
        `stopped sending to ${options.topic} after ${sent} readings with ${Math.max(0, Math.round(left))} ms ` +
          'left before the function times out; ask for fewer readings per invocation',
        sent,
      );
    }
    try {
      await producer.send({ topic: options.topic, acks: -1, messages: batch });
    } catch (cause) {
      // Lambda reports only the message of a failed invocation, so the cause has to be in it.
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ProduceError(
        `sending to ${options.topic} failed after ${sent} readings: ${reason}`,
        sent,
        { cause },
      );
    }
    sent += batch.length;
    batch = [];
    if (options.onProgress && sent - lastReported >= progressEvery) {
      lastReported = sent;
      options.onProgress({ sent, elapsedMs: performance.now() - started });
    }
  };
  for (const { key, reading } of readings) {
    batch.push({ key, value: JSON.stringify(reading) });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  const durationMs = performance.now() - started;
  return {
    sent,
    topic: options.topic,
    durationMs: Math.round(durationMs),
    readingsPerSecond: durationMs > 0 ? Math.round((sent / durationMs) * 1000) : sent,
  };
}
