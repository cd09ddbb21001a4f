import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JavaNotFoundError } from '../../../local/services/errors';
import { findJava, findJavas } from '../../../local/services/java';
import { javaRequirements } from '../../../local/services/manager';
import { readSettings } from '../../../local/services/settings';

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

describe('findJavas', () => {
  it('gives each service the JDK its minimum allows, preferring JAVA_HOME where it suffices', () => {
    // Prepare
    const java17 = fakeJavaHome('openjdk version "17.0.15" 2025-04-15');
    const java21 = fakeJavaHome('openjdk version "21.0.4" 2024-07-16');
    const env = { JAVA_HOME: java17, PATH: join(java21, 'bin') };

    // Act
    const javas = findJavas(
      { kafka: { label: 'Kafka', minJava: 17 }, catalog: { label: 'Nessie', minJava: 21 } },
      env,
    );

    // Assess: the machine's own JDKs may be newer than the fake 21, hence no exact path.
    expect(javas.kafka?.executable).toBe(join(java17, 'bin', 'java'));
    expect(javas.catalog?.version).toBeGreaterThanOrEqual(21);
  });

  it('refuses a forced Java 17 for Nessie in one line naming the variable and the other catalog', () => {
    // Prepare
    const home = fakeJavaHome('openjdk version "17.0.15" 2025-04-15');
    const env = { SENSOR_ALERTS_JAVA_HOME: home, PATH: '' };
    const requirements = javaRequirements(['kafka', 's3', 'catalog'], readSettings({}));

    // Act
    const attempt = () => findJavas(requirements, env);

    // Assess
    expect(attempt).toThrow(JavaNotFoundError);
    expect(attempt).toThrow(
      `Java 21 or newer is needed for Nessie 0.99.0; SENSOR_ALERTS_JAVA_HOME=${home}: found only ` +
        `Java 17 (${join(home, 'bin', 'java')}). Install a JDK 21+ (for example Temurin 25) and ` +
        'point SENSOR_ALERTS_JAVA_HOME (or unset it and use JAVA_HOME) at it, or set ' +
        'SENSOR_ALERTS_CATALOG=iceberg-rest to use the Java 17 catalog instead.',
    );
  });

  it('lets the Iceberg REST fixture run on the same Java 17 as Kafka and S3', () => {
    // Prepare
    const home = fakeJavaHome('openjdk version "17.0.15" 2025-04-15');
    const env = { SENSOR_ALERTS_JAVA_HOME: home, PATH: '' };
    const settings = readSettings({ SENSOR_ALERTS_CATALOG: 'iceberg-rest' });

    // Act
    const javas = findJavas(javaRequirements(['kafka', 's3', 'catalog'], settings), env);

    // Assess
    expect([javas.kafka?.version, javas.s3?.version, javas.catalog?.version]).toEqual([17, 17, 17]);
  });
});
