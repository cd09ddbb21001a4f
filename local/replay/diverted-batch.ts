import { z } from 'zod';
import {
  type BuildEventOptions,
  buildKafkaEvent,
  decodeKafkaEvent,
  type KafkaRecord,
  type LambdaKafkaEvent,
} from '../../lib/kafka/event';

/** The offsets of one topic-partition a diverted batch held, both ends included. */
export interface OffsetRange {
  topic: string;
  partition: number;
  first: bigint;
  last: bigint;
}

/** A batch an event source mapping gave up on, as read back from its on-failure destination. */
export interface DivertedBatch {
  /** `<where>#<topic>-<partition>@<first>-<last>`: the destination, and the batch in it. */
  source: string;
  ranges: OffsetRange[];
  /** Records Lambda said the batch held (KafkaBatchInfo.batchSize). */
  batchSize: number;
  /** The records themselves when the destination kept them (S3, Kafka, the local runner). */
  records?: KafkaRecord[];
  /** How to shape the event: from the payload, or from the metadata (ARN: MSK). */
  shape: BuildEventOptions;
}

export const rangeLabel = (r: OffsetRange) => `${r.topic}-${r.partition}@${r.first}-${r.last}`;

const offset = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]);

const recordsInfoSchema = z.record(
  z.string(),
  z.object({ firstRecordOffset: offset, lastRecordOffset: offset }).loose(),
);

/** Lambda's record for an S3, SQS or SNS destination (and the local runner's file records). */
const batchRecordSchema = z.object({
  KafkaBatchInfo: z
    .object({
      batchSize: z.number().int().positive(),
      eventSourceArn: z.string().optional(),
      bootstrapServers: z.string().optional(),
      recordsInfo: recordsInfoSchema,
    })
    .loose(),
  payload: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
});

/** What Lambda sends a Kafka destination: one failed record with its own one-record event. */
const recordMessageSchema = z.object({
  requestContext: z.object({ requestId: z.string() }).loose().optional(),
  KafkaBatchInfo: z
    .object({
      batchSize: z.literal(1),
      eventSourceArn: z.string().optional(),
      bootstrapServers: z.string().optional(),
      recordInfo: z.object({ offset }).loose(),
    })
    .loose(),
  payload: z.union([z.string(), z.record(z.string(), z.unknown())]),
});

/** What earlier versions of the local runner wrote: one partition, the event as an object. */
const legacyRecordSchema = z.object({
  condition: z.string(),
  KafkaBatchInfo: z.object({
    batchSize: z.number().int().positive(),
    topic: z.string(),
    partition: z.number().int().nonnegative(),
    firstOffset: offset,
    lastOffset: offset,
  }),
  payload: z.record(z.string(), z.unknown()),
});

/** `Topic-0` -> topic `Topic`, partition 0 (topics may contain hyphens; the last one splits). */
export function parsePartitionKey(key: string): { topic: string; partition: number } | undefined {
  const at = key.lastIndexOf('-');
  const partition = Number(key.slice(at + 1));
  if (at <= 0 || !Number.isInteger(partition) || partition < 0) return undefined;
  return { topic: key.slice(0, at), partition };
}

function shapeOf(event: { eventSourceArn?: string; bootstrapServers?: string }): BuildEventOptions {
  const bootstrapServers = event.bootstrapServers ?? '';
  return event.eventSourceArn
    ? { eventSource: 'aws:kafka', bootstrapServers, eventSourceArn: event.eventSourceArn }
    : { eventSource: 'SelfManagedKafka', bootstrapServers };
}

function payloadEvent(payload: unknown): LambdaKafkaEvent | undefined {
  if (payload === null || payload === undefined || payload === '') return undefined;
  return (typeof payload === 'string' ? JSON.parse(payload) : payload) as LambdaKafkaEvent;
}

export type ParsedFailure =
  | { kind: 'batch'; batch: Omit<DivertedBatch, 'source'> }
  | {
      kind: 'record';
      requestId: string | undefined;
      record: KafkaRecord;
      shape: BuildEventOptions;
    };

/**
 * Reads one on-failure document. Throws (zod or JSON errors) when it is none of the shapes
 * Lambda or the local runner write; the caller reports it as unreadable.
 */
export function parseFailure(document: unknown): ParsedFailure {
  const asMessage = recordMessageSchema.safeParse(document);
  if (asMessage.success && !('recordsInfo' in asMessage.data.KafkaBatchInfo)) {
    const event = payloadEvent(asMessage.data.payload)!;
    const [record] = decodeKafkaEvent(event);
    if (!record) throw new Error('a Kafka destination message whose payload holds no record');
    return {
      kind: 'record',
      requestId: asMessage.data.requestContext?.requestId,
      record,
      shape: shapeOf({ ...asMessage.data.KafkaBatchInfo, ...event }),
    };
  }
  const legacy = legacyRecordSchema.safeParse(document);
  if (legacy.success) {
    const info = legacy.data.KafkaBatchInfo;
    const event = payloadEvent(legacy.data.payload)!;
    return {
      kind: 'batch',
      batch: {
        ranges: [
          {
            topic: info.topic,
            partition: info.partition,
            first: BigInt(info.firstOffset),
            last: BigInt(info.lastOffset),
          },
        ],
        batchSize: info.batchSize,
        records: decodeKafkaEvent(event),
        shape: shapeOf(event),
      },
    };
  }
  const parsed = batchRecordSchema.parse(document);
  const info = parsed.KafkaBatchInfo;
  const ranges: OffsetRange[] = [];
  for (const [key, range] of Object.entries(info.recordsInfo)) {
    const tp = parsePartitionKey(key);
    if (!tp) throw new Error(`recordsInfo key ${JSON.stringify(key)} is not <topic>-<partition>`);
    ranges.push({
      ...tp,
      first: BigInt(range.firstRecordOffset),
      last: BigInt(range.lastRecordOffset),
    });
  }
  const event = payloadEvent(parsed.payload);
  return {
    kind: 'batch',
    batch: {
      ranges,
      batchSize: info.batchSize,
      ...(event ? { records: decodeKafkaEvent(event) } : {}),
      shape: shapeOf(event ?? info),
    },
  };
}

/** The event to invoke the function with for a batch whose records are known. */
export function batchEvent(
  batch: DivertedBatch,
  records: readonly KafkaRecord[],
): LambdaKafkaEvent {
  return buildKafkaEvent(records, batch.shape);
}
