import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ToolMissingError } from '../errors';

export interface PythonRuntime {
  executable: string;
  /** e.g. `3.13.0`. */
  version: string;
}

/** `3.13.0` from `Python 3.13.0`; undefined when the text is not a version line. */
export function parsePythonVersion(text: string): [number, number, number] | undefined {
  const match = /Python (\d+)\.(\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function probe(executable: string): PythonRuntime | undefined {
  if (executable.includes('/') && !existsSync(executable)) return undefined;
  const result = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  if (result.error || result.status !== 0) return undefined;
  const version = parsePythonVersion(`${result.stdout}${result.stderr}`);
  return version ? { executable, version: version.join('.') } : undefined;
}

function pyenvPythons(env: NodeJS.ProcessEnv): string[] {
  const roots = [env.PYENV_ROOT, join(homedir(), '.pyenv'), '/root/.pyenv'].filter(
    (root): root is string => Boolean(root),
  );
  return [...new Set(roots)].flatMap((root) => {
    const versions = join(root, 'versions');
    if (!existsSync(versions)) return [];
    return readdirSync(versions).map((version) => join(versions, version, 'bin', 'python3'));
  });
}

function atLeast(version: string, min: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

/**
 * A Python of at least `min`: SENSOR_ALERTS_PYTHON alone when set, otherwise the newest of
 * python3.13+ on PATH, pyenv's versions and `python3`.
 */
export function findPython(
  min: readonly [number, number],
  purpose: string,
  env: NodeJS.ProcessEnv = process.env,
): PythonRuntime {
  const wanted = `${min[0]}.${min[1]}`;
  const forced = env.SENSOR_ALERTS_PYTHON;
  const candidates = forced
    ? [forced]
    : [
        ...[14, 13].map((minor) => `python3.${minor}`),
        ...pyenvPythons(env),
        ...(env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'python3')),
      ];
  const found = [...new Set(candidates)].map(probe).filter((p): p is PythonRuntime => !!p);
  const usable = found
    .filter((python) => atLeast(python.version, min))
    .sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }));
  const [best] = usable;
  if (best) return best;
  const seen =
    found.length === 0
      ? 'none was found'
      : `found ${[...new Set(found.map((p) => p.version))].join(', ')}`;
  throw new ToolMissingError(
    `${purpose} needs Python ${wanted} or newer (${forced ? `SENSOR_ALERTS_PYTHON=${forced}: ` : ''}${seen}): ` +
      `install one (e.g. \`pyenv install ${wanted}\`) and set SENSOR_ALERTS_PYTHON to its python3 if it is not on PATH.`,
  );
}
