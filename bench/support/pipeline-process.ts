import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunNames } from '../../local/demo/local-pipeline';

export interface PipelineProcessOptions {
  /** Partitions of the topic. */
  partitions: number;
  /** Partitions this process handles at once (default all of them). */
  concurrency?: number;
  /** Whether this process runs the committer's rounds (default true; one process of a group). */
  committer?: boolean;
  /** Tells the log files of several processes of one run apart. */
  index?: number;
  batchSize: number;
  windowMs: number;
  /** Extra environment of the classifier and committer (ALERTS_TOPIC, COMMIT_*). */
  env?: Record<string, string>;
}

/**
 * The pipeline of one run as its own process: `npm run esm` (the event source mapping runner,
 * the classifier in process and the committer every interval) for the run's topic, group and
 * table, as it would run apart from the producers and consumers a benchmark measures with.
 * Several of them in one group share the partitions, as Lambda gives each partition an environment
 * of its own; one of them runs the committer. Its output goes to a log file; a failure to start or
 * an early exit is an error with that file's name.
 */
export class PipelineProcess {
  readonly logFile: string;
  private readonly child: ChildProcess;
  private exited = false;

  constructor(names: RunNames, options: PipelineProcessOptions) {
    this.logFile = join(tmpdir(), `sensor-alerts-${names.table}-esm${options.index ?? ''}.log`);
    const log = createWriteStream(this.logFile);
    const args = [
      'local/esm/cli.ts',
      '--topic',
      names.topic,
      '--group',
      names.groupId,
      '--batch-size',
      String(options.batchSize),
      '--window-ms',
      String(options.windowMs),
      '--concurrency',
      String(options.concurrency ?? options.partitions),
      '--partitions',
      String(options.partitions),
      ...(options.committer === false ? ['--no-committer'] : []),
    ];
    const root = fileURLToPath(new URL('../../', import.meta.url));
    this.child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: root,
      env: {
        ...process.env,
        ICEBERG_NAMESPACE: names.namespace,
        ICEBERG_TABLE: names.table,
        POWERTOOLS_LOG_LEVEL: 'WARN',
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_TRACE_ENABLED: 'false',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    this.child.once('exit', () => {
      this.exited = true;
    });
  }

  /** Throws when the process has exited (it never should before `stop`). */
  assertRunning(): void {
    if (this.exited) {
      throw new Error(`the pipeline process exited early; its output is in ${this.logFile}`);
    }
  }

  /** Stops it as Ctrl-C would (the batch in flight finishes), then for good after 20 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}
