import { describe, expect, it } from 'vitest';
import { requireCommands } from '../../../local/services/commands';
import { ToolMissingError } from '../../../local/services/errors';
import { findPython, parsePythonVersion } from '../../../local/services/localstack/python';

describe('parsePythonVersion', () => {
  it.each([
    ['Python 3.13.0', [3, 13, 0]],
    ['Python 3.12.1\n', [3, 12, 1]],
    ['python: command not found', undefined],
  ])('reads %j', (text, version) => {
    expect(parsePythonVersion(text)).toEqual(version);
  });
});

describe('findPython', () => {
  it('names the version needed, what was found and the fix when the forced Python is too old', () => {
    // Prepare: the machine's pyenv 3.11, or a missing path where there is none.
    const env = { SENSOR_ALERTS_PYTHON: '/root/.pyenv/versions/3.11.7/bin/python3', PATH: '' };

    // Act
    const attempt = () => findPython([3, 13], 'LocalStack 2026.3.0', env);

    // Assess
    expect(attempt).toThrow(ToolMissingError);
    expect(attempt).toThrow(
      /LocalStack 2026\.3\.0 needs Python 3\.13 or newer .*pyenv install 3\.13/,
    );
  });

  it('refuses a forced interpreter that does not exist', () => {
    expect(() =>
      findPython([3, 13], 'LocalStack', { SENSOR_ALERTS_PYTHON: '/nonexistent/python3' }),
    ).toThrow(/SENSOR_ALERTS_PYTHON=\/nonexistent\/python3: none was found/);
  });
});

describe('requireCommands', () => {
  it('lists every missing tool with its fix in one message', () => {
    // Act
    const attempt = () =>
      requireCommands(
        [
          { command: 'node', fix: 'install Node.js' },
          { command: 'no-such-compiler-x', fix: 'install the x compiler' },
          { command: 'no-such-go-y', fix: 'install Go' },
        ],
        'Building the thing',
      );

    // Assess
    expect(attempt).toThrow(
      'Building the thing needs `no-such-compiler-x`, `no-such-go-y`, not found: install the x compiler; install Go.',
    );
  });
});
