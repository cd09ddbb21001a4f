import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Producer } from 'kafkajs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalQueryEngine } from '../../functions/query/local-engine';
import { runNamedQuery } from '../../functions/query/queries';
import { encodeAlert } from '../../lib/alerts/alert-message';
import { SEVERITIES, type Severity } from '../../lib/alerts/severity';
import { createIdempotentProducer } from '../../lib/kafka/client';
import { ensureTopic } from '../../lib/kafka/topics';
import { CommitSweep } from '../../local/commit-sweep';
import { loadDashboardConfig } from '../../local/dashboard/config';
import { type RunningDashboard, startDashboard } from '../../local/dashboard/server';
import { expectedAlerts } from '../../local/demo/checks';
import {
  type LocalPipeline,
  localClassifier,
  localCommitter,
  openLocalPipeline,
  produceGenerated,
  quietRunnerLogger,
  runNames,
} from '../../local/demo/local-pipeline';
import { inProcessInvoker } from '../../local/esm/invokers';
import { EventSourceMappingRunner } from '../../local/esm/runner';
import { chromiumPath } from './support/chromium';

const thresholds = { threshold: 80, high: 85, critical: 90 };
const runId = `dash_${randomBytes(4).toString('hex')}`;
const names = runNames(runId);
const alertsTopic = `sensor_alerts_${runId}`;
const SCREENSHOT = resolve('test-artifacts', 'dashboard.png');

let pipeline: LocalPipeline;
let dashboard: RunningDashboard;
let browser: Browser;
let page: Page;
let producer: Producer;

/** What the page shows and holds, read from its DOM and `window.dashboard`. */
interface PageView {
  counts: Record<Severity, number>;
  total: number;
  duplicates: number;
  feedIds: string[];
  /** Per alert id: ms from its Kafka message's timestamp to the page receiving it. */
  latencies: Record<string, number>;
  tableCounts: Record<string, number>;
  chart: { series: string[]; points: number; xs: number; width: number; height: number } | null;
}

async function view(): Promise<PageView> {
  return page.evaluate(() => {
    const d = (
      window as unknown as {
        dashboard: {
          receivedAt: Record<string, number>;
          publishedAt: Record<string, number>;
          chartSensors: string[];
          chart?: {
            data: (number | null)[][];
            series: { label?: string }[];
            ctx: CanvasRenderingContext2D;
          };
        };
      }
    ).dashboard;
    const text = (id: string) => Number(document.getElementById(id)!.textContent);
    const tableCounts: Record<string, number> = {};
    for (const row of document.querySelectorAll<HTMLElement>('#table-summary tbody tr')) {
      tableCounts[row.dataset.alertType!] = Number(row.querySelector('td.count')!.textContent);
    }
    const latencies: Record<string, number> = {};
    for (const id of Object.keys(d.receivedAt)) {
      latencies[id] = d.receivedAt[id]! - d.publishedAt[id]!;
    }
    let chart: PageView['chart'] = null;
    if (d.chart) {
      const data: (number | null)[][] = d.chart.data;
      const sensorColumns = data.slice(1, 1 + d.chartSensors.length);
      chart = {
        series: d.chart.series.map((s) => s.label ?? ''),
        points: sensorColumns.flat().filter((v) => v !== null && v !== undefined).length,
        xs: data[0]!.length,
        width: d.chart.ctx.canvas.width,
        height: d.chart.ctx.canvas.height,
      };
    }
    return {
      counts: {
        CRITICAL: text('count-CRITICAL'),
        HIGH: text('count-HIGH'),
        MEDIUM: text('count-MEDIUM'),
      },
      total: text('count-total'),
      duplicates: text('duplicates'),
      feedIds: [...document.querySelectorAll<HTMLElement>('#feed li')].map(
        (li) => li.dataset.alertId!,
      ),
      latencies,
      tableCounts,
      chart,
    };
  });
}

async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; last: ${JSON.stringify(value).slice(0, 800)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('dashboard in a browser', () => {
  beforeAll(async () => {
    const executablePath = chromiumPath();
    pipeline = await openLocalPipeline(names);
    await ensureTopic(pipeline.kafka, alertsTopic, { partitions: 3 });
    producer = createIdempotentProducer(pipeline.kafka);
    await producer.connect();
    const config = loadDashboardConfig(
      [
        '--port',
        '0',
        '--alerts-topic',
        alertsTopic,
        '--readings-topic',
        names.topic,
        '--group',
        names.groupId,
        '--table',
        names.table,
        '--table-refresh-ms',
        '1000',
      ],
      { ...process.env, QUERY_ENGINE: undefined },
    );
    dashboard = await startDashboard(config);
    await until(
      async () => dashboard.feed.status.state,
      (s) => s === 'consuming',
      30_000,
      'the alert feed to consume',
    );
    browser = await chromium.launch({ executablePath, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    await page.goto(dashboard.url);
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 15_000 });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await dashboard?.close().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  });

  it('shows alerts live within a second, counts equal to the table, a drawn chart', async () => {
    const runner = new EventSourceMappingRunner({
      kafka: pipeline.kafka,
      topic: names.topic,
      groupId: names.groupId,
      // The classifier publishes each alert to the alert topic before it stages the batch.
      invoke: inProcessInvoker(localClassifier(pipeline, thresholds, { alertsTopic })),
      batchSize: 50,
      batchWindowMs: 100,
      logger: quietRunnerLogger,
    });
    const sweep = new CommitSweep(localCommitter(pipeline));
    await runner.start();
    sweep.start();
    let readings: Awaited<ReturnType<typeof produceGenerated>>;
    try {
      readings = await produceGenerated(pipeline, { readings: 300, sensors: 6, seed: 17 });
      await runner.runUntilIdle({ timeoutMs: 120_000 });
      await sweep.stop();
      await sweep.flush();
    } finally {
      await runner.stop();
      await sweep.stop();
    }
    const expected = expectedAlerts(readings, thresholds);
    const expectedCounts = Object.fromEntries(
      SEVERITIES.map((s) => [s, expected.filter((a) => a.alert_type === s).length]),
    );
    expect(expected.length).toBeGreaterThan(20);

    // Every alert reached the page, each within a second of being published.
    const live = await until(view, (v) => v.total >= expected.length, 10_000, 'the live alerts');
    expect(live.counts).toEqual(expectedCounts);
    expect(Object.keys(live.latencies)).toHaveLength(expected.length);
    const slowest = Math.max(...Object.values(live.latencies));
    console.log(`[dashboard] ${expected.length} alerts; slowest publish-to-page ${slowest} ms`);
    for (const [id, ms] of Object.entries(live.latencies)) {
      expect(ms, `alert ${id}`).toBeLessThanOrEqual(1_000);
    }
    expect(live.feedIds).toHaveLength(Math.min(expected.length, 200));

    // The table (queried here, and on the page through the dashboard) agrees with the live counts.
    const engine = new LocalQueryEngine({
      catalog: pipeline.iceberg.catalog,
      io: pipeline.iceberg.io,
      ident: pipeline.iceberg.table,
    });
    try {
      const summary = await runNamedQuery(engine, 'alert-summary', {
        alertThreshold: 80,
        criticalThreshold: 90,
      });
      const tableCounts = Object.fromEntries(
        SEVERITIES.map((s) => [
          s,
          Number(summary.rows.find((r) => r.alert_type === s)?.alert_count ?? 0),
        ]),
      );
      expect(tableCounts).toEqual(live.counts);
      const shown = await until(
        view,
        (v) => SEVERITIES.every((s) => v.tableCounts[s] === tableCounts[s]),
        10_000,
        "the page's table panel to show the committed counts",
      );
      expect(shown.counts).toEqual(tableCounts);
    } finally {
      await engine.close();
    }

    // A redelivered alert (same alert id) changes neither the counts nor the feed.
    const [first] = live.feedIds;
    const [topic, partition, offset] = first!.split(':');
    const again = expected.length;
    await producer.send({
      topic: alertsTopic,
      messages: [
        {
          ...encodeAlert(
            {
              sensor_id: 'sensor_redelivered',
              temperature: 99,
              alert_type: 'CRITICAL',
              reading_timestamp: BigInt(Date.now()) * 1000n,
              processing_timestamp: BigInt(Date.now()) * 1000n,
              location: null,
              source_partition: Number(partition),
              source_offset: BigInt(offset!),
            },
            topic!,
          ),
        },
      ],
    });
    // A message that is not an alert is skipped and reported, never shown or counted.
    await producer.send({ topic: alertsTopic, messages: [{ key: 'x', value: 'not an alert' }] });
    await until(
      async () => dashboard.feed.status.rejected,
      (n) => n >= 1,
      5_000,
      'the malformed message to be rejected',
    );
    await until(
      async () => dashboard.store.snapshot().duplicates,
      (d) => d >= 1,
      5_000,
      'the redelivery to arrive',
    );
    const afterDuplicate = await until(
      view,
      (v) => v.duplicates >= 1,
      5_000,
      'the page to count it',
    );
    expect(afterDuplicate.total).toBe(again);
    expect(afterDuplicate.counts).toEqual(live.counts);
    expect(afterDuplicate.feedIds.filter((id) => id === first)).toHaveLength(1);

    // The chart has a point per alert of the sensors it shows, and the three thresholds.
    const chart = (await view()).chart;
    expect(chart).not.toBeNull();
    expect(chart!.points).toBe(expected.length);
    expect(chart!.series).toEqual(
      expect.arrayContaining(['alert > 80', 'HIGH > 85', 'CRITICAL > 90']),
    );
    expect(chart!.width).toBeGreaterThan(0);

    // Health: the classifier's group has caught up and the table's last commit is known.
    await until(
      () => page.textContent('#health-lag'),
      (t) => t === '0',
      10_000,
      'the health panel to show no lag',
    );
    expect(await page.textContent('#health-last-commit')).not.toBe('none yet');

    await mkdir(resolve('test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`[dashboard] screenshot: ${SCREENSHOT}`);
  });
});
