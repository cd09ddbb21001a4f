import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What `up` records so that `down` stops exactly the process it started. */
export interface PidRecord {
  pid: number;
  /** A `-D` argument unique to this service and state dir, looked for in the command line. */
  marker: string;
  startedAt: string;
}

export function markerFor(service: string, state: string): string {
  return `-Dsensor-alerts.service=${service}@${state}`;
}

export async function readPidRecord(file: string): Promise<PidRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

export async function removePidRecord(file: string): Promise<void> {
  await rm(file, { force: true });
}

function commandLine(pid: number): Promise<string[] | undefined> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8').then(
    (text) => text.split('\0'),
    () => undefined,
  );
}

/** True while a process with this pid exists (signal 0 only checks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True only while the recorded pid is alive and still runs the command we started. */
export async function isOurs(record: PidRecord | undefined): Promise<boolean> {
  if (!record || !alive(record.pid)) return false;
  const cmd = await commandLine(record.pid);
  // Without /proc (macOS) the pid and the record are all there is to go on.
  return cmd === undefined ? true : cmd.includes(record.marker);
}

/** True when the process's command line carries `arg` (or, without /proc, cannot be told). */
export async function runsWith(pid: number, arg: string): Promise<boolean> {
  const cmd = await commandLine(pid);
  return cmd === undefined ? true : cmd.includes(arg);
}

export interface StartSpec {
  executable: string;
  args: string[];
  cwd: string;
  logFile: string;
  pidFile: string;
  marker: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts a detached process whose output goes to its log file, and records its pid. */
export async function startDetached(spec: StartSpec): Promise<PidRecord> {
  await mkdir(dirname(spec.logFile), { recursive: true });
  await mkdir(dirname(spec.pidFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.executable, spec.args, {
      cwd: spec.cwd,
      detached: true,
      stdio: ['ignore', log, log],
      env: spec.env ?? process.env,
    });
    const pid = await new Promise<number>((resolvePid, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolvePid(child.pid as number));
    });
    child.unref();
    const record: PidRecord = { pid, marker: spec.marker, startedAt: new Date().toISOString() };
    await writeFile(spec.pidFile, `${JSON.stringify(record)}\n`);
    return record;
  } finally {
    closeSync(log);
  }
}

export function isAlive(record: PidRecord): boolean {
  return alive(record.pid);
}

/** SIGTERM, then SIGKILL after the grace period; only ever for a verified pid of ours. */
export async function stopProcess(record: PidRecord, graceMs = 20_000): Promise<void> {
  if (!(await isOurs(record))) return;
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive(record.pid)) return;
    await sleep(200);
  }
  if (await isOurs(record)) process.kill(record.pid, 'SIGKILL');
}

/**
 * Pids whose command line carries the marker: finds processes of ours whose pid file was lost
 * (a crashed `up`, a deleted file), so that `down` leaves no orphan holding a port.
 */
export async function findByMarker(marker: string): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const pids = entries.filter((entry) => /^\d+$/.test(entry)).map(Number);
  const matches = await Promise.all(
    pids.map(async (pid) => ((await commandLine(pid))?.includes(marker) ? pid : 0)),
  );
  return matches.filter((pid) => pid !== 0 && pid !== process.pid);
}

/** Every live process of this service and state dir: the recorded one and any orphans. */
export async function ourProcesses(pidFile: string, marker: string): Promise<PidRecord[]> {
  const recorded = await readPidRecord(pidFile);
  const found = new Map<number, PidRecord>();
  if (recorded && recorded.marker === marker && (await isOurs(recorded))) {
    found.set(recorded.pid, recorded);
  }
  for (const pid of await findByMarker(marker)) {
    if (!found.has(pid)) found.set(pid, { pid, marker, startedAt: 'unknown' });
  }
  return [...found.values()];
}

export async function writePidRecord(file: string, record: PidRecord): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(record)}\n`);
}
