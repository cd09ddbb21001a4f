import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Kafka } from 'kafkajs';
import type { BuildEventOptions, KafkaRecord } from '../../lib/kafka/event';
import { toKafkaRecord } from '../esm/records';
import { type DivertedBatch, parseFailure, rangeLabel } from './diverted-batch';
import { ReplaySourceError } from './errors';
import { readTopicToEnd } from './kafka-reader';

/** Something in the destination that could not be turned into a batch to replay. */
export interface Unreadable {
  where: string;
  reason: string;
}

export interface ReadDestination {
  batches: DivertedBatch[];
  unreadable: Unreadable[];
}

export interface SourceDeps {
  s3: () => S3Client;
  kafka: () => Kafka;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function withSource(where: string, document: unknown, out: ReadDestination, recordsOut: Grouped) {
  const parsed = parseFailure(document);
  if (parsed.kind === 'record') {
    recordsOut.add(where, parsed.requestId, parsed.record, parsed.shape);
    return;
  }
  const id = parsed.batch.ranges.map(rangeLabel).join(',');
  out.batches.push({ ...parsed.batch, source: `${where}#${id}` });
}

/**
 * Records of a Kafka destination come one per message; those of one failed invocation (same
 * request id) and partition are put back together as one batch.
 */
class Grouped {
  private readonly groups = new Map<
    string,
    { where: string; records: Map<bigint, KafkaRecord>; shape: BuildEventOptions }
  >();

  add(where: string, requestId: string | undefined, record: KafkaRecord, shape: BuildEventOptions) {
    const key = `${requestId ?? `offset ${record.offset}`}|${record.topic}|${record.partition}`;
    const group = this.groups.get(key) ?? { where, records: new Map(), shape };
    group.records.set(record.offset, record);
    this.groups.set(key, group);
  }

  batches(): DivertedBatch[] {
    return [...this.groups.values()].map(({ where, records, shape }) => {
      const sorted = [...records.values()].sort((a, b) => (a.offset < b.offset ? -1 : 1));
      const first = sorted[0]!;
      const range = {
        topic: first.topic,
        partition: first.partition,
        first: first.offset,
        last: sorted[sorted.length - 1]!.offset,
      };
      return {
        source: `${where}#${rangeLabel(range)}`,
        ranges: [range],
        batchSize: sorted.length,
        records: sorted,
        shape,
      };
    });
  }
}

function parseInto(where: string, text: string, out: ReadDestination, grouped: Grouped) {
  try {
    withSource(where, JSON.parse(text), out, grouped);
  } catch (error) {
    out.unreadable.push({ where, reason: `not an on-failure record: ${messageOf(error)}` });
  }
}

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A JSON-lines file (the local runner's), or a folder of on-failure records (an S3 download). */
async function readLocal(path: string): Promise<ReadDestination> {
  const out: ReadDestination = { batches: [], unreadable: [] };
  const grouped = new Grouped();
  let files: string[];
  try {
    files = await filesUnder(path);
  } catch (cause) {
    throw new ReplaySourceError(`cannot read ${path}: ${messageOf(cause)}`, { cause });
  }
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const lines = file.endsWith('.jsonl') ? text.split('\n') : [text];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      parseInto(file.endsWith('.jsonl') ? `${file}:${i + 1}` : file, line, out, grouped);
    });
  }
  out.batches.push(...grouped.batches());
  return out;
}

function splitS3(uri: string): { bucket: string; prefix: string } {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return slash < 0
    ? { bucket: rest, prefix: '' }
    : { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1) };
}

/** Every object under an `s3://bucket/prefix` (Lambda's own keys or the local runner's). */
async function readS3(uri: string, client: S3Client): Promise<ReadDestination> {
  const out: ReadDestination = { batches: [], unreadable: [] };
  const grouped = new Grouped();
  const { bucket, prefix } = splitS3(uri);
  const keys: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (cause) {
    throw new ReplaySourceError(`cannot list ${uri}: ${messageOf(cause)}`, { cause });
  }
  if (keys.length === 0 && prefix.endsWith('.json')) keys.push(prefix);
  for (const key of keys.sort()) {
    const where = `s3://${bucket}/${key}`;
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      parseInto(where, await object.Body!.transformToString(), out, grouped);
    } catch (error) {
      const reason =
        error instanceof NoSuchKey ? 'the object is missing' : `unreadable: ${messageOf(error)}`;
      out.unreadable.push({ where, reason });
    }
  }
  out.batches.push(...grouped.batches());
  return out;
}

/** A Kafka destination topic, from its first retained message to its current end. */
async function readKafka(uri: string, kafka: Kafka): Promise<ReadDestination> {
  const topic = uri.slice('kafka://'.length);
  const out: ReadDestination = { batches: [], unreadable: [] };
  const grouped = new Grouped();
  let messages: Awaited<ReturnType<typeof readTopicToEnd>>;
  try {
    messages = await readTopicToEnd(kafka, topic);
  } catch (cause) {
    throw new ReplaySourceError(`cannot read ${uri}: ${messageOf(cause)}`, { cause });
  }
  for (const { partition, message } of messages) {
    const record = toKafkaRecord(topic, partition, message);
    const where = `${uri}@${partition}:${record.offset}`;
    if (record.value === null) {
      out.unreadable.push({ where, reason: 'an empty message' });
      continue;
    }
    parseInto(where, new TextDecoder().decode(record.value), out, grouped);
  }
  // The source names the destination topic; the batch id says which records it held.
  for (const batch of grouped.batches()) {
    out.batches.push({ ...batch, source: `${uri}#${batch.ranges.map(rangeLabel).join(',')}` });
  }
  return out;
}

/** Reads every diverted batch from `file.jsonl`, a folder, `s3://bucket/prefix` or `kafka://topic`. */
export function readDestination(uri: string, deps: SourceDeps): Promise<ReadDestination> {
  if (uri.startsWith('s3://')) return readS3(uri, deps.s3());
  if (uri.startsWith('kafka://')) return readKafka(uri, deps.kafka());
  return readLocal(uri);
}
