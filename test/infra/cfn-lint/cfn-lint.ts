import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const REQUIREMENTS = join(dirname(fileURLToPath(import.meta.url)), 'requirements.txt');

/** The venv is named by the requirements' content, so a changed pin gets a fresh one. */
function venvDir(): string {
  const digest = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex').slice(0, 12);
  return join(homedir(), '.cache', 'sensor-alerts', `cfn-lint-${digest}`);
}

const MARKER = '.installed';

function stderrOf(error: unknown): string {
  const { stderr, message } = error as { stderr?: string; message?: string };
  return (stderr?.trim() || message || String(error)).slice(-2000);
}

/**
 * Installs the pinned cfn-lint (every file checked against its hash) into a cached venv on
 * first use and returns its executable. Built in a scratch directory and moved into place only
 * once pip succeeded, so an interrupted install is never trusted by a later run.
 */
export async function ensureCfnLint(): Promise<string> {
  const venv = venvDir();
  // The venv's python, not its bin/cfn-lint script: scripts name the interpreter by the path the
  // venv was built at (the scratch directory), the interpreter works from where the venv is.
  const executable = join(venv, 'bin', 'python');
  if (existsSync(join(venv, MARKER))) return executable;
  const scratch = `${venv}.partial-${process.pid}-${Date.now()}`;
  await mkdir(dirname(venv), { recursive: true });
  try {
    try {
      await run('python3', ['-m', 'venv', scratch]);
    } catch (cause) {
      throw new Error(
        `python3 -m venv could not create a virtual environment for cfn-lint (Python 3.10+ with venv is needed): ${stderrOf(cause)}`,
        { cause },
      );
    }
    try {
      await run(
        join(scratch, 'bin', 'python'),
        ['-m', 'pip', 'install', '--quiet', '--require-hashes', '--no-deps', '-r', REQUIREMENTS],
        { maxBuffer: 16 * 1024 * 1024, timeout: 600_000 },
      );
    } catch (cause) {
      throw new Error(`pip could not install cfn-lint from ${REQUIREMENTS}: ${stderrOf(cause)}`, {
        cause,
      });
    }
    await run(join(scratch, 'bin', 'python'), [
      '-c',
      `open(${JSON.stringify(join(scratch, MARKER))}, "w").close()`,
    ]);
    if (existsSync(join(venv, MARKER))) return executable;
    await rm(venv, { recursive: true, force: true });
    await rename(scratch, venv).catch((error) => {
      if (!existsSync(join(venv, MARKER))) throw error;
    });
    return executable;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

// cfn-lint's console script entry point (cfnlint.runner:main), run by the venv's interpreter.
const ENTRY =
  "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())";

export interface CfnLintMatch {
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Filename: string;
  Rule: { Id: string };
  Location: { Path?: (string | number)[] };
}

/** Runs cfn-lint once over all templates; returns every match it reports. */
export async function cfnLint(templates: readonly string[]): Promise<CfnLintMatch[]> {
  const executable = await ensureCfnLint();
  try {
    const args = ['-c', ENTRY, '--format', 'json', '--', ...templates];
    const { stdout } = await run(executable, args, {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
    });
    return JSON.parse(stdout || '[]') as CfnLintMatch[];
  } catch (error) {
    // cfn-lint exits non-zero when it reports anything (2 errors, 4 warnings, 8 informational).
    const { stdout, code } = error as { stdout?: string; code?: number };
    if (typeof code === 'number' && code > 0 && code < 16 && stdout !== undefined) {
      return JSON.parse(stdout || '[]') as CfnLintMatch[];
    }
    throw new Error(`cfn-lint failed to run: ${stderrOf(error)}`, { cause: error });
  }
}
