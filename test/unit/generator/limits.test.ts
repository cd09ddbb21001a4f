import { describe, expect, it } from 'vitest';
import { GeneratorConfigError } from '../../../functions/generator/errors';
import {
  DEFAULT_STOP_BEFORE_TIMEOUT_MS,
  parseGeneratorLimits,
} from '../../../functions/generator/limits';
import { MAX_READINGS } from '../../../functions/generator/request';
import { generatorMaxReadings } from '../../../infra/generator-limits';

describe('parseGeneratorLimits', () => {
  it.each([
    [{}, MAX_READINGS],
    [{ GENERATOR_MAX_READINGS: '95480' }, 95_480],
  ])('reads the cap from %j', (env, maxReadings) => {
    expect(parseGeneratorLimits(env)).toEqual({
      maxReadings,
      stopBeforeTimeoutMs: DEFAULT_STOP_BEFORE_TIMEOUT_MS,
    });
  });

  it.each(['0', '-5', '1.5', 'many', String(MAX_READINGS + 1)])(
    'refuses GENERATOR_MAX_READINGS=%s at cold start',
    (value) => {
      expect(() => parseGeneratorLimits({ GENERATOR_MAX_READINGS: value })).toThrow(
        GeneratorConfigError,
      );
      expect(() => parseGeneratorLimits({ GENERATOR_MAX_READINGS: value })).toThrow(
        'GENERATOR_MAX_READINGS',
      );
    },
  );
});

describe('generatorMaxReadings', () => {
  it.each([
    [60, 1000, 55_000],
    [300, 6000, 1_770_000],
    [10, 100, 500],
  ])('caps a %i s function at %i readings/s to %i readings', (timeout, rate, cap) => {
    expect(generatorMaxReadings(timeout, rate)).toBe(cap);
  });
});
