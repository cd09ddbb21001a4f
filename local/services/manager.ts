import { rm } from 'node:fs/promises';
import { type Classpaths, resolveArtifacts } from './artifacts';
import { PortInUseError, ServiceNotReadyError } from './errors';
import { findJavas, type JavaRequirement, type JavaRuntime } from './java';
import { catalogMarker, prepareLaunch } from './launch';
import { localstackMarker, prepareLocalStack } from './localstack/launch';
import { withLock } from './lock';
import { isPortFree, waitUntil } from './network';
import { cacheDir, servicePaths, stateDir } from './paths';
import { ensureBucket, isLive, isReady } from './probes';
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
import {
  artifactsFor,
  LOCAL_SERVICE_NAMES,
  LOCALSTACK,
  type LocalServiceName,
  SERVICE_NAMES,
  type ServiceName,
} from './versions';

export type Reporter = (line: string) => void;

export interface ManagerOptions {
  env?: NodeJS.ProcessEnv;
  report?: Reporter;
}

export type ServiceState = 'running' | 'not-ready' | 'stopped' | 'external';

export interface ServiceStatus {
  service: LocalServiceName;
  state: ServiceState;
  endpoint: string;
  pid?: number;
  logFile: string;
  /** What the service is, e.g. `Nessie 0.99.0`. */
  label: string;
  /** Something the user should know about it. */
  note?: string;
}

/** Where Nessie keeps its catalog: a restart or a crash keeps namespaces, tables and history. */
export function nessieStoreNote(state: string): string {
  return `Nessie keeps its catalog in RocksDB under ${servicePaths(state, 'catalog').dataDir}; \`services:down -- --purge\` deletes it`;
}

function noteOf(
  service: LocalServiceName,
  settings: ServiceSettings,
  state: string,
): string | undefined {
  return service === 'catalog' && settings.catalog === 'nessie'
    ? nessieStoreNote(state)
    : undefined;
}

function labelOf(service: LocalServiceName, settings: ServiceSettings): string {
  return service === 'localstack'
    ? LOCALSTACK.label
    : artifactsFor(settings.catalog)[service].label;
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

export interface UpOptions extends ManagerOptions {
  /** Start only these (and leave the others alone); defaults to Kafka, S3 and the catalog. */
  services?: readonly LocalServiceName[];
}

export interface UpResult {
  /** Services this call started (the others were already running). */
  started: LocalServiceName[];
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

function markerOf(service: LocalServiceName, state: string): string {
  return service === 'localstack' ? localstackMarker(state) : markerFor(service, state);
}

async function ourProcessesOf(service: LocalServiceName, state: string) {
  return ourProcesses(servicePaths(state, service).pidFile, markerOf(service, state));
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

async function assertPortsFree(
  service: LocalServiceName,
  settings: ServiceSettings,
): Promise<void> {
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
  await awaitStarted(service, record, began, settings, state, report);
}

type Context = ReturnType<typeof context>;

async function startLocalStack(ctx: Context, report: Reporter): Promise<void> {
  const { settings, state, cache, env } = ctx;
  const paths = servicePaths(state, 'localstack');
  const launch = await prepareLocalStack({ settings, paths, state, cache, env, report });
  const began = Date.now();
  report(`starting localstack on ${endpointOf('localstack', settings)}...`);
  const record = await startDetached({
    executable: launch.executable,
    args: launch.args,
    cwd: launch.cwd,
    env: launch.env,
    logFile: paths.logFile,
    pidFile: paths.pidFile,
    marker: localstackMarker(state),
  });
  await awaitStarted('localstack', record, began, settings, state, report);
}

async function awaitStarted(
  service: LocalServiceName,
  record: Awaited<ReturnType<typeof startDetached>>,
  began: number,
  settings: ServiceSettings,
  state: string,
  report: Reporter,
): Promise<void> {
  const paths = servicePaths(state, service);
  const outcome = await waitUntil(
    () => isReady(service, settings),
    settings.readyTimeoutMs,
    () => !isAlive(record),
  );
  if (outcome === 'ready') {
    report(`${service} ready in ${seconds(Date.now() - began)}`);
    const note = noteOf(service, settings, state);
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
 * warehouse bucket exists, and LocalStack when asked for. A service whose process still works is
 * left as it is, even when it is not ready because something it depends on is down (Nessie
 * without S3): only what is down is started again.
 */
export async function up(options: UpOptions = {}): Promise<UpResult> {
  const { report, state } = context(options);
  return locked(state, report, () => upLocked(options));
}

async function upLocked(options: UpOptions): Promise<UpResult> {
  const ctx = context(options);
  const { report, settings, state } = ctx;
  const began = Date.now();
  const targets = LOCAL_SERVICE_NAMES.filter((service) =>
    (options.services ?? SERVICE_NAMES).includes(service),
  );
  const pending: LocalServiceName[] = [];
  const keptWaiting: LocalServiceName[] = [];
  for (const service of targets) {
    const paths = servicePaths(state, service);
    const running = await ourProcessesOf(service, state);
    const [only] = running;
    // A catalog of the other kind answers the same probe, so its command line decides.
    const sameKind =
      only !== undefined &&
      (service !== 'catalog' || (await runsWith(only.pid, catalogMarker(settings))));
    if (only && running.length === 1 && sameKind && (await isLive(service, settings))) {
      await writePidRecord(paths.pidFile, only);
      if (await isReady(service, settings)) {
        report(`${service} already running (pid ${only.pid}) at ${endpointOf(service, settings)}`);
      } else {
        report(`${service} is running (pid ${only.pid}) but waits for a service it depends on`);
        keptWaiting.push(service);
      }
      continue;
    }
    // Ours but not answering (or duplicated): leftovers of a crash. Replace them.
    for (const record of running) await stopProcess(record);
    await removePidRecord(paths.pidFile);
    pending.push(service);
  }
  if (pending.length > 0) {
    for (const service of pending) await assertPortsFree(service, settings);
    await startPending(pending, ctx, options);
  }
  // What was left running because a dependency was down must now be ready again.
  for (const service of keptWaiting) {
    const outcome = await waitUntil(() => isReady(service, settings), settings.readyTimeoutMs);
    if (outcome !== 'ready') {
      throw new ServiceNotReadyError(
        `${service} was left running but is still not ready; see ${servicePaths(state, service).logFile}`,
      );
    }
    report(`${service} ready again`);
  }
  if (pending.length === 0) return { started: [], elapsedMs: Date.now() - began };
  report(`all services ready in ${seconds(Date.now() - began)}`);
  return { started: pending, elapsedMs: Date.now() - began };
}

async function startPending(
  pending: LocalServiceName[],
  ctx: Context,
  options: UpOptions,
): Promise<void> {
  const { report, settings, state, cache } = ctx;
  const javaPending = SERVICE_NAMES.filter((service) => pending.includes(service));
  // Before anything downloads or starts: a missing JDK should fail the whole `up` at once.
  const javas = findJavas(javaRequirements(javaPending, settings), options.env ?? process.env);
  for (const service of javaPending) {
    const java = javas[service] as JavaRuntime;
    report(`${service}: using Java ${java.version} (${java.executable})`);
  }
  let classpaths: Classpaths | undefined;
  if (javaPending.length > 0) {
    const artifacts = artifactsFor(settings.catalog);
    const downloadBegan = Date.now();
    const resolved = await resolveArtifacts(cache, artifacts, `${state}/logs/mvn.log`, () => {
      const labels = SERVICE_NAMES.map((service) => artifacts[service].label).join(', ');
      report(`downloading ${labels} with mvn into ${cache} (first start only)...`);
    });
    if (resolved.downloaded) report(`downloaded in ${seconds(Date.now() - downloadBegan)}`);
    classpaths = resolved.classpaths;
  }
  const start = (service: ServiceName) => {
    const java = javas[service];
    return java && classpaths && pending.includes(service)
      ? startService(service, java, classpaths, settings, state, report)
      : Promise.resolve();
  };
  const storage = async () => {
    await start('s3');
    if (pending.includes('s3') || pending.includes('catalog')) {
      if (await ensureBucket(settings)) report(`created bucket ${settings.warehouseBucket}`);
    }
    await start('catalog');
  };
  const localstack = pending.includes('localstack')
    ? startLocalStack(ctx, report)
    : Promise.resolve();
  await allSettled([start('kafka'), storage(), localstack]);
}

export interface DownOptions extends ManagerOptions {
  /** Also delete the services' data (topics, objects, catalog). */
  purge?: boolean;
  /** Stop only these; defaults to all. */
  services?: readonly LocalServiceName[];
}

/** Stops the services these scripts started (verified by pid and command line), nothing else. */
export async function down(options: DownOptions = {}): Promise<void> {
  const { report, state } = context(options);
  return locked(state, report, () => downLocked(options));
}

async function downLocked(options: DownOptions): Promise<void> {
  const { report, state } = context(options);
  const targets = options.services ?? LOCAL_SERVICE_NAMES;
  // LocalStack's functions and the catalog first: they write to S3 and Kafka and should not
  // see them disappear under them.
  const order: LocalServiceName[][] = [['localstack'], ['catalog'], ['kafka', 's3']];
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

export interface StatusOptions extends ManagerOptions {
  services?: readonly LocalServiceName[];
}

export async function status(options: StatusOptions = {}): Promise<ServiceStatus[]> {
  const { settings, state } = context(options);
  return Promise.all(
    (options.services ?? LOCAL_SERVICE_NAMES).map(async (service) => {
      const paths = servicePaths(state, service);
      const [record] = await ourProcessesOf(service, state);
      const ready = await isReady(service, settings);
      const note = noteOf(service, settings, state);
      const base = {
        service,
        endpoint: endpointOf(service, settings),
        logFile: paths.logFile,
        label: labelOf(service, settings),
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
