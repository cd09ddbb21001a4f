import { describe, expect, it } from 'vitest';
import {
  decodeStagedBatch,
  encodeStagedBatch,
  StagedBatchFormatError,
} from '../../../lib/group-commit';
import { staged } from './rows';

const mutate = (fn: (wire: Record<string, unknown>) => void) => {
  const wire = JSON.parse(new TextDecoder().decode(encodeStagedBatch(staged(0, 5, 9))));
  fn(wire);
  return new TextEncoder().encode(JSON.stringify(wire));
};

describe('staged batch wire format', () => {
  it('round-trips every value exactly, 64-bit ones included', () => {
    // Prepare
    const batch = staged(3, 5, 9, [5, 9], true);
    batch.rows[0]!.source_offset = 5n;
    batch.rows[0]!.location = null;

    // Act
    const back = decodeStagedBatch(encodeStagedBatch(batch), 'test');

    // Assess
    expect(back).toEqual(batch);
  });

  it.each([
    ['not JSON', () => new TextEncoder().encode('{')],
    ['another format', () => mutate((w) => (w.format = 'other/1'))],
    ['last offset below first', () => mutate((w) => (w.lastOffset = '1'))],
    [
      'a row outside the batch offsets',
      () => mutate((w) => ((w.rows as string[][])[0]![7] = '99')),
    ],
    ['a row of another partition', () => mutate((w) => ((w.rows as unknown[][])[0]![6] = 1))],
    ['an unknown severity', () => mutate((w) => ((w.rows as string[][])[0]![2] = 'LOW'))],
    ['a truncated row', () => mutate((w) => (w.rows as unknown[][])[0]!.pop())],
  ])('refuses %s', (_case, bytes) => {
    expect(() => decodeStagedBatch(bytes(), 'test')).toThrow(StagedBatchFormatError);
  });
});
