import { describe, expect, it } from 'vitest';
import { parseJavaVersion } from '../../../local/services/java-version';

describe('parseJavaVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17],
    ['openjdk version "25.0.3" 2026-04-21 LTS', 25],
    ['java version "1.8.0_292"', 8],
    ['openjdk version "21-ea" 2023-09-19', 21],
    ['openjdk version "11" 2018-09-25', 11],
    ['Picked up JAVA_TOOL_OPTIONS: -Xss4m\nopenjdk version "21.0.2" 2024-01-16', 21],
  ])('reads %j as Java %i', (banner, version) => {
    expect(parseJavaVersion(banner)).toBe(version);
  });

  it.each(['', 'bash: java: command not found', 'Error: could not find libjava.so'])(
    'returns undefined for %j',
    (text) => {
      expect(parseJavaVersion(text)).toBeUndefined();
    },
  );
});
