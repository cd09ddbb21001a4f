/**
 * A private S3 server and catalog, started for one test file on free ports with the same launch
 * code as `npm run services:up`, so that a test can stop and restart them without touching the
 * services the other test files share. Kafka stays the shared one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveArtifacts } from '../../../local/services/artifacts';
import { findJavas, type JavaRuntime } from '../../../local/services/java';
import { prepareLaunch } from '../../../local/services/launch';
import { javaRequirements } from '../../../local/services/manager';
import { waitUntil } from '../../../local/services/network';
import { cacheDir, servicePaths } from '../../../local/services/paths';
import { ensureBucket, isReady } from '../../../local/services/probes';
import {
  markerFor,
  type PidRecord,
  startDetached,
  stopProcess,
} from '../../../local/services/processes';
import { readSettings, type ServiceSettings } from '../../../local/services/settings';
import { artifactsFor } from '../../../local/services/versions';

type PrivateService = 's3' | 'catalog';

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface PrivateServices {
  /** Environment pointing clients (classifier, catalog, object store) at the private set. */
  env: NodeJS.ProcessEnv;
  settings: ServiceSettings;
  /** Stops a service the way a crash or an operator would (SIGTERM, then SIGKILL). */
  stop(service: PrivateService): Promise<void>;
  /** Starts it again on the same ports and data directory; resolves once it answers. */
  start(service: PrivateService): Promise<void>;
  /** Stops everything and removes the state directory. */
  close(): Promise<void>;
}

export async function startPrivateServices(): Promise<PrivateServices> {
  const state = await mkdtemp(join(tmpdir(), 'private-services-'));
  const [s3, catalog, management] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SENSOR_ALERTS_STATE: state,
    ICEBERG_S3_ENDPOINT: `http://127.0.0.1:${s3}`,
    ICEBERG_CATALOG_URI: `http://127.0.0.1:${catalog}/iceberg`,
    S3_PORT: String(s3),
    CATALOG_PORT: String(catalog),
    CATALOG_MANAGEMENT_PORT: String(management),
  };
  const settings = readSettings(env);
  const services: PrivateService[] = ['s3', 'catalog'];
  const javas = findJavas(javaRequirements(services, settings), env);
  const { classpaths } = await resolveArtifacts(
    cacheDir(env),
    artifactsFor(settings.catalog),
    join(state, 'logs', 'mvn.log'),
    () => undefined,
  );
  const running = new Map<PrivateService, PidRecord>();

  const start = async (service: PrivateService) => {
    const paths = servicePaths(state, service);
    const marker = markerFor(service, state);
    const java = javas[service] as JavaRuntime;
    const launch = await prepareLaunch(service, { java, classpaths, settings, paths, marker });
    const record = await startDetached({
      executable: java.executable,
      args: launch.args,
      cwd: launch.cwd,
      logFile: paths.logFile,
      pidFile: paths.pidFile,
      marker,
    });
    running.set(service, record);
    const outcome = await waitUntil(() => isReady(service, settings), settings.readyTimeoutMs);
    if (outcome !== 'ready') {
      throw new Error(`private ${service} did not start (${outcome}); see ${paths.logFile}`);
    }
    if (service === 's3') await ensureBucket(settings);
  };
  const stop = async (service: PrivateService) => {
    const record = running.get(service);
    if (!record) return;
    await stopProcess(record);
    running.delete(service);
  };

  try {
    await start('s3');
    await start('catalog');
  } catch (error) {
    await Promise.allSettled([stop('catalog'), stop('s3')]);
    throw error;
  }
  return {
    env,
    settings,
    start,
    stop,
    async close() {
      await stop('catalog');
      await stop('s3');
      await rm(state, { recursive: true, force: true });
    },
  };
}
