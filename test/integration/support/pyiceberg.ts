import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Pinned so verification does not drift with new releases. */
export const PYICEBERG_REQUIREMENT = 'pyiceberg[pyarrow]==0.10.0';

export const PYICEBERG_VENV = join(homedir(), '.cache', 'sensor-alerts', 'pyiceberg-venv');
const PYTHON = join(PYICEBERG_VENV, 'bin', 'python');
const MARKER = join(PYICEBERG_VENV, '.installed-0.10.0');
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pyiceberg_scan.py');

/** Creates the venv and installs PyIceberg with pip on first use; later calls are instant. */
export async function ensurePyIceberg(): Promise<string> {
  if (existsSync(MARKER)) return PYTHON;
  if (!existsSync(PYTHON)) await run('python3', ['-m', 'venv', PYICEBERG_VENV]);
  await run(PYTHON, ['-m', 'pip', 'install', '--quiet', PYICEBERG_REQUIREMENT], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 900_000,
  });
  await run(PYTHON, ['-c', `open(${JSON.stringify(MARKER)}, "w").close()`]);
  return PYTHON;
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
  const python = await ensurePyIceberg();
  const child = execFile(python, [SCRIPT], { maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
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
      code === 0 ? resolve(out) : reject(new Error(`pyiceberg scan exited ${code}: ${err}`)),
    );
  });
  return JSON.parse(stdout) as PyIcebergScan;
}
