import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JavaNotFoundError } from '../../../local/services/errors';
import { findJava } from '../../../local/services/java';

/** A JDK folder whose `bin/java -version` prints the given banner, like a real one. */
function fakeJavaHome(banner: string): string {
  const home = mkdtempSync(join(tmpdir(), 'fake-jdk-'));
  mkdirSync(join(home, 'bin'));
  const java = join(home, 'bin', 'java');
  writeFileSync(java, `#!/bin/sh\necho '${banner}' >&2\n`);
  chmodSync(java, 0o755);
  return home;
}

describe('findJava with SENSOR_ALERTS_JAVA_HOME', () => {
  it('uses the forced JDK when it is new enough', () => {
    // Prepare
    const home = fakeJavaHome('openjdk version "21.0.4" 2024-07-16');

    // Act
    const java = findJava(17, { SENSOR_ALERTS_JAVA_HOME: home, PATH: '' });

    // Assess
    expect(java).toEqual({
      executable: join(home, 'bin', 'java'),
      version: 21,
      source: 'SENSOR_ALERTS_JAVA_HOME',
    });
  });

  it.each([
    ['openjdk version "11.0.2" 2019-01-15', /found only Java 11/],
    ['not a java at all', /no Java was found/],
  ])('refuses a forced JDK printing %j and names the fix', (banner, reason) => {
    // Prepare
    const env = { SENSOR_ALERTS_JAVA_HOME: fakeJavaHome(banner), PATH: '' };

    // Act
    const attempt = () => findJava(17, env);

    // Assess
    expect(attempt).toThrow(JavaNotFoundError);
    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(/Install a JDK 17\+/);
  });
});
