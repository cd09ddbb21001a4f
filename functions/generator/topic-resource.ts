import type { Admin } from 'kafkajs';
import { z } from 'zod';
import { TopicProvisioningError } from './errors';
import { deleteTopic, provisionTopic } from './topics';

/** The CloudFormation custom resource event the CDK provider framework hands its handler. */
export interface TopicResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties: Record<string, unknown>;
}

export interface TopicResourceResult {
  PhysicalResourceId: string;
  Data: { Topic: string; Partitions: number; Created: boolean };
}

// CloudFormation hands every property over as a string.
const properties = z.object({
  Topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name'),
  Partitions: z.coerce.number().int().min(1).max(1000),
});

const PREFIX = 'kafka-topic/';
const ADOPTED = '/adopted';

/**
 * The physical id says whether the stack created the topic: only then does deleting the
 * resource (removal policy destroy) delete the topic; a topic that existed before is left.
 */
export function physicalId(topic: string, created: boolean): string {
  return `${PREFIX}${topic}${created ? '' : ADOPTED}`;
}

function parsePhysicalId(id: string | undefined): { topic: string; created: boolean } | undefined {
  if (!id?.startsWith(PREFIX)) return undefined;
  const rest = id.slice(PREFIX.length);
  const created = !rest.endsWith(ADOPTED);
  return { topic: created ? rest : rest.slice(0, -ADOPTED.length), created };
}

/** Create and Update make the topic exist with its partitions; Delete removes what Create made. */
export async function handleTopicResource(
  event: TopicResourceEvent,
  admin: () => Promise<Admin>,
): Promise<TopicResourceResult> {
  const parsed = properties.safeParse(event.ResourceProperties);
  if (!parsed.success) {
    throw new TopicProvisioningError(
      `invalid topic resource properties: ${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  const spec = { name: parsed.data.Topic, partitions: parsed.data.Partitions };
  const client = await admin();
  try {
    if (event.RequestType === 'Delete') {
      const previous = parsePhysicalId(event.PhysicalResourceId);
      // A resource whose creation failed has no topic of ours to delete.
      if (previous?.created) await deleteTopic(client, previous.topic);
      return {
        PhysicalResourceId: event.PhysicalResourceId ?? physicalId(spec.name, false),
        Data: { Topic: spec.name, Partitions: spec.partitions, Created: false },
      };
    }
    const result = await provisionTopic(client, spec);
    const previous = parsePhysicalId(event.PhysicalResourceId);
    // An update of the same topic keeps its id (and so whether the stack owns it); a new name
    // is a new resource, and CloudFormation then deletes the old one.
    const id =
      event.RequestType === 'Update' && previous?.topic === spec.name
        ? (event.PhysicalResourceId as string)
        : physicalId(spec.name, result.created);
    return {
      PhysicalResourceId: id,
      Data: { Topic: spec.name, Partitions: result.partitions, Created: result.created },
    };
  } finally {
    await client.disconnect();
  }
}
