import { randomUUID } from 'node:crypto';
import {
  type BuildEventOptions,
  buildKafkaEvent,
  eventSourceKey,
  type KafkaRecord,
  type LambdaKafkaEvent,
} from '../../lib/kafka/event';

/** Per topic-partition of a failed batch, as Lambda's `KafkaBatchInfo.recordsInfo` lists it. */
export interface RecordsInfo {
  firstRecordOffset: string;
  lastRecordOffset: string;
  firstRecordTimestamp: string;
  lastRecordTimestamp: string;
}

interface FailureContext {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetryAttemptsExhausted';
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError: string };
  version: '1.0';
  timestamp: string;
  /** The function's last error message (Lambda's records leave it out; the local runner keeps it). */
  errorMessage: string;
}

/**
 * What a batch diverted after its retries leaves in a file or object store: the record Lambda
 * writes to an S3 on-failure destination for a Kafka mapping, the whole event in `payload` as a
 * JSON string.
 */
export interface FailedBatchRecord extends FailureContext {
  KafkaBatchInfo: {
    batchSize: number;
    eventSourceArn?: string;
    bootstrapServers: string;
    payloadSize: number;
    recordsInfo: Record<string, RecordsInfo>;
  };
  payload: string;
}

/** What a Kafka on-failure destination receives: one message per failed record, its own event. */
export interface FailedRecordMessage extends FailureContext {
  KafkaBatchInfo: {
    batchSize: 1;
    eventSourceArn?: string;
    bootstrapServers: string;
    payloadSize: number;
    recordInfo: { offset: string; timestamp: string };
  };
  payload: LambdaKafkaEvent;
}

export interface FailureDetails {
  functionName: string;
  attempts: number;
  error: string;
  now?: Date;
  requestId?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

function context(details: FailureDetails): FailureContext {
  return {
    requestContext: {
      requestId: details.requestId ?? randomUUID(),
      functionArn: `arn:aws:lambda:local:000000000000:function:${details.functionName}`,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: details.attempts,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: (details.now ?? new Date()).toISOString(),
    errorMessage: details.error,
  };
}

/** The on-failure record of a batch whose event was `event` (records of one or more partitions). */
export function failedBatchRecord(
  event: LambdaKafkaEvent,
  records: readonly KafkaRecord[],
  details: FailureDetails,
): FailedBatchRecord {
  const recordsInfo: Record<string, RecordsInfo> = {};
  for (const r of records) {
    const key = eventSourceKey(r.topic, r.partition);
    const info = recordsInfo[key];
    if (!info) {
      recordsInfo[key] = {
        firstRecordOffset: r.offset.toString(),
        lastRecordOffset: r.offset.toString(),
        firstRecordTimestamp: iso(r.timestamp),
        lastRecordTimestamp: iso(r.timestamp),
      };
    } else {
      info.lastRecordOffset = r.offset.toString();
      info.lastRecordTimestamp = iso(r.timestamp);
    }
  }
  const payload = JSON.stringify(event);
  return {
    ...context(details),
    KafkaBatchInfo: {
      batchSize: records.length,
      ...('eventSourceArn' in event ? { eventSourceArn: event.eventSourceArn } : {}),
      bootstrapServers: event.bootstrapServers,
      payloadSize: Buffer.byteLength(payload),
      recordsInfo,
    },
    payload,
  };
}

/** The messages a Kafka on-failure destination gets for a failed batch, one per record. */
export function failedRecordMessages(
  records: readonly KafkaRecord[],
  shape: BuildEventOptions,
  details: FailureDetails,
): { key: Uint8Array | null; message: FailedRecordMessage }[] {
  const shared = context({ ...details, requestId: details.requestId ?? randomUUID() });
  return records.map((r) => {
    const payload = buildKafkaEvent([r], shape);
    return {
      key: r.key,
      message: {
        ...shared,
        KafkaBatchInfo: {
          batchSize: 1,
          ...('eventSourceArn' in payload ? { eventSourceArn: payload.eventSourceArn } : {}),
          bootstrapServers: payload.bootstrapServers,
          payloadSize: Buffer.byteLength(JSON.stringify(payload)),
          recordInfo: { offset: r.offset.toString(), timestamp: iso(r.timestamp) },
        },
        payload,
      },
    };
  });
}
