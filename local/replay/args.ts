import { parseArgs } from 'node:util';
import { ReplayUsageError } from './errors';

export interface ReplayArgs {
  destination: string;
  group: string;
  brokers: string | undefined;
  invoke: 'in-process' | 'lambda';
  functionName: string | undefined;
  committerFunctionName: string | undefined;
  endpoint: string | undefined;
  region: string | undefined;
}

export const REPLAY_USAGE = `Usage: npm run replay -- <on-failure destination> [options]
Puts the batches an event source mapping diverted back through the classifier, once each, in
offset order, then runs the group commit so they land; safe to run again. The destination is one of:
  path.jsonl           the local runner's file (npm run esm -- --on-failure path.jsonl)
  folder/              on-failure records downloaded from S3 (aws s3 sync)
  s3://bucket/prefix   Lambda's S3 on-failure destination, or the local runner's
  kafka://topic        Lambda's Kafka on-failure destination, or the local runner's
Records the destination does not hold (SQS/SNS-style metadata) are read back from Kafka by their
offsets. It reports what it replayed and what could no longer be had, and exits 1 when
something could not be replayed.
  --group G            the consumer group the mapping used (default sensor-classifier)
  --brokers B          bootstrap servers (default KAFKA_BROKERS or 127.0.0.1:9092)
  --invoke M           in-process or lambda (default in-process)
  --function-name F    function to invoke with --invoke lambda
  --committer-function-name F
                       with --invoke lambda, the committer function to invoke once the batches
                       are staged, so they land at once (otherwise its schedule lands them)
  --endpoint URL       Lambda endpoint with --invoke lambda, e.g. http://localhost:4566
  --region R           Lambda region with --invoke lambda`;

export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new ReplayUsageError(`${(error as Error).message}\n${REPLAY_USAGE}`, { cause: error });
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] === '') {
    throw new ReplayUsageError(`name one on-failure destination\n${REPLAY_USAGE}`);
  }
  const invoke = values.invoke;
  if (invoke !== 'in-process' && invoke !== 'lambda') {
    throw new ReplayUsageError(`--invoke must be in-process or lambda, got "${invoke}"`);
  }
  if (invoke === 'lambda' && !values['function-name']) {
    throw new ReplayUsageError('--invoke lambda needs --function-name');
  }
  return {
    destination: positionals[0]!,
    group: values.group,
    brokers: values.brokers,
    invoke,
    functionName: values['function-name'],
    committerFunctionName: values['committer-function-name'],
    endpoint: values.endpoint,
    region: values.region,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      group: { type: 'string', default: 'sensor-classifier' },
      brokers: { type: 'string' },
      invoke: { type: 'string', default: 'in-process' },
      'function-name': { type: 'string' },
      'committer-function-name': { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
    },
  });
}
