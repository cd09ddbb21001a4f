/**
 * Seeded sensor readings for the fuzz test: good ones with the alert each must give, and
 * malformed ones of many kinds, each of which the classifier must reject.
 */

/** Mulberry32: small, seeded, good enough to vary inputs reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface FuzzRecord {
  value: Uint8Array | null;
  /** For a good reading: the alert it must become (undefined: below the threshold). */
  good?: { alert?: ExpectedAlert };
  /** For a malformed one: what kind of damage it carries. */
  malformed?: string;
}

export interface ExpectedAlert {
  sensorId: string;
  temperature: number;
  alertType: 'CRITICAL' | 'HIGH' | 'MEDIUM';
  readingMicros: bigint;
  location: string | null;
}

const enc = (text: string) => new TextEncoder().encode(text);

/** Microseconds of a UTC time, computed without Date.UTC (which moves years 0-99 to 19xx). */
function utcMicros(y: number, mo: number, d: number, h: number, mi: number, s: number): bigint {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return BigInt(date.getTime()) * 1000n;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function goodReading(rand: () => number, i: number): FuzzRecord {
  const year = rand() < 0.1 ? 1 + Math.floor(rand() * 99) : 2026;
  const [mo, d, h, mi, s] = [
    1 + Math.floor(rand() * 12),
    1 + Math.floor(rand() * 28),
    Math.floor(rand() * 24),
    Math.floor(rand() * 60),
    Math.floor(rand() * 60),
  ];
  const micros = Math.floor(rand() * 1_000_000);
  const timestamp = `${pad(year, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(micros, 6)}Z`;
  const temperature = Math.round((60 + rand() * 40) * 100) / 100;
  // Valid non-ASCII text, surrogate pairs included, must be kept exactly.
  const sensorId = i % 17 === 0 ? `sensor_${i}_\u{1F321}\u00e9` : `sensor_${i % 50}`;
  const location = i % 5 === 0 ? null : `zone_${(i % 5) + 1}`;
  const reading = {
    sensor_id: sensorId,
    temperature,
    timestamp,
    ...(location ? { location } : {}),
  };
  const alertType =
    temperature > 90
      ? 'CRITICAL'
      : temperature > 85
        ? 'HIGH'
        : temperature > 80
          ? 'MEDIUM'
          : undefined;
  return {
    value: enc(JSON.stringify(reading)),
    good: alertType
      ? {
          alert: {
            sensorId,
            temperature,
            alertType,
            readingMicros: utcMicros(year, mo, d, h, mi, s) + BigInt(micros),
            location,
          },
        }
      : {},
  };
}

const base = () => ({
  sensor_id: 'sensor_1',
  temperature: 91.5,
  timestamp: '2026-11-26T17:41:42Z',
});

/** Each returns a value the classifier must reject. */
const MUTATIONS: [string, (rand: () => number) => Uint8Array | null][] = [
  ['null value', () => null],
  ['empty value', () => new Uint8Array(0)],
  [
    'random bytes',
    (r) =>
      Uint8Array.from({ length: 1 + Math.floor(r() * 200) }, () => Math.floor(r() * 256) | 0x80),
  ],
  [
    'truncated JSON',
    (r) => {
      const t = JSON.stringify(base());
      return enc(t.slice(0, 1 + Math.floor(r() * (t.length - 2))));
    },
  ],
  ['JSON not an object', (r) => enc(JSON.stringify([1, 'x', null, true][Math.floor(r() * 4)]))],
  ['sensor_id a number', () => enc(JSON.stringify({ ...base(), sensor_id: 7 }))],
  ['sensor_id empty', () => enc(JSON.stringify({ ...base(), sensor_id: '' }))],
  ['sensor_id too long', () => enc(JSON.stringify({ ...base(), sensor_id: 's'.repeat(300) }))],
  ['temperature a string', () => enc(JSON.stringify({ ...base(), temperature: '91.5' }))],
  [
    'temperature missing',
    () => {
      const { temperature: _, ...rest } = base();
      return enc(JSON.stringify(rest));
    },
  ],
  ['temperature Infinity', () => enc(JSON.stringify(base()).replace('91.5', '1e999'))],
  ['temperature NaN literal', () => enc(JSON.stringify(base()).replace('91.5', 'NaN'))],
  ['year 0000', () => enc(JSON.stringify({ ...base(), timestamp: '0000-06-01T00:00:00Z' }))],
  [
    '29 February of a common year',
    (r) =>
      enc(
        JSON.stringify({
          ...base(),
          timestamp: `${pad([100, 1900, 2023, 7][Math.floor(r() * 4)]!, 4)}-02-29T00:00:00Z`,
        }),
      ),
  ],
  ['impossible time', () => enc(JSON.stringify({ ...base(), timestamp: '2026-11-26T25:61:00Z' }))],
  [
    'timestamp not ISO',
    (r) =>
      enc(
        JSON.stringify({
          ...base(),
          timestamp: ['yesterday', '2026/11/26', '1795715302', '2026-11-26T17:41:42+99:00'][
            Math.floor(r() * 4)
          ],
        }),
      ),
  ],
  [
    'lone surrogate in sensor_id',
    () => enc(JSON.stringify(base()).replace('sensor_1', 's\\ud800x')),
  ],
  [
    'lone surrogate in location',
    () => enc(JSON.stringify({ ...base(), location: 'zone' }).replace('zone', '\\udc00zone')),
  ],
  [
    'lone surrogate in an extra field',
    () => enc(JSON.stringify({ ...base(), note: 'n' }).replace('"n"', '"\\udbff"')),
  ],
  [
    'UTF-8 encoded surrogate',
    () =>
      Uint8Array.from([
        ...enc('{"sensor_id":"'),
        0xed,
        0xa0,
        0x80,
        ...enc('","temperature":91,"timestamp":"2026-11-26T00:00:00Z"}'),
      ]),
  ],
  [
    'overlong UTF-8',
    () =>
      Uint8Array.from([
        ...enc('{"sensor_id":"'),
        0xc0,
        0xaf,
        ...enc('","temperature":91,"timestamp":"2026-11-26T00:00:00Z"}'),
      ]),
  ],
  ['location a number', () => enc(JSON.stringify({ ...base(), location: 3 }))],
  ['deeply nested', (r) => enc(`${'['.repeat(100 + Math.floor(r() * 1000))}${']'.repeat(50)}`)],
  ['oversized', () => enc(JSON.stringify({ ...base(), pad: 'x'.repeat(70_000) }))],
];

/** `malformed` bad records and about `good` good ones, shuffled together. */
export function fuzzRecords(options: {
  malformed: number;
  good: number;
  seed: number;
}): FuzzRecord[] {
  const rand = prng(options.seed);
  const out: FuzzRecord[] = [];
  for (let i = 0; i < options.good; i++) out.push(goodReading(rand, i));
  for (let i = 0; i < options.malformed; i++) {
    // Oversized values are few: they are heavy, and one is enough per kind of limit.
    const pick = i % 500 === 0 ? MUTATIONS.length - 1 : Math.floor(rand() * (MUTATIONS.length - 1));
    const [kind, make] = MUTATIONS[pick]!;
    out.push({ value: make(rand), malformed: kind });
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
