import type { AlertMessage } from '../../lib/alerts/alert-message';
import { SEVERITIES, type Severity } from '../../lib/alerts/severity';

export type SeverityCounts = Record<Severity, number>;

/** One alert as the page gets it: the message plus when the dashboard received it. */
export interface FeedAlert extends AlertMessage {
  /** Epoch ms at which the dashboard's consumer handed the message over. */
  received_ms: number;
  /** Epoch ms of the Kafka message (the producer's create time). */
  published_ms: number;
}

/** A chart point: reading time (epoch ms) and temperature. */
export type ChartPoint = [number, number];

export interface StoreSnapshot {
  counts: SeverityCounts;
  total: number;
  duplicates: number;
  /** Newest first. */
  recent: FeedAlert[];
  /** Sensor id -> points in reading-time order. */
  series: Record<string, ChartPoint[]>;
}

export interface AlertStoreOptions {
  /** Alerts kept for the feed (default 200). */
  feedSize?: number;
  /** Points kept per sensor for the chart (default 300). */
  pointsPerSensor?: number;
  /** Sensors kept on the chart, the most recently alerting ones (default 20). */
  maxSensors?: number;
  /**
   * Alert ids remembered for de-duplication (default 2,000,000, about 200 MB at worst). Past it
   * the oldest ids are forgotten: a duplicate of an alert older than that would count again.
   */
  maxRememberedIds?: number;
}

export const emptyCounts = (): SeverityCounts => ({ CRITICAL: 0, HIGH: 0, MEDIUM: 0 });

/**
 * What the dashboard has seen on the alert stream: every alert once, by alert id (the stream
 * is at-least-once, so a redelivered batch repeats ids), counted per severity, the newest for
 * the feed and each sensor's temperatures for the chart.
 */
export class AlertStore {
  private readonly seen = new Set<string>();
  private readonly counts = emptyCounts();
  private readonly recent: FeedAlert[] = [];
  /** Insertion order = least recently alerting sensor first. */
  private readonly series = new Map<string, ChartPoint[]>();
  private duplicates = 0;
  private readonly feedSize: number;
  private readonly pointsPerSensor: number;
  private readonly maxSensors: number;
  private readonly maxRememberedIds: number;

  constructor(options: AlertStoreOptions = {}) {
    this.feedSize = options.feedSize ?? 200;
    this.pointsPerSensor = options.pointsPerSensor ?? 300;
    this.maxSensors = options.maxSensors ?? 20;
    this.maxRememberedIds = options.maxRememberedIds ?? 2_000_000;
  }

  /** Adds an alert; false when its id was seen before (a redelivery), which changes nothing. */
  add(alert: FeedAlert): boolean {
    if (this.seen.has(alert.alert_id)) {
      this.duplicates++;
      return false;
    }
    this.seen.add(alert.alert_id);
    if (this.seen.size > this.maxRememberedIds) {
      // Sets iterate in insertion order: the first is the oldest id.
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.counts[alert.alert_type]++;
    this.recent.unshift(alert);
    if (this.recent.length > this.feedSize) this.recent.length = this.feedSize;
    this.addPoint(alert);
    return true;
  }

  private addPoint(alert: FeedAlert): void {
    const at = Date.parse(alert.reading_timestamp);
    let points = this.series.get(alert.sensor_id);
    if (points) {
      this.series.delete(alert.sensor_id); // re-inserted below as the most recent sensor
    } else {
      points = [];
    }
    this.series.set(alert.sensor_id, points);
    // Readings of one sensor mostly arrive in time order; keep the array sorted anyway.
    let i = points.length;
    while (i > 0 && points[i - 1]![0] > at) i--;
    points.splice(i, 0, [at, alert.temperature]);
    if (points.length > this.pointsPerSensor) points.shift();
    while (this.series.size > this.maxSensors) {
      const oldest = this.series.keys().next().value;
      if (oldest === undefined) break;
      this.series.delete(oldest);
    }
  }

  /** Alerts dropped because their id had been seen (redeliveries). */
  get duplicateCount(): number {
    return this.duplicates;
  }

  snapshot(): StoreSnapshot {
    const total = SEVERITIES.reduce((sum, s) => sum + this.counts[s], 0);
    return {
      counts: { ...this.counts },
      total,
      duplicates: this.duplicates,
      recent: [...this.recent],
      series: Object.fromEntries(
        [...this.series.entries()].map(([sensor, points]) => [sensor, points.map((p) => [...p])]),
      ) as Record<string, ChartPoint[]>,
    };
  }
}
