import { z } from 'zod';
import { parseTimestampMicros } from '../../lib/alerts/timestamp';
import { GeneratorRequestError } from './errors';

/** What the request schema allows at all; a deployed function's own cap is usually lower. */
export const MAX_READINGS = 10_000_000;
export const MAX_SENSORS = 10_000;

export interface GeneratorRequest {
  numReadings: number;
  numSensors: number;
  topic: string;
  seed?: number;
  /** ISO-8601 time of the first reading; defaults to now. */
  startTime?: string;
}

const requestSchema = z
  .object({
    numReadings: z.number().int().min(1).max(MAX_READINGS).default(200),
    numSensors: z.number().int().min(1).max(MAX_SENSORS).default(10),
    topic: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name (letters, digits, . _ -)')
      .optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    startTime: z
      .string()
      .refine((s) => parseTimestampMicros(s) !== undefined, 'must be an ISO-8601 timestamp')
      .optional(),
  })
  .strict();

/**
 * Validates the generator's event; an absent or null event means all defaults. `maxReadings` is
 * the function's cap: the most readings it can send before its timeout (set by the stack from
 * the timeout). A request over it is refused before anything is sent.
 */
export function parseGeneratorRequest(
  event: unknown,
  defaultTopic: string,
  maxReadings: number = MAX_READINGS,
): GeneratorRequest {
  const result = requestSchema.safeParse(event ?? {});
  if (!result.success) {
    throw new GeneratorRequestError(`invalid generator request: ${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  const { topic, ...rest } = result.data;
  if (rest.numReadings > maxReadings) {
    const invocations = Math.ceil(rest.numReadings / maxReadings);
    throw new GeneratorRequestError(
      `invalid generator request: numReadings ${rest.numReadings} is over this function's cap of ` +
        `${maxReadings} readings per invocation (what it can send within its timeout); nothing was ` +
        `sent. Send ${invocations} requests of at most ${maxReadings}, or raise ` +
        'functions.generatorTimeoutSeconds.',
    );
  }
  return { ...rest, topic: topic ?? defaultTopic };
}
