import { z } from 'zod';
import { GeneratorConfigError } from './errors';
import { MAX_READINGS } from './request';

export interface GeneratorLimits {
  /** Readings one invocation accepts (GENERATOR_MAX_READINGS, set by the stack). */
  maxReadings: number;
  /** Sending stops with an error when less than this is left before the timeout. */
  stopBeforeTimeoutMs: number;
}

/** Time kept back for logging the result and returning before Lambda ends the invocation. */
export const DEFAULT_STOP_BEFORE_TIMEOUT_MS = 5_000;

const schema = z.object({
  GENERATOR_MAX_READINGS: z
    .string()
    .regex(/^[1-9]\d*$/, 'GENERATOR_MAX_READINGS must be a positive whole number')
    .transform(Number)
    .refine((n) => n <= MAX_READINGS, `GENERATOR_MAX_READINGS must be at most ${MAX_READINGS}`)
    .optional(),
});

/** Reads the generator's limits from its environment; unset means the schema's maximum. */
export function parseGeneratorLimits(env: Record<string, string | undefined>): GeneratorLimits {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new GeneratorConfigError(
      `invalid generator configuration: ${z.prettifyError(result.error)}`,
      { cause: result.error },
    );
  }
  return {
    maxReadings: result.data.GENERATOR_MAX_READINGS ?? MAX_READINGS,
    stopBeforeTimeoutMs: DEFAULT_STOP_BEFORE_TIMEOUT_MS,
  };
}
