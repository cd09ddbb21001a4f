import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServicesError } from '../errors';
import type { LambdaRuntimeTools } from './toolchain';

/**
 * A function bundle running as Lambda runs it: the Runtime Interface Emulator serves the Runtime
 * API on 127.0.0.1, the Node runtime interface client on Node 22 loads the bundle from its folder
 * and answers invocations through that API. Used by the runtime tests and the cold-start benchmark;
 * LocalStack's local-process executor (localstack/lambda-executor) starts the same processes.
 */
export interface EmulatedFunctionSpec {
  tools: LambdaRuntimeTools;
  /** Folder with the bundle (index.mjs) and anything shipped beside it. */
  codeDir: string;
  /** `index.handler`. */
  handler: string;
  /** The function's configuration environment. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  functionName: string;
  /** Per-function /tmp. */
  tmpDir: string;
}

export interface FunctionErrorDocument {
  errorType: string;
  errorMessage: string;
}

export interface InvocationOutcome {
  /** Parsed response document (the error document when `error` is set). */
  payload: unknown;
  /** Set when the function failed: the runtime reported an error, timed out or exited. */
  error?: FunctionErrorDocument;
  /** Round trip of the invoke request as the caller sees it. */
  durationMs: number;
  /** Runtime start and module initialisation, reported by the emulator on a cold start. */
  initMs?: number;
  /** The function's log lines of this invocation (START .. REPORT). */
  logs: string[];
}

export class EmulatorError extends ServicesError {}

const EMULATOR_LINE = /^\d{2} \w{3} \d{4} [\d:,]+ \[\w+\] \(rapid\) /;
const INIT_REPORT = /\(rapid\) INIT REPORT\(durationMs: ([\d.]+)\)/;
const START_LINE = /^START RequestId: (\S+)/;
const TIMED_OUT = /^Task timed out after [\d.]+ seconds$/;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new EmulatorError('no free port');
  return address.port;
}

export class EmulatedFunction {
  private readonly lines: string[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly port: number,
  ) {
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const wake of this.waiters.splice(0)) wake();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  static async start(spec: EmulatedFunctionSpec): Promise<EmulatedFunction> {
    const port = await freePort();
    const runtimeApiPort = await freePort();
    const child = spawn(
      spec.tools.rie,
      [
        '--runtime-interface-emulator-address',
        `127.0.0.1:${port}`,
        '--runtime-api-address',
        `127.0.0.1:${runtimeApiPort}`,
        spec.tools.node,
        spec.tools.ric,
        spec.handler,
      ],
      {
        cwd: spec.codeDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
        env: {
          ...spec.environment,
          PATH: [dirname(spec.tools.node), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
          HOME: spec.tmpDir,
          TMPDIR: spec.tmpDir,
          LANG: 'C.UTF-8',
          TZ: ':UTC',
          LAMBDA_TASK_ROOT: spec.codeDir,
          LAMBDA_RUNTIME_DIR: dirname(spec.tools.ric),
          AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
          AWS_LAMBDA_FUNCTION_TIMEOUT: String(spec.timeoutSeconds),
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
          _HANDLER: spec.handler,
        },
      },
    );
    const fn = new EmulatedFunction(child, port);
    await fn.waitForPort();
    return fn;
  }

  private async waitForPort(): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new EmulatorError(
          `aws-lambda-rie exited with ${this.child.exitCode}: ${this.lines.slice(-20).join('\n')}`,
        );
      }
      const listening = await fetch(`http://127.0.0.1:${this.port}/`, {
        signal: AbortSignal.timeout(500),
      }).then(
        async (response) => {
          await response.body?.cancel();
          return true;
        },
        () => false,
      );
      if (listening) return;
      await sleep(50);
    }
    throw new EmulatorError(`aws-lambda-rie did not listen on 127.0.0.1:${this.port}`);
  }

  /** Sends one invocation through the emulator and waits for its result and its REPORT line. */
  async invoke(event: unknown): Promise<InvocationOutcome> {
    const first = this.lines.length;
    const began = performance.now();
    const response = await fetch(
      `http://127.0.0.1:${this.port}/2015-03-31/functions/function/invocations`,
      { method: 'POST', body: JSON.stringify(event) },
    );
    const text = await response.text();
    const durationMs = performance.now() - began;
    const all = await this.linesUntilReport(first);
    const logs = all.filter((line) => !EMULATOR_LINE.test(line));
    const initLine = all.map((line) => INIT_REPORT.exec(line)).find(Boolean);
    const initMs = initLine ? Number(initLine[1]) : undefined;
    const base = { durationMs, logs, ...(initMs === undefined ? {} : { initMs }) };
    if (response.status !== 200) {
      const error = { errorType: 'Runtime.ExitError', errorMessage: `HTTP ${response.status}` };
      return { ...base, payload: error, error };
    }
    if (TIMED_OUT.test(text.trim())) {
      const error = { errorType: 'Sandbox.Timedout', errorMessage: text.trim() };
      return { ...base, payload: error, error };
    }
    const payload: unknown = text === '' ? null : JSON.parse(text);
    if (reportedError(logs)) return { ...base, payload, error: payload as FunctionErrorDocument };
    return { ...base, payload };
  }

  private async linesUntilReport(first: number): Promise<string[]> {
    const deadline = Date.now() + 2_000;
    while (!this.lines.slice(first).some((line) => line.startsWith('REPORT RequestId:'))) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await Promise.race([
        new Promise<void>((wake) => this.waiters.push(wake)),
        sleep(Math.min(remaining, 100)),
      ]);
    }
    return this.lines.slice(first);
  }

  /** Peak resident set of the runtime (the Node process), in bytes; undefined without /proc. */
  async peakRssBytes(): Promise<number | undefined> {
    const pid = this.child.pid;
    if (pid === undefined) return undefined;
    const children = await childPids(pid);
    let peak: number | undefined;
    for (const child of children) {
      const status = await readFile(`/proc/${child}/status`, 'utf8').catch(() => '');
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
      if (match) peak = Math.max(peak ?? 0, Number(match[1]) * 1024);
    }
    return peak;
  }

  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const killed = await Promise.race([exited.then(() => true), sleep(3_000).then(() => false)]);
    if (!killed) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    }
  }
}

/**
 * The runtime client logs `<time>\t<request id>\tERROR\tInvoke Error ` exactly when it posts an
 * error to the Runtime API; the emulator itself answers a function error with HTTP 200 and the
 * error document, so that line tells an error document from a result that looks like one.
 */
export function reportedError(logs: readonly string[]): boolean {
  const requestId = logs.map((line) => START_LINE.exec(line)?.[1]).find(Boolean);
  if (!requestId) return false;
  const marker = `\t${requestId}\tERROR\tInvoke Error `;
  return logs.some((line) => line.includes(marker));
}

async function childPids(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const direct: number[] = [];
  for (const task of tasks) {
    const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    direct.push(...text.split(/\s+/).filter(Boolean).map(Number));
  }
  const nested = await Promise.all(direct.map(childPids));
  return [...direct, ...nested.flat()];
}
