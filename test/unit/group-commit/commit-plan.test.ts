import { describe, expect, it } from 'vitest';
import { lineageQueries, planCommit } from '../../../lib/group-commit';
import { planned, staged } from './rows';

const nothingInTable = () => false;
/** The steady state: every alert up to the committed offset is in the table. */
const upTo = (committed: number | undefined) => (_p: number, o: bigint) =>
  committed !== undefined && o <= BigInt(committed);
const offsetsOf = (rows: { source_partition: number; source_offset: bigint }[]) =>
  rows.map((r) => `${r.source_partition}:${r.source_offset}`);

describe('planCommit', () => {
  it.each([
    // [case, committed offset of partition 0, batches as [first, last, alerts?], rows appended, offset after]
    ['a first batch is taken whole', undefined, [[0, 9]], '0-9', 9],
    ['a contiguous batch is taken whole', 9, [[10, 19]], '10-19', 19],
    ['a redelivery of committed records is discarded', 19, [[10, 19]], '', undefined],
    ['a redelivery that grew adds only what is new', 14, [[10, 19]], '15-19', 19],
    ['a gap is not waited for', 9, [[30, 39]], '30-39', 39],
    [
      'two deliveries of one batch count once (the longer wins)',
      9,
      [
        [10, 14],
        [10, 19],
      ],
      '10-19',
      19,
    ],
    [
      'a late shorter copy after the longer is discarded',
      9,
      [
        [10, 19],
        [10, 12],
      ],
      '10-19',
      19,
    ],
    [
      'batches of a partition are taken in offset order',
      undefined,
      [
        [10, 19],
        [0, 9],
      ],
      '0-19',
      19,
    ],
  ] as const)('%s', (_case, committed, ranges, expectedRows, after) => {
    // Prepare
    const batches = ranges.map(([first, last]) => planned(staged(0, first, last)));

    // Act
    const plan = planCommit(
      committed === undefined ? {} : { 0: BigInt(committed) },
      batches,
      upTo(committed),
    );

    // Assess
    const [from, to] = expectedRows === '' ? [0, -1] : expectedRows.split('-').map(Number);
    const expected = Array.from({ length: to! - from! + 1 }, (_, i) => `0:${from! + i}`);
    expect(offsetsOf(plan.rows).sort()).toEqual(expected.sort());
    expect(plan.offsets[0]).toBe(after === undefined ? undefined : BigInt(after));
    expect(plan.settledKeys).toHaveLength(batches.length);
  });

  it('moves the offset past a batch whose new records hold no alerts', () => {
    // Prepare: 10..19 with alerts only at 10..12, 0..14 already committed.
    const batches = [planned(staged(0, 10, 19, [10, 11, 12]))];

    // Act
    const plan = planCommit({ 0: 14n }, batches, upTo(14));

    // Assess
    expect(plan.rows).toEqual([]);
    expect(plan.offsets).toEqual({ 0: 19n });
    expect(plan.duplicateRows).toBe(3);
  });

  it('keeps partitions apart', () => {
    // Act
    const plan = planCommit(
      { 0: 9n, 1: 4n },
      [planned(staged(0, 5, 12)), planned(staged(1, 5, 6))],
      (p, o) => o <= (p === 0 ? 9n : 4n),
    );

    // Assess
    expect(offsetsOf(plan.rows)).toEqual(['0:10', '0:11', '0:12', '1:5', '1:6']);
    expect(plan.offsets).toEqual({ 0: 12n, 1: 6n });
  });

  it('fills a gap from a replay with exactly the rows the table lacks', () => {
    // Prepare: 20..29 was diverted; 30..39 is committed; the table holds 25 (another replay).
    const inTable = (p: number, o: bigint) => p === 0 && o === 25n;

    // Act
    const plan = planCommit({ 0: 39n }, [planned(staged(0, 20, 29, undefined, true))], inTable);

    // Assess
    expect(offsetsOf(plan.rows)).toEqual(
      ['20', '21', '22', '23', '24', '26', '27', '28', '29'].map((o) => `0:${o}`),
    );
    expect(plan.offsets).toEqual({});
    expect(plan.duplicateRows).toBe(1);
  });

  it('never takes a replayed row twice in one round', () => {
    // Prepare: the diverted batch is replayed twice before a commit ran.
    const batches = [
      planned(staged(0, 20, 24, undefined, true)),
      planned(staged(0, 20, 24, undefined, true)),
    ];

    // Act
    const plan = planCommit({ 0: 39n }, batches, nothingInTable);

    // Assess
    expect(offsetsOf(plan.rows)).toEqual(['0:20', '0:21', '0:22', '0:23', '0:24']);
    expect(plan.batchesDiscarded).toBe(1);
  });

  it('appends a late batch a listing missed while a later one was committed', () => {
    // Prepare: 10..19 was staged but not listed when 20..29 was committed.
    const inTable = (_p: number, o: bigint) => o <= 9n || (o >= 20n && o <= 29n);

    // Act
    const plan = planCommit({ 0: 29n }, [planned(staged(0, 10, 19))], inTable);

    // Assess
    expect(offsetsOf(plan.rows)).toEqual(Array.from({ length: 10 }, (_, i) => `0:${10 + i}`));
    expect(plan.offsets).toEqual({});
  });

  it('asks the table only about rows at or below the offset each batch meets', () => {
    // Act
    const queries = lineageQueries({ 0: 14n }, [
      planned(staged(0, 10, 19)),
      planned(staged(0, 10, 12)),
      planned(staged(1, 0, 2)),
    ]);

    // Assess
    expect(queries).toEqual([{ partition: 0, offsets: [10n, 11n, 12n, 13n, 14n, 10n, 11n, 12n] }]);
  });

  it('takes a replay reaching past the committed offset like a redelivery above it', () => {
    // Act
    const plan = planCommit(
      { 0: 22n },
      [planned(staged(0, 20, 26, undefined, true))],
      (_p, o) => o <= 22n,
    );

    // Assess
    expect(offsetsOf(plan.rows)).toEqual(['0:23', '0:24', '0:25', '0:26']);
    expect(plan.offsets).toEqual({ 0: 26n });
  });
});
