import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_KEYS, isPlainObject, mergeDeep } from './config';
import { ConfigFileError } from './errors';

/**
 * Builds the raw configuration from CDK context: the JSON file named by `config`, then every
 * context key whose first dotted segment is a configuration key (`-c streaming.mode=msk`), which
 * wins over the file. Other context keys (CDK feature flags) are left alone.
 */
export function rawConfigFromContext(
  context: Record<string, unknown>,
  readFile: (path: string) => string = (path) => readFileSync(resolve(path), 'utf8'),
): Record<string, unknown> {
  let raw: Record<string, unknown> = {};
  const file = context.config;
  if (typeof file === 'string' && file.length > 0) {
    raw = readConfigFile(file, readFile);
  }
  for (const [key, value] of Object.entries(context)) {
    const path = key.split('.');
    if (!CONFIG_KEYS.includes(path[0] ?? '')) continue;
    raw = mergeDeep(raw, nest(path, value));
  }
  return raw;
}

function readConfigFile(path: string, readFile: (path: string) => string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFile(path));
  } catch (cause) {
    throw new ConfigFileError(path, { cause });
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigFileError(path, { cause: new Error('expected a JSON object') });
  }
  return parsed;
}

function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  return { [head ?? '']: rest.length === 0 ? value : nest(rest, value) };
}
