import { describe, expect, it } from 'vitest';
import { GeneratorRequestError } from '../../../functions/generator/errors';
import { parseGeneratorRequest } from '../../../functions/generator/request';

describe('parseGeneratorRequest', () => {
  it.each([
    [undefined, { numReadings: 200, numSensors: 10, topic: 'sensor_readings' }],
    [null, { numReadings: 200, numSensors: 10, topic: 'sensor_readings' }],
    [
      { numReadings: 5, numSensors: 2, topic: 'other', seed: 7 },
      { numReadings: 5, numSensors: 2, topic: 'other', seed: 7 },
    ],
    [
      { numReadings: 10_000_000, numSensors: 10_000 },
      { numReadings: 10_000_000, numSensors: 10_000, topic: 'sensor_readings' },
    ],
  ])('accepts %j', (event, expected) => {
    expect(parseGeneratorRequest(event, 'sensor_readings')).toEqual(expected);
  });

  it.each([
    ['an unknown field', { numReadings: 5, numReading: 6 }, 'numReading'],
    ['a negative count', { numReadings: -1 }, 'numReadings'],
    ['zero sensors', { numSensors: 0 }, 'numSensors'],
    ['too many readings', { numReadings: 10_000_001 }, 'numReadings'],
    ['too many sensors', { numSensors: 10_001 }, 'numSensors'],
    ['a fractional count', { numReadings: 1.5 }, 'numReadings'],
    ['a count as string', { numReadings: '5' }, 'numReadings'],
    ['a bad topic', { topic: 'has space' }, 'topic'],
    ['a bad start time', { startTime: 'noon' }, 'startTime'],
    ['a non-object', 'go', 'expected object'],
  ])('rejects %s with a message naming it', (_name, event, mention) => {
    expect(() => parseGeneratorRequest(event, 'sensor_readings')).toThrow(GeneratorRequestError);
    expect(() => parseGeneratorRequest(event, 'sensor_readings')).toThrow(mention);
  });

  it('refuses a request over the function cap before anything is sent, saying how to split it', () => {
    // Act
    const act = () => parseGeneratorRequest({ numReadings: 250_001 }, 'sensor_readings', 100_000);

    // Assess
    expect(act).toThrow(GeneratorRequestError);
    expect(act).toThrow(
      "numReadings 250001 is over this function's cap of 100000 readings per invocation",
    );
    expect(act).toThrow('Send 3 requests of at most 100000');
  });

  it('accepts a request at the cap', () => {
    expect(parseGeneratorRequest({ numReadings: 100_000 }, 't', 100_000).numReadings).toBe(100_000);
  });
});
