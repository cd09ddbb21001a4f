import { stringify } from 'lossless-json';

/** JSON text with bigint values written as exact integers. */
export function stringifyJson(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}
