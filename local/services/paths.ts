import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalServiceName } from './versions';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Downloads live outside the work tree so that fresh clones and clean checkouts reuse them. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SENSOR_ALERTS_CACHE || join(homedir(), '.cache', 'sensor-alerts'));
}

/** Pid files, logs, configuration and data of one checkout (gitignored `.local/`). */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SENSOR_ALERTS_STATE || join(REPO_ROOT, '.local', 'services'));
}

export interface ServicePaths {
  pidFile: string;
  logFile: string;
  confDir: string;
  dataDir: string;
}

export function servicePaths(state: string, service: LocalServiceName): ServicePaths {
  return {
    pidFile: join(state, 'run', `${service}.json`),
    logFile: join(state, 'logs', `${service}.log`),
    confDir: join(state, 'conf', service),
    dataDir: join(state, 'data', service),
  };
}

/** The catalog launcher's source ships with the repository, next to this file. */
export const CATALOG_LAUNCHER_SOURCE = join(
  dirname(fileURLToPath(import.meta.url)),
  'catalog',
  'IcebergRestLauncher.java',
);
