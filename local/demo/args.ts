import { parseArgs } from 'node:util';
import { DemoUsageError } from './errors';

export interface DemoOptions {
  readings: number;
  sensors: number;
  seed: number | undefined;
  threshold: number;
  keepServices: boolean;
  /** Suffix of this run's topic, consumer group and table, so that reruns start empty. */
  runId: string;
  /** Serve the dashboard on this run and keep it and the services up until Ctrl-C. */
  dashboard: boolean;
  /** The dashboard's port (0 = any free port). */
  dashboardPort: number;
}

export const DEMO_USAGE = `Usage: npm run demo -- [--readings N] [--sensors N] [--seed S] [--threshold T]
                      [--run-id ID] [--keep-services] [--dashboard [--dashboard-port N]]
  --readings N      readings to produce (default 200)
  --sensors N       distinct sensors (default 10)
  --seed S          seed for reproducible readings (default: random)
  --threshold T     alert threshold in degrees (default 80)
  --run-id ID       names this run's topic, consumer group and table (default: time based)
  --keep-services   leave the local services running if the demo started them
  --dashboard       serve the dashboard (npm run dashboard) on this run's topics and table while
                    the demo runs, and keep it and the services up after it until Ctrl-C; the
                    run's alerts then go to their own topic sensor_alerts_<run id>
  --dashboard-port N  the dashboard's port on 127.0.0.1 (default 8090; 0 = any free port)`;

export function parseDemoArgs(argv: readonly string[], now = new Date()): DemoOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new DemoUsageError(`${(error as Error).message}\n${DEMO_USAGE}`);
  }
  const runId = values['run-id'] ?? defaultRunId(now);
  if (!/^[a-z0-9_]{1,40}$/.test(runId)) {
    throw new DemoUsageError(`--run-id must be 1-40 of [a-z0-9_], got "${runId}"`);
  }
  return {
    readings: integer(values.readings, 'readings', 200, 1),
    sensors: integer(values.sensors, 'sensors', 10, 1),
    seed: values.seed === undefined ? undefined : integer(values.seed, 'seed', 0, 0),
    threshold: finite(values.threshold, 'threshold', 80),
    keepServices: values['keep-services'] ?? false,
    runId,
    dashboard: values.dashboard ?? false,
    dashboardPort: port(values['dashboard-port']),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      readings: { type: 'string' },
      sensors: { type: 'string' },
      seed: { type: 'string' },
      threshold: { type: 'string' },
      'run-id': { type: 'string' },
      'keep-services': { type: 'boolean' },
      dashboard: { type: 'boolean' },
      'dashboard-port': { type: 'string' },
    },
  });
}

/** Table and topic names allow only [a-z0-9_], and time order keeps runs easy to tell apart. */
function defaultRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}_${Math.floor(Math.random() * 0xfff)
    .toString(16)
    .padStart(3, '0')}`;
}

function integer(text: string | undefined, name: string, fallback: number, min: number): number {
  if (text === undefined) {
    return fallback;
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new DemoUsageError(`--${name} must be an integer >= ${min}, got "${text}"`);
  }
  return value;
}

function port(text: string | undefined): number {
  if (text === undefined) return 8090;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new DemoUsageError(`--dashboard-port must be an integer from 0 to 65535, got "${text}"`);
  }
  return value;
}

function finite(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) {
    return fallback;
  }
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new DemoUsageError(`--${name} must be a number, got "${text}"`);
  }
  return value;
}
