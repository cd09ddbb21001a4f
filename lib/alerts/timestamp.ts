// Date, 'T' or space, time, up to 9 fractional digits, optional zone (Z or +hh:mm / +hhmm / +hh).
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The years a reading may carry. Year 0000 is valid ISO-8601 (1 BC), but Python's `datetime`,
 * Spark and Hive only represent 0001-9999, so such a row would break the table's readers.
 */
export const MIN_YEAR = 1;
export const MAX_YEAR = 9999;

export type TimestampResult = { ok: true; micros: bigint } | { ok: false; reason: string };

const MICROS_PER_DAY = 86_400_000_000n;

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar, for any year. `Date.UTC`
 * cannot be used: it reads years 0-99 as 1900-1999.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an ISO-8601 timestamp to microseconds since the Unix epoch, keeping the microseconds
 * that `Date` would drop, and says why when it cannot. A timestamp without a zone is read as
 * UTC: the readings' producers (this generator and the original Python one, which printed naive
 * UTC times) mean UTC. Digits beyond microseconds are truncated.
 */
export function readTimestampMicros(text: string): TimestampResult {
  const m = ISO_8601.exec(text);
  if (!m) return { ok: false, reason: 'is not an ISO-8601 timestamp (YYYY-MM-DDTHH:MM:SS)' };
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < MIN_YEAR || year > MAX_YEAR) {
    return { ok: false, reason: `year ${y} is outside ${MIN_YEAR}-${MAX_YEAR}` };
  }
  if (month < 1 || month > 12) return { ok: false, reason: `month ${mo} does not exist` };
  if (day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `day ${d} does not exist in ${y}-${mo}` };
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `time ${h}:${mi}:${s} does not exist` };
  }
  const offsetMinutes = zoneOffsetMinutes(zone);
  if (offsetMinutes === undefined) return { ok: false, reason: `zone ${zone} does not exist` };
  const secondsOfDay = BigInt(hour * 3600 + minute * 60 + second - offsetMinutes * 60);
  const micros =
    BigInt(daysFromCivil(year, month, day)) * MICROS_PER_DAY +
    secondsOfDay * 1_000_000n +
    BigInt(`${frac ?? ''}000000`.slice(0, 6));
  return { ok: true, micros };
}

/** As `readTimestampMicros`, without the reason: undefined when the text is not a timestamp. */
export function parseTimestampMicros(text: string): bigint | undefined {
  const result = readTimestampMicros(text);
  return result.ok ? result.micros : undefined;
}

function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/** Formats microseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function formatTimestampMicros(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const sub = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, 19)}.${sub.toString().padStart(6, '0')}Z`;
}
