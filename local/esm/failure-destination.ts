import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Producer } from 'kafkajs';
import type { FileIO } from '../../lib/iceberg';
import type { BuildEventOptions, KafkaRecord, LambdaKafkaEvent } from '../../lib/kafka/event';
import { FailureDestinationError } from './errors';
import {
  type FailedBatchRecord,
  type FailureDetails,
  failedBatchRecord,
  failedRecordMessages,
} from './failure-record';

/** A batch that used up its retries, handed to the on-failure destination. */
export interface DivertedBatch {
  event: LambdaKafkaEvent;
  records: readonly KafkaRecord[];
  shape: BuildEventOptions;
  details: FailureDetails;
}

export interface FailureDestination {
  /** Where the batches go, for the logs (and for `npm run replay -- <this>`). */
  readonly uri: string;
  /** Resolves once the batch is durably kept; rejects otherwise. */
  send(batch: DivertedBatch): Promise<void>;
}

const recordOf = (b: DivertedBatch): FailedBatchRecord =>
  failedBatchRecord(b.event, b.records, b.details);

/** Appends one JSON line (Lambda's S3 on-failure record) per diverted batch to a local file. */
export function jsonLinesFailureDestination(path: string): FailureDestination {
  return {
    uri: path,
    async send(batch) {
      try {
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, `${JSON.stringify(recordOf(batch))}\n`);
      } catch (cause) {
        throw new FailureDestinationError(`could not append to ${path}`, { cause });
      }
    },
  };
}

/**
 * One object per diverted batch at `s3://bucket/prefix/<topic>/<partition>/<first>-<last>.json`,
 * with what Lambda writes to an S3 on-failure destination. A batch diverted again (after a
 * restart redelivered it) replaces its object.
 */
export function objectStoreFailureDestination(io: FileIO, baseUri: string): FailureDestination {
  const base = baseUri.replace(/\/+$/, '');
  return {
    uri: base,
    async send(batch) {
      const first = batch.records[0]!;
      const last = batch.records[batch.records.length - 1]!;
      const path = `${base}/${first.topic}/${first.partition}/${first.offset}-${last.offset}.json`;
      try {
        await io.write(path, new TextEncoder().encode(JSON.stringify(recordOf(batch))));
      } catch (cause) {
        throw new FailureDestinationError(`could not write ${path}`, { cause });
      }
    },
  };
}

/**
 * A Kafka topic, as Lambda's `kafka://topic` destination: one message per failed record, keyed
 * like the original, holding the failure metadata and that record's event.
 */
export function kafkaFailureDestination(producer: Producer, topic: string): FailureDestination {
  return {
    uri: `kafka://${topic}`,
    async send(batch) {
      const messages = failedRecordMessages(batch.records, batch.shape, batch.details).map(
        ({ key, message }) => ({
          key: key === null ? null : Buffer.from(key),
          value: JSON.stringify(message),
        }),
      );
      try {
        await producer.send({ topic, acks: -1, messages });
      } catch (cause) {
        throw new FailureDestinationError(`could not send the failed records to ${topic}`, {
          cause,
        });
      }
    },
  };
}
