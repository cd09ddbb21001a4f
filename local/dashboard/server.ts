import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin, Kafka } from 'kafkajs';
import { createEngine } from '../../functions/query/create-engine';
import type { QueryEngine } from '../../functions/query/engine';
import { connectIceberg } from '../../functions/shared/iceberg';
import { kafkaClientConfig } from '../../functions/shared/kafka';
import { sensorAlertsIdentifier } from '../../lib/alerts/table';
import { createKafka } from '../../lib/kafka/client';
import { AlertFeed } from './alert-feed';
import { AlertStore, type FeedAlert } from './alert-store';
import type { DashboardConfig } from './config';
import { type PipelineHealth, readHealth } from './health';
import { TablePanelSource } from './table-panels';

const HERE = dirname(fileURLToPath(import.meta.url));
const HOST = '127.0.0.1';

export interface RunningDashboard {
  url: string;
  port: number;
  store: AlertStore;
  feed: AlertFeed;
  close(): Promise<void>;
}

export interface DashboardOverrides {
  /** A Kafka client to use instead of one made from the configuration. */
  kafka?: Kafka;
  engine?: QueryEngine;
  log?: (message: string) => void;
}

/** The page's script, bundled with esbuild from page/main.ts (uPlot included; no CDN). */
async function bundlePage(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [join(HERE, 'page', 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

async function pageAssets(): Promise<{ html: string; js: string; css: string }> {
  const require = createRequire(import.meta.url);
  const [html, js, uplotCss, css] = await Promise.all([
    readFile(join(HERE, 'page', 'index.html'), 'utf8'),
    bundlePage(),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    readFile(join(HERE, 'page', 'style.css'), 'utf8'),
  ]);
  return { html, js, css: `${uplotCss}\n${css}` };
}

/**
 * Starts the dashboard: the alert feed (a Kafka consumer of the alert topic), the table panels
 * (the query function's engine) and the health panel (Kafka admin and the Iceberg catalog), and
 * an HTTP server on 127.0.0.1 serving the page, its server-sent events and JSON.
 */
export async function startDashboard(
  config: DashboardConfig,
  overrides: DashboardOverrides = {},
): Promise<RunningDashboard> {
  const log = overrides.log ?? ((m: string) => console.error(`[dashboard] ${m}`));
  const assets = await pageAssets();
  const kafka =
    overrides.kafka ??
    createKafka({
      ...(await kafkaClientConfig(config.kafka, 'sensor-alerts-dashboard')),
      logLevel: 'NOTHING',
    });
  const engine = overrides.engine ?? (await createEngine(config.query));
  const panels = new TablePanelSource(engine, config.query.thresholds, config.tableRefreshMs);
  const iceberg = config.iceberg ? await connectIceberg(config.iceberg) : undefined;
  const table = sensorAlertsIdentifier(config.query.namespace, config.query.table);

  const admin: Admin = kafka.admin();
  await admin.connect();

  const clients = new Set<ServerResponse>();
  let pending: FeedAlert[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const frame = `event: alerts\ndata: ${JSON.stringify(batch)}\n\n`;
    for (const client of clients) client.write(frame);
  };
  const store = new AlertStore();
  const feed = new AlertFeed({
    kafka,
    topic: config.alertsTopic,
    store,
    backlog: config.backlog,
    log,
    onAlert: (alert) => {
      // Alerts of one fetch go out as one event, right after it.
      if (pending.push(alert) === 1) setImmediate(flush);
    },
  });
  void feed.start();

  let health: Promise<PipelineHealth> | undefined;
  let healthAt = 0;
  const readHealthCached = () => {
    if (!health || Date.now() - healthAt >= config.healthRefreshMs / 2) {
      healthAt = Date.now();
      health = readHealth({
        admin,
        readingsTopic: config.readingsTopic,
        groupId: config.groupId,
        table,
        ...(iceberg ? { loadTable: () => iceberg.catalog.loadTable(table) } : {}),
      });
    }
    return health;
  };

  const settings = {
    alertsTopic: config.alertsTopic,
    readingsTopic: config.readingsTopic,
    groupId: config.groupId,
    table: `${config.query.namespace}.${config.query.table}`,
    engine: config.query.engine,
    thresholds: config.thresholds,
    tableRefreshMs: config.tableRefreshMs,
    healthRefreshMs: config.healthRefreshMs,
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (req.method !== 'GET') return json(res, 405, { error: 'GET only' });
    switch (url.pathname) {
      case '/':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(assets.html);
      case '/app.js':
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        return res.end(assets.js);
      case '/app.css':
        res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' });
        return res.end(assets.css);
      case '/api/events': {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        // Anything queued for the other clients goes out first, so this snapshot is the newest.
        flush();
        res.write(`event: init\ndata: ${JSON.stringify({ settings, ...store.snapshot() })}\n\n`);
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      case '/api/table':
        return json(res, 200, await panels.read({ fresh: url.searchParams.has('fresh') }));
      case '/api/health':
        return json(res, 200, {
          ...(await readHealthCached()),
          feed: feed.status,
          duplicates: store.duplicateCount,
        });
      case '/api/state':
        return json(res, 200, { settings, feed: feed.status, ...store.snapshot() });
      default:
        return json(res, 404, { error: 'not found' });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request ${req.url} failed: ${(error as Error).message}`);
      if (!res.headersSent) json(res, 500, { error: (error as Error).message });
      else res.end();
    });
  });
  // Comments keep idle event streams open through proxies and tell the page the server lives.
  const keepAlive = setInterval(() => {
    for (const client of clients) client.write(': keep-alive\n\n');
  }, 15_000);
  keepAlive.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/`,
    port,
    store,
    feed,
    close: async () => {
      clearInterval(keepAlive);
      for (const client of clients) client.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await feed.stop();
      await admin.disconnect().catch(() => undefined);
      if (!overrides.engine) await engine.close?.().catch(() => undefined);
    },
  };
}
