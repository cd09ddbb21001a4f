/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard page: live alerts over server-sent events, the chart (uPlot), and the table and
 * health panels polled from the server's JSON. Bundled by the server with esbuild.
 */
import uPlot from 'uplot';
import type { ChartPoint, FeedAlert, SeverityCounts, StoreSnapshot } from '../alert-store';

type Severity = keyof SeverityCounts;
const SEVERITIES: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM'];

interface Settings {
  alertsTopic: string;
  readingsTopic: string;
  groupId: string;
  table: string;
  engine: string;
  thresholds: { threshold: number; high: number; critical: number };
  tableRefreshMs: number;
  healthRefreshMs: number;
}

type Row = Record<string, string | number | boolean | null>;

const FEED_SIZE = 200;
const POINTS_PER_SENSOR = 300;
const MAX_SENSORS = 20;
const PALETTE = [
  '#1f77b4',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
  '#393b79',
  '#637939',
  '#8c6d31',
  '#843c39',
  '#7b4173',
  '#3182bd',
  '#31a354',
  '#756bb1',
  '#636363',
  '#e6550d',
  '#969696',
  '#6baed6',
];

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the page holds; `window.dashboard` exposes it for inspection (and the browser test). */
const state = {
  settings: undefined as Settings | undefined,
  seen: new Set<string>(),
  counts: { CRITICAL: 0, HIGH: 0, MEDIUM: 0 } as SeverityCounts,
  duplicates: 0,
  /** Alert id -> epoch ms the page received it. */
  receivedAt: {} as Record<string, number>,
  /** Alert id -> epoch ms of its Kafka message (when it was published). */
  publishedAt: {} as Record<string, number>,
  series: new Map<string, ChartPoint[]>(),
  chart: undefined as uPlot | undefined,
  chartSensors: [] as string[],
  tableCounts: {} as Record<string, number>,
};
(window as unknown as { dashboard: typeof state }).dashboard = state;

const fmt = (n: unknown, digits = 2) =>
  typeof n === 'number' ? n.toFixed(digits) : n === null || n === undefined ? '' : String(n);
const time = (iso: string) => iso.slice(11, 23);
const ago = (ms: number) =>
  ms < 1000
    ? `${ms} ms`
    : ms < 120_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.round(ms / 60_000)} min`;

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function renderCounts(): void {
  let total = 0;
  for (const s of SEVERITIES) {
    $(`count-${s}`).textContent = String(state.counts[s]);
    total += state.counts[s];
  }
  $('count-total').textContent = String(total);
  $('duplicates').textContent = String(state.duplicates);
  renderLiveColumn();
}

function feedItem(a: FeedAlert): HTMLElement {
  return el(
    'li',
    { class: `sev-${a.alert_type}`, 'data-alert-id': a.alert_id, 'data-severity': a.alert_type },
    el('span', { class: 'sev' }, a.alert_type),
    el('span', {}, a.sensor_id),
    el('span', {}, fmt(a.temperature)),
    el(
      'span',
      { class: 'muted' },
      `${time(a.reading_timestamp)} ${a.location ?? ''} p${a.source_partition}@${a.source_offset}`,
    ),
  );
}

/** Adds alerts in arrival order (oldest first); the feed shows the newest on top. */
function addAlerts(alerts: FeedAlert[], now = Date.now()): void {
  const feed = $('feed');
  const items: HTMLElement[] = [];
  for (const a of alerts) {
    if (state.seen.has(a.alert_id)) {
      state.duplicates++;
      continue;
    }
    state.seen.add(a.alert_id);
    state.receivedAt[a.alert_id] = now;
    state.publishedAt[a.alert_id] = a.published_ms;
    state.counts[a.alert_type]++;
    addPoint(a);
    items.push(feedItem(a));
  }
  feed.prepend(...items.reverse());
  while (feed.children.length > FEED_SIZE) feed.lastElementChild?.remove();
  renderCounts();
  scheduleChart();
}

function addPoint(a: FeedAlert): void {
  const at = Date.parse(a.reading_timestamp);
  let points = state.series.get(a.sensor_id) ?? [];
  state.series.delete(a.sensor_id);
  state.series.set(a.sensor_id, points);
  let i = points.length;
  while (i > 0 && points[i - 1]![0] > at) i--;
  points.splice(i, 0, [at, a.temperature]);
  if (points.length > POINTS_PER_SENSOR) points = points.slice(-POINTS_PER_SENSOR);
  state.series.set(a.sensor_id, points);
  while (state.series.size > MAX_SENSORS) {
    const oldest = state.series.keys().next().value;
    if (oldest === undefined) break;
    state.series.delete(oldest);
  }
}

let chartPending = false;
/** Redraws at most five times a second, however fast alerts come. */
function scheduleChart(): void {
  if (chartPending) return;
  chartPending = true;
  window.setTimeout(() => {
    chartPending = false;
    drawChart();
  }, 200);
}

/** uPlot wants one x array: the union of reading times, each sensor null where it has none. */
function alignedData(sensors: string[], t: Settings['thresholds']): uPlot.AlignedData {
  const xs = [...new Set(sensors.flatMap((s) => state.series.get(s)!.map((p) => p[0])))].sort(
    (a, b) => a - b,
  );
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns: (number | null)[][] = sensors.map((s) => {
    const col = new Array<number | null>(xs.length).fill(null);
    for (const [x, y] of state.series.get(s)!) col[index.get(x)!] = y;
    return col;
  });
  const flat = (v: number) => xs.map(() => v);
  return [
    xs.map((x) => x / 1000),
    ...columns,
    flat(t.threshold),
    flat(t.high),
    flat(t.critical),
  ] as uPlot.AlignedData;
}

function drawChart(): void {
  const settings = state.settings;
  if (!settings) return;
  const sensors = [...state.series.keys()].sort();
  const data = alignedData(sensors, settings.thresholds);
  const same =
    state.chart &&
    sensors.length === state.chartSensors.length &&
    sensors.every((s, i) => s === state.chartSensors[i]);
  if (same) {
    state.chart!.setData(data);
    return;
  }
  state.chart?.destroy();
  state.chartSensors = sensors;
  const t = settings.thresholds;
  const threshold = (label: string, stroke: string): uPlot.Series => ({
    label,
    stroke,
    width: 1.5,
    dash: [8, 6],
    points: { show: false },
  });
  const container = $('chart');
  state.chart = new uPlot(
    {
      width: Math.max(300, container.clientWidth),
      height: 320,
      scales: { x: { time: true } },
      axes: [{}, { label: '°', values: (_u, vals) => vals.map((v) => v.toFixed(0)) }],
      series: [
        {},
        ...sensors.map(
          (s, i): uPlot.Series => ({
            label: s,
            stroke: PALETTE[i % PALETTE.length]!,
            width: 1,
            spanGaps: true,
            points: { show: true, size: 6 },
          }),
        ),
        threshold(`alert > ${t.threshold}`, '#e9c46a'),
        threshold(`HIGH > ${t.high}`, '#f77f00'),
        threshold(`CRITICAL > ${t.critical}`, '#d62828'),
      ],
    },
    data,
    container,
  );
}

function renderLiveColumn(): void {
  for (const row of document.querySelectorAll<HTMLTableRowElement>('#table-summary tbody tr')) {
    const s = row.dataset.alertType as Severity;
    const cell = row.querySelector<HTMLTableCellElement>('td.live');
    if (!cell || !SEVERITIES.includes(s)) continue;
    cell.textContent = String(state.counts[s]);
    cell.classList.toggle('mismatch', state.counts[s] !== state.tableCounts[s]);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function refreshTable(): Promise<void> {
  try {
    const answer = await getJson<{
      panels: { at: number; durationMs: number; summary: Row[]; latestCritical: Row[] } | null;
      error: string | null;
    }>('/api/table');
    $('table-error').textContent = answer.error ? `table query failed: ${answer.error}` : '';
    const panels = answer.panels;
    if (!panels) return;
    $('table-at').textContent =
      `as of ${new Date(panels.at).toLocaleTimeString()} (${panels.durationMs} ms, ${state.settings?.engine})`;
    state.tableCounts = {};
    const summary = $('table-summary').querySelector('tbody')!;
    summary.replaceChildren(
      ...SEVERITIES.map((s) => {
        const row = panels.summary.find((r) => r.alert_type === s);
        state.tableCounts[s] = Number(row?.alert_count ?? 0);
        return el(
          'tr',
          { 'data-alert-type': s, class: `sev-${s}` },
          el('td', {}, s),
          el('td', { class: 'count' }, String(row?.alert_count ?? 0)),
          el('td', {}, fmt(row?.avg_temperature)),
          el('td', {}, fmt(row?.max_temperature)),
          el('td', { class: 'live' }, ''),
        );
      }),
    );
    renderLiveColumn();
    $('table-critical')
      .querySelector('tbody')!
      .replaceChildren(
        ...panels.latestCritical.map((r) =>
          el(
            'tr',
            {},
            el('td', {}, String(r.sensor_id)),
            el('td', {}, fmt(r.temperature)),
            el('td', {}, String(r.location ?? '')),
            el('td', {}, String(r.reading_timestamp).replace('T', ' ').slice(0, 23)),
            el('td', {}, `${r.source_partition}:${r.source_offset}`),
          ),
        ),
      );
  } catch (error) {
    $('table-error').textContent = String(error);
  }
}

interface Health {
  at: number;
  partitions: {
    partition: number;
    end: string;
    groupOffset: string | null;
    lag: string;
    tableOffset: string | null;
    tableLag: string;
  }[];
  totalLag: string;
  totalTableLag: string;
  table: {
    table: string;
    lastChangeMs: number | null;
    lastChangeOperation: string | null;
    lastGroupCommitMs: number | null;
    freshnessMs: number | null;
    snapshots: number;
  } | null;
  errors: string[];
  /** Redelivered alerts the server dropped (they never reach the page). */
  duplicates: number;
  feed: { state: string; rejected: number; lastRejection?: string; error?: string };
}

async function refreshHealth(): Promise<void> {
  try {
    const h = await getJson<Health>('/api/health');
    state.duplicates = Math.max(state.duplicates, h.duplicates);
    $('duplicates').textContent = String(state.duplicates);
    $('health-at').textContent = `as of ${new Date(h.at).toLocaleTimeString()}`;
    const t = h.table;
    const fact = (label: string, value: string, id: string) =>
      el('span', {}, `${label}: `, el('b', { id }, value));
    $('table-health').replaceChildren(
      fact('consumer lag', h.totalLag, 'health-lag'),
      fact('not yet in table', h.totalTableLag, 'health-table-lag'),
      fact(
        'last commit',
        t?.lastGroupCommitMs ? new Date(t.lastGroupCommitMs).toLocaleTimeString() : 'none yet',
        'health-last-commit',
      ),
      fact(
        'table freshness',
        t?.freshnessMs === null || !t ? 'no snapshot' : `${ago(t.freshnessMs)} ago`,
        'health-freshness',
      ),
      fact('snapshots', String(t?.snapshots ?? 0), 'health-snapshots'),
      fact(
        'alert feed',
        `${h.feed.state}${h.feed.rejected ? `, ${h.feed.rejected} malformed skipped` : ''}`,
        'health-feed',
      ),
    );
    $('lag')
      .querySelector('tbody')!
      .replaceChildren(
        ...h.partitions.map((p) =>
          el(
            'tr',
            { 'data-partition': String(p.partition) },
            el('td', {}, String(p.partition)),
            el('td', {}, p.end),
            el('td', {}, p.groupOffset ?? '-'),
            el('td', { class: 'lag' }, p.lag),
            el('td', {}, p.tableOffset ?? '-'),
            el('td', {}, p.tableLag),
          ),
        ),
      );
    const problems = [...h.errors, h.feed.error, h.feed.lastRejection].filter(Boolean);
    $('health-error').textContent = problems.join('\n');
  } catch (error) {
    $('health-error').textContent = String(error);
  }
}

function connect(): void {
  const pill = $('connection');
  const events = new EventSource('/api/events');
  events.addEventListener('init', (e) => {
    const init = JSON.parse((e as MessageEvent).data) as StoreSnapshot & { settings: Settings };
    const first = state.settings === undefined;
    state.settings = init.settings;
    // A reconnect starts over from the server's view, which already de-duplicated.
    state.seen.clear();
    state.series.clear();
    state.counts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0 };
    state.duplicates = init.duplicates;
    $('feed').replaceChildren();
    addAlerts([...init.recent].reverse());
    // Counts and chart of the whole history the server kept, not only the feed's window.
    state.counts = { ...init.counts };
    state.series = new Map(Object.entries(init.series));
    renderCounts();
    drawChart();
    const s = init.settings;
    $('settings').textContent =
      `alerts ${s.alertsTopic} · readings ${s.readingsTopic} (group ${s.groupId}) · table ${s.table} via ${s.engine}`;
    pill.dataset.state = 'live';
    pill.textContent = 'live';
    if (first) {
      void refreshTable();
      void refreshHealth();
      setInterval(() => void refreshTable(), s.tableRefreshMs);
      setInterval(() => void refreshHealth(), s.healthRefreshMs);
    }
  });
  events.addEventListener('alerts', (e) => {
    addAlerts(JSON.parse((e as MessageEvent).data) as FeedAlert[]);
  });
  events.onerror = () => {
    pill.dataset.state = 'error';
    pill.textContent = 'reconnecting';
  };
}

connect();
