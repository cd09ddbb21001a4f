import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from '../../../local/demo/args';
import { DemoUsageError } from '../../../local/demo/errors';

const now = new Date('2026-11-26T17:41:42Z');

describe('parseDemoArgs', () => {
  it('uses the documented defaults', () => {
    // Act
    const options = parseDemoArgs([], now);

    // Assess
    expect(options).toMatchObject({
      readings: 200,
      sensors: 10,
      seed: undefined,
      threshold: 80,
      keepServices: false,
      dashboard: false,
      dashboardPort: 8090,
    });
    expect(options.runId).toMatch(/^20261126174142_[0-9a-f]{3}$/);
  });

  it('reads every flag', () => {
    // Act
    const options = parseDemoArgs(
      [
        '--readings',
        '50',
        '--sensors',
        '3',
        '--seed',
        '7',
        '--threshold',
        '82.5',
        '--run-id',
        'r1',
        '--keep-services',
        '--dashboard',
        '--dashboard-port',
        '0',
      ],
      now,
    );

    // Assess
    expect(options).toEqual({
      readings: 50,
      sensors: 3,
      seed: 7,
      threshold: 82.5,
      keepServices: true,
      runId: 'r1',
      dashboard: true,
      dashboardPort: 0,
    });
  });

  it.each([
    [['--readings', '0'], '--readings must be an integer >= 1'],
    [['--sensors', 'many'], '--sensors must be an integer >= 1'],
    [['--threshold', 'hot'], '--threshold must be a number'],
    [['--run-id', 'Bad-Name'], '--run-id must be'],
    [['--colour'], "Unknown option '--colour'"],
    [['--dashboard-port', '70000'], '--dashboard-port must be an integer from 0 to 65535'],
  ])('rejects %j', (argv, message) => {
    // Act / Assess
    expect(() => parseDemoArgs(argv, now)).toThrow(DemoUsageError);
    expect(() => parseDemoArgs(argv, now)).toThrow(message);
  });
});
