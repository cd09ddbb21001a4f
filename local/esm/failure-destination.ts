import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileIO } from '../../lib/iceberg';
import type { LambdaKafkaEvent } from '../../lib/kafka/event';
import { FailureDestinationError } from './errors';

/** What a batch that exhausted its retries leaves behind, like Lambda's on-failure record. */
export interface FailedBatchRecord {
  condition: 'RetriesExhausted';
  timestamp: string;
  approximateInvokeCount: number;
  error: string;
  KafkaBatchInfo: {
    batchSize: number;
    topic: string;
    partition: number;
    firstOffset: string;
    lastOffset: string;
  };
  payload: LambdaKafkaEvent;
}

export interface FailureDestination {
  send(record: FailedBatchRecord): Promise<void>;
}

/** Appends one JSON line per failed batch to a local file. */
export function jsonLinesFailureDestination(path: string): FailureDestination {
  return {
    async send(record) {
      try {
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, `${JSON.stringify(record)}\n`);
      } catch (cause) {
        throw new FailureDestinationError(`could not append to ${path}`, { cause });
      }
    },
  };
}

/** One object per failed batch under `s3://bucket/prefix/<topic>/<partition>/<first>-<last>.json`. */
export function objectStoreFailureDestination(io: FileIO, baseUri: string): FailureDestination {
  const base = baseUri.replace(/\/+$/, '');
  return {
    async send(record) {
      const b = record.KafkaBatchInfo;
      const path = `${base}/${b.topic}/${b.partition}/${b.firstOffset}-${b.lastOffset}.json`;
      try {
        await io.write(path, new TextEncoder().encode(JSON.stringify(record)));
      } catch (cause) {
        throw new FailureDestinationError(`could not write ${path}`, { cause });
      }
    },
  };
}
