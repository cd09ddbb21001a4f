import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runLogged } from '../commands';
import { withLock } from '../lock';
import { REPO_ROOT } from '../paths';
import { LOCALSTACK } from '../versions';
import type { PythonRuntime } from './python';

/** Pins every dependency of LocalStack to what it was resolved to on 2026-04-01. */
export const CONSTRAINTS_FILE = join(REPO_ROOT, 'localstack', 'constraints.txt');

/** The plugin folder put on PYTHONPATH: its dist-info registers the Lambda executor. */
export const EXECUTOR_PLUGIN_DIR = join(REPO_ROOT, 'localstack', 'lambda-executor');

export interface EnsureVenvOptions {
  cache: string;
  python: PythonRuntime;
  report?: (line: string) => void;
}

interface Marker {
  key: string;
  python: string;
}

/**
 * A virtual environment with LocalStack installed under the constraints, one per Python version
 * and constraints file. Built with pip on first use (about a minute), then reused; pip checks
 * each download against the index's sha256.
 */
export async function ensureLocalStackVenv(options: EnsureVenvOptions): Promise<string> {
  const constraints = await readFile(CONSTRAINTS_FILE);
  const key = createHash('sha256')
    .update(JSON.stringify({ version: 1, requirement: LOCALSTACK.requirement }))
    .update(options.python.version)
    .update(constraints)
    .digest('hex')
    .slice(0, 16);
  const root = join(options.cache, 'localstack');
  const dir = join(root, key);
  const venvPython = join(dir, 'venv', 'bin', 'python');
  const markerFile = join(dir, 'installed.json');
  const ready = async () => {
    if (!existsSync(venvPython)) return false;
    const marker = await readFile(markerFile, 'utf8').then(
      (text) => JSON.parse(text) as Marker,
      () => undefined,
    );
    return marker?.key === key;
  };
  if (await ready()) return venvPython;
  await mkdir(root, { recursive: true });
  return withLock(
    join(root, `${key}.lock`),
    (holder) => options.report?.(`waiting for another install of LocalStack (pid ${holder})`),
    async () => {
      if (await ready()) return venvPython;
      const began = Date.now();
      options.report?.(`installing ${LOCALSTACK.label} with pip into ${dir} (first use only)...`);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const logFile = join(dir, 'install.log');
      await runLogged({
        command: options.python.executable,
        args: ['-m', 'venv', join(dir, 'venv')],
        logFile,
        what: `creating a Python ${options.python.version} virtual environment`,
      });
      await runLogged({
        command: venvPython,
        args: [
          '-m',
          'pip',
          'install',
          '--no-input',
          '--disable-pip-version-check',
          '-c',
          CONSTRAINTS_FILE,
          LOCALSTACK.requirement,
        ],
        env: { ...process.env, PIP_CONSTRAINT: CONSTRAINTS_FILE },
        logFile,
        what: `installing ${LOCALSTACK.requirement} with pip (check the access to PyPI)`,
      });
      const marker: Marker = { key, python: options.python.version };
      await writeFile(markerFile, `${JSON.stringify(marker)}\n`);
      options.report?.(`installed LocalStack in ${((Date.now() - began) / 1000).toFixed(0)}s`);
      return venvPython;
    },
    30 * 60_000,
  );
}
