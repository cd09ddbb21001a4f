import { spawn, spawnSync } from 'node:child_process';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BuildError, ToolMissingError } from './errors';

/** True when `command` can be started (it answers `args`, e.g. `--version`). */
export function hasCommand(command: string, args: string[] = ['--version']): boolean {
  const probe = spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 });
  return probe.error === undefined && probe.status === 0;
}

/** Fails with one line naming the fix when any of the commands is missing. */
export function requireCommands(
  needs: { command: string; args?: string[]; fix: string }[],
  purpose: string,
): void {
  const missing = needs.filter((need) => !hasCommand(need.command, need.args));
  if (missing.length === 0) return;
  throw new ToolMissingError(
    `${purpose} needs ${missing.map((need) => `\`${need.command}\``).join(', ')}, not found: ` +
      `${missing.map((need) => need.fix).join('; ')}.`,
  );
}

export interface RunSpec {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Output is appended here; error messages point at it. */
  logFile: string;
  /** What is being done, for the error message: `building aws-lambda-ric`. */
  what: string;
}

/** Runs a build step to completion; its output goes to the log file, a failure names it. */
export async function runLogged(spec: RunSpec): Promise<void> {
  await mkdir(dirname(spec.logFile), { recursive: true });
  await appendFile(spec.logFile, `\n$ ${spec.command} ${spec.args.join(' ')}\n`);
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((resolveCode, reject) => {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('close', resolveCode);
  }).catch((cause: unknown) => {
    throw new BuildError(`${spec.what} failed: cannot run ${spec.command}`, { cause });
  });
  await appendFile(spec.logFile, Buffer.concat(output));
  if (code !== 0) {
    throw new BuildError(
      `${spec.what} failed (exit ${code}); see the end of ${spec.logFile}: tail -n 50 ${spec.logFile}`,
    );
  }
}
