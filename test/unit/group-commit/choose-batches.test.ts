import { describe, expect, it } from 'vitest';
import { chooseBatches } from '../../../lib/group-commit';

const key = (p: number, first: number, last: number, id = 'aaaaaaaa') =>
  `batches/${String(p).padStart(10, '0')}-${String(first).padStart(20, '0')}-${String(last).padStart(20, '0')}-${id}.json`;
const listed = (...keys: string[]) => keys.map((k) => ({ key: k, size: 100 }));
const chosenKeys = (r: ReturnType<typeof chooseBatches>) => r.chosen.map((c) => c.key);

describe('chooseBatches', () => {
  it('takes what both listings saw', () => {
    // Prepare
    const keys = [key(0, 0, 9), key(0, 10, 19), key(1, 0, 4)];

    // Act
    const result = chooseBatches(listed(...keys), listed(...keys));

    // Assess
    expect(chosenKeys(result)).toEqual(expect.arrayContaining(keys));
    expect(result.left).toBe(0);
  });

  it('takes an earlier batch the first listing missed, and leaves later ones for the next round', () => {
    // Prepare: the first listing raced the write of 0..9 but saw 10..19; 20..29 came after it.
    const first = listed(key(0, 10, 19));
    const second = listed(key(0, 0, 9), key(0, 10, 19), key(0, 20, 29));

    // Act
    const result = chooseBatches(first, second);

    // Assess
    expect(chosenKeys(result)).toEqual([key(0, 0, 9), key(0, 10, 19)]);
    expect(result.left).toBe(1);
  });

  it('leaves a partition the first listing did not see at all', () => {
    // Act
    const result = chooseBatches(listed(key(0, 0, 9)), listed(key(0, 0, 9), key(1, 0, 9)));

    // Assess
    expect(chosenKeys(result)).toEqual([key(0, 0, 9)]);
  });

  it('keeps to the byte budget round-robin over partitions, at least one batch', () => {
    // Prepare
    const keys = [key(0, 0, 9), key(0, 10, 19), key(1, 0, 9), key(1, 10, 19)];

    // Act
    const tight = chooseBatches(listed(...keys), listed(...keys), 1);
    const two = chooseBatches(listed(...keys), listed(...keys), 200);

    // Assess
    expect(chosenKeys(tight)).toEqual([key(0, 0, 9)]);
    expect(chosenKeys(two)).toEqual([key(0, 0, 9), key(1, 0, 9)]);
    expect(two.left).toBe(2);
  });
});
