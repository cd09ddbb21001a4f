/**
 * Major version from the first line of `java -version` output:
 * `openjdk version "17.0.15" 2025-04-15` -> 17, `java version "1.8.0_292"` -> 8,
 * `openjdk version "21-ea"` -> 21. Undefined when the text is not a version banner.
 */
export function parseJavaVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  // Java 8 and older report themselves as 1.x.
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}
