import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureLambdaRuntime } from '../lambda-runtime/toolchain';
import type { ServicePaths } from '../paths';
import type { ServiceSettings } from '../settings';
import { LOCALSTACK } from '../versions';
import { findPython } from './python';
import { EXECUTOR_PLUGIN_DIR, ensureLocalStackVenv } from './venv';

/** What `up` needs to start LocalStack. */
export interface LocalStackLaunch {
  executable: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Python's `-X` options are free-form, so the marker rides there on the command line. */
export function localstackMarker(state: string): string {
  return `-Xsensor-alerts.service=localstack@${state}`;
}

/** Fails before anything is installed when no Python 3.13+ is found. */
export function findLocalStackPython(env: NodeJS.ProcessEnv = process.env) {
  return findPython(LOCALSTACK.minPython, LOCALSTACK.label, env);
}

/**
 * Installs (once) and describes the LocalStack process: its own folders under the state dir (it
 * wipes its temporary folder at start and stop), the gateway on 127.0.0.1 only (the default
 * server binds every interface whatever GATEWAY_LISTEN says; hypercorn honours it), and Lambda
 * functions run by the local-process executor under the Runtime Interface Emulator.
 */
export async function prepareLocalStack(context: {
  settings: ServiceSettings;
  paths: ServicePaths;
  state: string;
  cache: string;
  env: NodeJS.ProcessEnv;
  report: (line: string) => void;
}): Promise<LocalStackLaunch> {
  const { settings, paths, state, cache, env, report } = context;
  const python = findLocalStackPython(env);
  report(`localstack: using Python ${python.version} (${python.executable})`);
  const [venvPython, tools] = await Promise.all([
    ensureLocalStackVenv({ cache, python, report }),
    ensureLambdaRuntime({ cache, report, env }),
  ]);
  const fsRoot = join(paths.dataDir, 'filesystem');
  const tmp = join(paths.dataDir, 'tmp');
  const lambdaWork = join(paths.dataDir, 'lambda');
  for (const dir of [fsRoot, tmp, lambdaWork]) await mkdir(dir, { recursive: true });
  const listen = `${settings.host}:${settings.ports.localstack}`;
  return {
    executable: venvPython,
    args: [localstackMarker(state), '-m', 'localstack.runtime.main'],
    cwd: paths.dataDir,
    env: {
      PATH: env.PATH,
      HOME: env.HOME,
      LANG: env.LANG ?? 'C.UTF-8',
      GATEWAY_SERVER: 'hypercorn',
      GATEWAY_LISTEN: listen,
      LOCALSTACK_HOST: listen,
      // This machine may itself be a container; LocalStack would then use /var/lib/localstack.
      OVERRIDE_IN_DOCKER: '0',
      FILESYSTEM_ROOT: fsRoot,
      TMPDIR: tmp,
      SERVICES: LOCALSTACK.services.join(','),
      // No DNS server (it would want port 53), no certificate download, no usage events.
      DNS_ADDRESS: '0',
      SKIP_SSL_CERT_DOWNLOAD: '1',
      DISABLE_EVENTS: '1',
      LAMBDA_RUNTIME_EXECUTOR: 'local-process',
      PYTHONPATH: EXECUTOR_PLUGIN_DIR,
      // No __pycache__ in the repository's plugin folder (the venv is compiled at install).
      PYTHONDONTWRITEBYTECODE: '1',
      SENSOR_ALERTS_LAMBDA_RIE: tools.rie,
      SENSOR_ALERTS_LAMBDA_NODE: tools.node,
      SENSOR_ALERTS_LAMBDA_RIC: tools.ric,
      SENSOR_ALERTS_LAMBDA_WORK_DIR: lambdaWork,
    },
  };
}

/** Ready when the gateway answers and the services the stack deploys to are up. */
export async function localstackReady(settings: ServiceSettings): Promise<boolean> {
  const url = `http://${settings.host}:${settings.ports.localstack}/_localstack/health`;
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) return false;
  const body = (await response.json()) as { services?: Record<string, string> };
  const needed = ['cloudformation', 'iam', 'lambda', 's3', 'sts'];
  return needed.every((name) => ['available', 'running'].includes(body.services?.[name] ?? ''));
}
