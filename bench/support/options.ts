import { parseArgs } from 'node:util';

/** A benchmark's command line was wrong: printed with the usage, exit code 2. */
export class UsageError extends Error {}

type StringFlags = Record<string, { type: 'string'; default: string }>;

/** The string flags' values; an unknown flag or a missing value is a UsageError. */
export function parseFlags<F extends StringFlags>(
  argv: string[],
  flags: F,
): Record<keyof F, string> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options: flags as StringFlags }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // Every flag is a string with a default, so every value is a string.
  const out = {} as Record<keyof F, string>;
  for (const name of Object.keys(flags) as (keyof F & string)[]) out[name] = String(values[name]);
  return out;
}

/** An integer flag value within [min, max]. */
export function intFlag(text: string, name: string, min: number, max: number): number {
  const n = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

/** A comma-separated list of integer flag values, each within [min, max]. */
export function intListFlag(text: string, name: string, min: number, max: number): number[] {
  return text.split(',').map((t) => intFlag(t, name, min, max));
}
