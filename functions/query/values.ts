import { QueryResultError } from './errors';

/**
 * Integers leave the function as JSON numbers. Counts and Kafka offsets stay far below 2^53, so a
 * value outside the safe range means something is wrong; failing beats silently rounding it.
 */
export function bigintToNumber(value: bigint, column: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new QueryResultError(`Column ${column}: ${value} does not fit a JSON number exactly`);
  }
  return Number(value);
}

/** Microseconds since the epoch (UTC) to `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function microsToIso(micros: bigint): string {
  const millis = micros / 1000n;
  let subMillis = micros % 1000n;
  let wholeMillis = millis;
  if (subMillis < 0n) {
    subMillis += 1000n;
    wholeMillis -= 1n;
  }
  const iso = new Date(Number(wholeMillis)).toISOString();
  return `${iso.slice(0, -1)}${subMillis.toString().padStart(3, '0')}Z`;
}

const TIMESTAMP_TEXT =
  /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?\s*(UTC|Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Athena renders `timestamp` as `2026-11-26 17:41:42.123456` and `timestamp with time zone` as
 * `2026-11-26 17:41:42.123456 UTC`; both become the same ISO form the local engine produces.
 * A timestamp without zone is taken as UTC, the session zone Athena uses.
 */
export function athenaTimestampToIso(text: string, column: string): string {
  const match = TIMESTAMP_TEXT.exec(text.trim());
  if (!match) {
    throw new QueryResultError(`Column ${column}: cannot read timestamp "${text}"`);
  }
  const [, date, time, fraction = '', zone] = match;
  const micros = fraction.padEnd(6, '0').slice(0, 6);
  const base = `${date}T${time}`;
  if (zone === undefined || zone === 'UTC' || zone === 'Z') {
    return `${base}.${micros}Z`;
  }
  const offset = zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const millis = Date.parse(`${base}${offset}`);
  if (Number.isNaN(millis)) {
    throw new QueryResultError(`Column ${column}: cannot read timestamp "${text}"`);
  }
  return `${new Date(millis).toISOString().slice(0, 19)}.${micros}Z`;
}
