import { rm } from 'node:fs/promises';
import { type Classpaths, resolveArtifacts } from './artifacts';
import { PortInUseError, ServiceNotReadyError } from './errors';
import { findJavas, type JavaRequirement, type JavaRuntime } from './java';
import { catalogMarker, prepareLaunch } from './launch';
import { withLock } from './lock';
import { isPortFree, waitUntil } from './network';
import { cacheDir, servicePaths, stateDir } from './paths';
import { ensureBucket, isReady } from './probes';
import {
  isAlive,
  markerFor,
  ourProcesses,
  removePidRecord,
  runsWith,
  startDetached,
  stopProcess,
  writePidRecord,
} from './processes';
import {
  endpointOf,
  PORT_VARIABLES,
  portKeysOf,
  readSettings,
  type ServiceSettings,
} from './settings';
import { artifactsFor, SERVICE_NAMES, type ServiceName } from './versions';

export type Reporter = (line: string) => void;

export interface ManagerOptions {
  env?: NodeJS.ProcessEnv;
  report?: Reporter;
}

export type ServiceState = 'running' | 'not-ready' | 'stopped' | 'external';

export interface ServiceStatus {
  service: ServiceName;
  state: ServiceState;
  endpoint: string;
  pid?: number;
  logFile: string;
  /** What the service is, e.g. `Nessie 0.99.0`. */
  label: string;
  /** Something the user should know about it. */
  note?: string;
}

/** Nessie's in-memory version store is the simplest setup, at this price. */
export const NESSIE_MEMORY_NOTE =
  'Nessie keeps its catalog in memory: a restart forgets every namespace and table ' +
  '(their files stay in S3); create them again after services:down/up';

function noteOf(service: ServiceName, settings: ServiceSettings): string | undefined {
  return service === 'catalog' && settings.catalog === 'nessie' ? NESSIE_MEMORY_NOTE : undefined;
}

/** What each service needs from Java, for the services about to start. */
export function javaRequirements(
  services: readonly ServiceName[],
  settings: ServiceSettings,
): Partial<Record<ServiceName, JavaRequirement>> {
  const artifacts = artifactsFor(settings.catalog);
  const requirements: Partial<Record<ServiceName, JavaRequirement>> = {};
  for (const service of services) {
    const { label, minJava } = artifacts[service];
    const alternative =
      service === 'catalog' && settings.catalog === 'nessie'
        ? 'or set SENSOR_ALERTS_CATALOG=iceberg-rest to use the Java 17 catalog instead'
        : undefined;
    requirements[service] = alternative ? { label, minJava, alternative } : { label, minJava };
  }
  return requirements;
}

export interface UpResult {
  /** Services this call started (the others were already running). */
  started: ServiceName[];
  elapsedMs: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function context(options: ManagerOptions) {
  const env = options.env ?? process.env;
  return {
    env,
    report: options.report ?? (() => undefined),
    settings: readSettings(env),
    state: stateDir(env),
    cache: cacheDir(env),
  };
}

async function ourProcessesOf(service: ServiceName, state: string) {
  return ourProcesses(servicePaths(state, service).pidFile, markerFor(service, state));
}

function lockFile(state: string): string {
  return `${state}/run/lock`;
}

function locked<T>(state: string, report: Reporter, action: () => Promise<T>): Promise<T> {
  return withLock(
    lockFile(state),
    (holder) => report(`waiting for another services:up/down (pid ${holder}) to finish...`),
    action,
  );
}

async function assertPortsFree(service: ServiceName, settings: ServiceSettings): Promise<void> {
  for (const key of portKeysOf(service, settings)) {
    const port = settings.ports[key];
    if (!(await isPortFree(port, settings.host))) {
      throw new PortInUseError(
        `Port ${port} (${service}) on ${settings.host} is already taken by a process these ` +
          `scripts did not start. Stop that process, or set ${PORT_VARIABLES[key]} to a free port.`,
      );
    }
  }
}

async function startService(
  service: ServiceName,
  java: JavaRuntime,
  classpaths: Classpaths,
  settings: ServiceSettings,
  state: string,
  report: Reporter,
): Promise<void> {
  const paths = servicePaths(state, service);
  const began = Date.now();
  report(`starting ${service} on ${endpointOf(service, settings)}...`);
  const marker = markerFor(service, state);
  const launch = await prepareLaunch(service, { java, classpaths, settings, paths, marker });
  const record = await startDetached({
    executable: java.executable,
    args: launch.args,
    cwd: launch.cwd,
    logFile: paths.logFile,
    pidFile: paths.pidFile,
    marker,
  });
  const outcome = await waitUntil(
    () => isReady(service, settings),
    settings.readyTimeoutMs,
    () => !isAlive(record),
  );
  if (outcome === 'ready') {
    report(`${service} ready in ${seconds(Date.now() - began)}`);
    const note = noteOf(service, settings);
    if (note) report(`${service}: ${note}`);
    return;
  }
  await stopProcess(record);
  await removePidRecord(paths.pidFile);
  const why =
    outcome === 'aborted'
      ? 'exited while starting'
      : `was not ready after ${seconds(settings.readyTimeoutMs)}`;
  throw new ServiceNotReadyError(
    `${service} ${why}; see the end of its log: tail -n 50 ${paths.logFile}`,
  );
}

/** Throws the first failure after every branch has settled, so nothing is left half-started. */
async function allSettled(tasks: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
}

/**
 * Starts whatever is not running yet: Kafka and S3 together, then the catalog once the
 * warehouse bucket exists. Services already started by these scripts are left as they are.
 */
export async function up(options: ManagerOptions = {}): Promise<UpResult> {
  const { report, state } = context(options);
  return locked(state, report, () => upLocked(options));
}

async function upLocked(options: ManagerOptions): Promise<UpResult> {
  const { report, settings, state, cache } = context(options);
  const began = Date.now();
  const pending: ServiceName[] = [];
  for (const service of SERVICE_NAMES) {
    const paths = servicePaths(state, service);
    const running = await ourProcessesOf(service, state);
    const [only] = running;
    // A catalog of the other kind answers the same probe, so its command line decides.
    const sameKind =
      only !== undefined &&
      (service !== 'catalog' || (await runsWith(only.pid, catalogMarker(settings))));
    if (only && running.length === 1 && sameKind && (await isReady(service, settings))) {
      await writePidRecord(paths.pidFile, only);
      report(`${service} already running (pid ${only.pid}) at ${endpointOf(service, settings)}`);
      continue;
    }
    // Ours but not answering (or duplicated): leftovers of a crashed start. Replace them.
    for (const record of running) await stopProcess(record);
    await removePidRecord(paths.pidFile);
    pending.push(service);
  }
  if (pending.length === 0) return { started: [], elapsedMs: Date.now() - began };
  for (const service of pending) await assertPortsFree(service, settings);

  // Before anything downloads or starts: a missing JDK should fail the whole `up` at once.
  const javas = findJavas(javaRequirements(pending, settings), options.env ?? process.env);
  for (const service of pending) {
    const java = javas[service] as JavaRuntime;
    report(`${service}: using Java ${java.version} (${java.executable})`);
  }
  const artifacts = artifactsFor(settings.catalog);
  const downloadBegan = Date.now();
  const { classpaths, downloaded } = await resolveArtifacts(
    cache,
    artifacts,
    `${state}/logs/mvn.log`,
    () => {
      const labels = SERVICE_NAMES.map((service) => artifacts[service].label).join(', ');
      report(`downloading ${labels} with mvn into ${cache} (first start only)...`);
    },
  );
  if (downloaded) report(`downloaded in ${seconds(Date.now() - downloadBegan)}`);

  const start = (service: ServiceName) => {
    const java = javas[service];
    return java
      ? startService(service, java, classpaths, settings, state, report)
      : Promise.resolve();
  };
  const storage = async () => {
    await start('s3');
    if (await ensureBucket(settings)) report(`created bucket ${settings.warehouseBucket}`);
    await start('catalog');
  };
  await allSettled([start('kafka'), storage()]);
  report(`all services ready in ${seconds(Date.now() - began)}`);
  return { started: pending, elapsedMs: Date.now() - began };
}

export interface DownOptions extends ManagerOptions {
  /** Also delete the services' data (topics, objects, catalog). */
  purge?: boolean;
  /** Stop only these; defaults to all. */
  services?: ServiceName[];
}

/** Stops the services these scripts started (verified by pid and command line), nothing else. */
export async function down(options: DownOptions = {}): Promise<void> {
  const { report, state } = context(options);
  return locked(state, report, () => downLocked(options));
}

async function downLocked(options: DownOptions): Promise<void> {
  const { report, state } = context(options);
  const targets = options.services ?? SERVICE_NAMES;
  // The catalog first: it writes to S3 and should not see S3 disappear under it.
  const order: ServiceName[][] = [['catalog'], ['kafka', 's3']];
  for (const group of order) {
    await allSettled(
      group
        .filter((service) => targets.includes(service))
        .map(async (service) => {
          const paths = servicePaths(state, service);
          const running = await ourProcessesOf(service, state);
          if (running.length === 0) report(`${service} was not running`);
          for (const record of running) {
            report(`stopping ${service} (pid ${record.pid})...`);
            await stopProcess(record);
            report(`${service} stopped`);
          }
          await removePidRecord(paths.pidFile);
          if (options.purge) await rm(paths.dataDir, { recursive: true, force: true });
        }),
    );
  }
  if (options.purge) {
    await rm(`${state}/data/kafka-cluster-id`, { force: true });
    report(`removed the data under ${state}/data`);
  }
}

export async function status(options: ManagerOptions = {}): Promise<ServiceStatus[]> {
  const { settings, state } = context(options);
  return Promise.all(
    SERVICE_NAMES.map(async (service) => {
      const paths = servicePaths(state, service);
      const [record] = await ourProcessesOf(service, state);
      const ready = await isReady(service, settings);
      const note = noteOf(service, settings);
      const base = {
        service,
        endpoint: endpointOf(service, settings),
        logFile: paths.logFile,
        label: artifactsFor(settings.catalog)[service].label,
        ...(note ? { note } : {}),
      };
      if (record) return { ...base, pid: record.pid, state: ready ? 'running' : 'not-ready' };
      return { ...base, state: ready ? 'external' : 'stopped' };
    }),
  );
}

/** True when every service answers at its endpoint, whoever started it. */
export async function allReady(options: ManagerOptions = {}): Promise<boolean> {
  const { settings } = context(options);
  const ready = await Promise.all(SERVICE_NAMES.map((service) => isReady(service, settings)));
  return ready.every(Boolean);
}
