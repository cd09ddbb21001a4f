import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { DeadLetterEntry } from '../../functions/classifier/dead-letter';
import { createIdempotentProducer } from '../../lib/kafka/client';
import { ensureTopic } from '../../lib/kafka/topics';
import { readTopicToEnd } from '../../local/replay/kafka-reader';
import { kafka, tableRows, uniqueNames } from './classifier-helpers';

/** Runs a command to its end; `timedOut` when it had to be killed. */
function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }>(
    (resolve) => {
      const child = spawn('npx', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, timedOut });
      });
    },
  );
}

describe('npm run esm with a Kafka dead-letter topic', () => {
  it('keeps the good alerts of a batch with a 900 KB bad record, dead-letters it, and exits once caught up with --until-idle', async () => {
    // Prepare: 80 good readings and one record near the broker's message limit, in one batch.
    const names = uniqueNames('esm_cli');
    const dlq = `${names.topic}_dead`;
    const k = kafka();
    await ensureTopic(k, names.topic, { partitions: 1 });
    await ensureTopic(k, dlq, { partitions: 1 });
    const producer = createIdempotentProducer(k);
    await producer.connect();
    const good = Array.from({ length: 80 }, (_, i) =>
      JSON.stringify({
        sensor_id: `sensor_${i}`,
        temperature: 91,
        timestamp: '2026-11-26T17:41:42Z',
      }),
    );
    await producer.send({
      topic: names.topic,
      acks: -1,
      messages: good.slice(0, 40).map((value) => ({ value })),
    });
    await producer.send({
      topic: names.topic,
      acks: -1,
      messages: [{ value: Buffer.alloc(900_000, 0x41) }],
    });
    await producer.send({
      topic: names.topic,
      acks: -1,
      messages: good.slice(40).map((value) => ({ value })),
    });
    await producer.disconnect();

    // Act
    const started = Date.now();
    const result = await run(
      ['tsx', 'local/esm/cli.ts', '--topic', names.topic, '--group', names.group, '--until-idle'],
      {
        ...process.env,
        ICEBERG_NAMESPACE: names.namespace,
        ICEBERG_TABLE: names.table,
        DEAD_LETTER_TARGET: `kafka://${dlq}`,
        POWERTOOLS_LOG_LEVEL: 'WARN',
      },
      150_000,
    );

    // Assess
    expect(result.timedOut, result.stderr.slice(-2000)).toBe(false);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[esm] caught up');
    expect(Date.now() - started).toBeLessThan(150_000);
    expect((await tableRows(names)).rows).toHaveLength(80);
    const letters = (await readTopicToEnd(k, dlq)).map(
      (m) => JSON.parse(m.message.value!.toString()) as DeadLetterEntry,
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      reason: 'oversized',
      offset: '40',
      valueBytes: 900_000,
      truncated: { value: true },
      original: `s3://warehouse/dead-letters/oversized/${dlq}/${names.topic}/0/40.json`,
    });
  }, 200_000);
});
