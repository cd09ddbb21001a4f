import { setTimeout as sleep } from 'node:timers/promises';
import type { Producer } from 'kafkajs';
import { generateReadings } from '../../functions/generator/readings';
import { offsetsSummaryKey, parseOffsetsSummary } from '../../lib/alerts/offsets';
import type { LocalPipeline } from '../../local/demo/local-pipeline';

const WAVE_MS = 100;
const POLL_MS = 100;

/** Alerts produced, per partition in offset order, with the time each was sent. */
export class Produced {
  readonly alerts = new Map<number, { offset: bigint; sentAt: number; visibleAt?: number }[]>();
  readings = 0;
  alertCount = 0;

  add(partition: number, offset: bigint, sentAt: number) {
    const list = this.alerts.get(partition) ?? [];
    list.push({ offset, sentAt });
    this.alerts.set(partition, list);
    this.alertCount++;
  }

  /** Marks every alert at or below each committed offset as visible now. */
  observe(committed: Record<number, bigint>, now: number) {
    for (const [p, upTo] of Object.entries(committed)) {
      for (const a of this.alerts.get(Number(p)) ?? []) {
        if (a.offset > upTo) break;
        a.visibleAt ??= now;
      }
    }
  }

  freshnessMs(): number[] {
    return [...this.alerts.values()]
      .flat()
      .filter((a) => a.visibleAt !== undefined)
      .map((a) => a.visibleAt! - a.sentAt)
      .sort((x, y) => x - y);
  }
}

/** Readings at a steady rate, in waves, round-robin over the partitions. */
export async function produceSteadily(
  producer: Producer,
  topic: string,
  partitions: number,
  opts: { rate: number; seconds: number },
  produced: Produced,
  threshold: number,
): Promise<void> {
  const perWave = Math.max(1, Math.round((opts.rate * WAVE_MS) / 1000));
  const waves = Math.round((opts.seconds * 1000) / WAVE_MS);
  const readings = generateReadings({
    numReadings: perWave * waves,
    numSensors: 100,
    seed: 3,
    startTime: new Date().toISOString(),
  });
  const began = performance.now();
  for (let wave = 0; wave < waves; wave++) {
    const wait = began + wave * WAVE_MS - performance.now();
    if (wait > 0) await sleep(wait);
    const batch = Array.from({ length: perWave }, () => readings.next().value!);
    const sentAt = Date.now();
    const messages = batch.map((g, i) => ({
      key: g.key,
      value: JSON.stringify(g.reading),
      partition: (wave * perWave + i) % partitions,
    }));
    const meta = await producer.send({ topic, acks: -1, messages });
    const base = new Map(meta.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
    const seen = new Map<number, bigint>();
    messages.forEach((m, i) => {
      const n = seen.get(m.partition) ?? 0n;
      seen.set(m.partition, n + 1n);
      if (batch[i]!.reading.temperature > threshold) {
        produced.add(m.partition, base.get(m.partition)! + n, sentAt);
      }
    });
    produced.readings += batch.length;
  }
}

/** Reads the committed offsets off the table every POLL_MS, as a user's reader would. */
export function pollTable(pipeline: LocalPipeline, produced: Produced) {
  const key = offsetsSummaryKey(pipeline.names.topic, pipeline.names.groupId);
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const began = performance.now();
      try {
        const table = await pipeline.iceberg.catalog.loadTable(pipeline.iceberg.table);
        const value = table.metadata.properties?.[key];
        if (value) produced.observe(parseOffsetsSummary(value), Date.now());
      } catch {
        // A busy catalog: try again at the next poll.
      }
      await sleep(Math.max(0, POLL_MS - (performance.now() - began)));
    }
  })();
  return async () => {
    stopped = true;
    await done;
  };
}
