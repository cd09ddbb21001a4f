import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Pinned so verification does not drift with new releases. */
export const PYICEBERG_REQUIREMENT = 'pyiceberg[pyarrow]==0.10.0';

export const PYICEBERG_VENV = join(homedir(), '.cache', 'sensor-alerts', 'pyiceberg-venv');
const PYTHON = join(PYICEBERG_VENV, 'bin', 'python');
const MARKER_NAME = '.installed-0.10.0';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pyiceberg_scan.py');
const WRITE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pyiceberg_write.py');

let ready: Promise<string> | undefined;

/**
 * Creates the venv and installs PyIceberg with pip on first use; later calls are instant. The
 * venv is built in a scratch directory and moved into place only once pip succeeded, so an
 * interrupted or failed install never leaves a half-made venv that later runs would trust.
 */
export function ensurePyIceberg(): Promise<string> {
  ready ??= install().catch((error) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

async function install(): Promise<string> {
  if (existsSync(join(PYICEBERG_VENV, MARKER_NAME))) return PYTHON;
  const scratch = `${PYICEBERG_VENV}.partial-${process.pid}-${Date.now()}`;
  await mkdir(dirname(PYICEBERG_VENV), { recursive: true });
  try {
    await createVenv(scratch);
    const python = join(scratch, 'bin', 'python');
    try {
      await run(python, ['-m', 'pip', 'install', '--quiet', PYICEBERG_REQUIREMENT], {
        maxBuffer: 16 * 1024 * 1024,
        timeout: 900_000,
      });
    } catch (cause) {
      throw new Error(
        `pip could not install ${PYICEBERG_REQUIREMENT} (it needs Python 3.10 or newer): ${stderrOf(cause)}`,
        { cause },
      );
    }
    await run(python, ['-c', `open(${JSON.stringify(join(scratch, MARKER_NAME))}, "w").close()`]);
    // Another test process may have finished the same install first.
    if (existsSync(join(PYICEBERG_VENV, MARKER_NAME))) return PYTHON;
    // A venv left by an older, failed attempt has no marker; replace it.
    await rm(PYICEBERG_VENV, { recursive: true, force: true });
    await rename(scratch, PYICEBERG_VENV).catch((error) => {
      if (!existsSync(join(PYICEBERG_VENV, MARKER_NAME))) throw error;
    });
    return PYTHON;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function createVenv(dir: string): Promise<void> {
  try {
    await run('python3', ['-m', 'venv', dir]);
  } catch (cause) {
    throw new Error(
      `python3 -m venv could not create a virtual environment for PyIceberg: ${stderrOf(cause)}\n` +
        'Install the venv module (Debian/Ubuntu: apt-get install python3-venv) or put a Python ' +
        '3.10+ that has venv first on PATH as python3.',
      { cause },
    );
  }
}

function stderrOf(error: unknown): string {
  const { stderr, message } = error as { stderr?: string; message?: string };
  return (stderr?.trim() || message || String(error)).slice(-2000);
}

export interface PyIcebergScanArgs {
  uri: string;
  warehouse: string;
  namespace: string;
  table: string;
  s3_endpoint: string;
  s3_region: string;
  s3_access_key_id: string;
  s3_secret_access_key: string;
}

export interface PyIcebergScan {
  snapshot_count: number;
  last_sequence_number: number;
  current_snapshot_id: string | null;
  arrow_schema: Record<string, string>;
  field_ids: Record<string, number>;
  rows: Record<string, string | number | boolean | null>[];
}

/** Scans the table with PyIceberg through the same REST catalog and S3 endpoint. */
export async function scanWithPyIceberg(args: PyIcebergScanArgs): Promise<PyIcebergScan> {
  return JSON.parse(await runScript(SCRIPT, args)) as PyIcebergScan;
}

export type PyIcebergWrite =
  | { action: 'append'; rows: Record<string, string | number | null>[] }
  | { action: 'rewrite' }
  | { action: 'remove-property'; key: string };

/** Commits to the table with PyIceberg, as another engine would (see pyiceberg_write.py). */
export async function writeWithPyIceberg(
  args: PyIcebergScanArgs,
  write: PyIcebergWrite,
): Promise<{ current_snapshot_id: string | null; properties: Record<string, string> }> {
  return JSON.parse(await runScript(WRITE_SCRIPT, { ...args, ...write }));
}

async function runScript(script: string, input: object): Promise<string> {
  const python = await ensurePyIceberg();
  const child = execFile(python, [script], { maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
  const args = input;
  child.stdin?.end(JSON.stringify(args));
  const stdout = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`pyiceberg ${script} exited ${code}: ${err}`)),
    );
  });
  return stdout;
}
