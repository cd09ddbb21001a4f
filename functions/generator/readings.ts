import type { SensorReading } from '../../lib/alerts/reading';
import { formatTimestampMicros, parseTimestampMicros } from '../../lib/alerts/timestamp';
import { mulberry32 } from './random';

export interface GenerateOptions {
  numReadings: number;
  numSensors: number;
  /** Same seed and start time, same readings. Random when absent. */
  seed?: number;
  /** ISO-8601 time of the first reading; now when absent. */
  startTime?: string;
  /** Share of readings drawn from the hot range (85-95); the rest come from 60-90. */
  hotShare?: number;
  numZones?: number;
}

/** A reading ready to produce: the Kafka key is the sensor id, so each sensor keeps its order. */
export interface GeneratedReading {
  key: string;
  reading: SensorReading;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Yields readings lazily so that millions can be produced without holding them in memory.
 * Timestamps rise by 1 ms per reading plus up to 999 µs of jitter, in UTC with a `Z` suffix
 * and microseconds, e.g. `2026-11-26T17:41:42.123456Z`.
 */
export function* generateReadings(options: GenerateOptions): Generator<GeneratedReading> {
  const random = mulberry32(options.seed ?? Math.floor(Math.random() * 0x100000000));
  const hotShare = options.hotShare ?? 0.2;
  const numZones = options.numZones ?? 5;
  const start =
    options.startTime === undefined
      ? BigInt(Date.now()) * 1000n
      : parseTimestampMicros(options.startTime)!;
  for (let i = 0; i < options.numReadings; i++) {
    const sensorId = `sensor_${1 + Math.floor(random() * options.numSensors)}`;
    const hot = random() < hotShare;
    const temperature = round2(hot ? 85 + random() * 10 : 60 + random() * 30);
    const micros = start + BigInt(i) * 1000n + BigInt(Math.floor(random() * 1000));
    yield {
      key: sensorId,
      reading: {
        sensor_id: sensorId,
        temperature,
        timestamp: formatTimestampMicros(micros),
        location: `zone_${1 + Math.floor(random() * numZones)}`,
      },
    };
  }
}
