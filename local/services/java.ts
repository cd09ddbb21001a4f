import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { JavaNotFoundError } from './errors';
import { parseJavaVersion } from './java-version';

export interface JavaRuntime {
  /** Path of the `java` executable. */
  executable: string;
  version: number;
  /** Where it was found, for progress lines and error messages. */
  source: string;
}

const KNOWN_JVM_ROOTS = ['/usr/lib/jvm', '/opt/java', '/Library/Java/JavaVirtualMachines'];

function probe(executable: string, source: string): JavaRuntime | undefined {
  if (!existsSync(executable)) return undefined;
  const result = spawnSync(executable, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  const version = parseJavaVersion(`${result.stderr ?? ''}${result.stdout ?? ''}`);
  return version === undefined ? undefined : { executable, version, source };
}

function javaInHome(home: string): string {
  const macHome = join(home, 'Contents', 'Home', 'bin', 'java');
  return existsSync(macHome) ? macHome : join(home, 'bin', 'java');
}

function knownLocations(): string[] {
  return KNOWN_JVM_ROOTS.flatMap((root) => {
    if (!existsSync(root)) return [];
    return readdirSync(root).map((entry) => javaInHome(join(root, entry)));
  });
}

function onPath(env: NodeJS.ProcessEnv): string[] {
  return (env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'java'));
}

export interface JavaNeed {
  /** Who needs it, for the error message: `Nessie 0.99.0`, `the local services`. */
  purpose: string;
  /** Another way out, appended to the error message. */
  alternative?: string;
}

/**
 * Finds a Java of at least `minVersion`: SENSOR_ALERTS_JAVA_HOME alone when set (to force a
 * choice), otherwise JAVA_HOME, then the usual JVM folders (newest first), then `java` on PATH.
 */
export function findJava(
  minVersion: number,
  env: NodeJS.ProcessEnv = process.env,
  need: JavaNeed = { purpose: 'the local services' },
): JavaRuntime {
  const forced = env.SENSOR_ALERTS_JAVA_HOME;
  const candidates: { executable: string; source: string }[] = [];
  if (forced) {
    candidates.push({ executable: javaInHome(forced), source: 'SENSOR_ALERTS_JAVA_HOME' });
  } else {
    if (env.JAVA_HOME)
      candidates.push({ executable: javaInHome(env.JAVA_HOME), source: 'JAVA_HOME' });
    for (const executable of knownLocations()) candidates.push({ executable, source: executable });
    for (const executable of onPath(env)) candidates.push({ executable, source: 'PATH' });
  }
  const found: JavaRuntime[] = [];
  const seen = new Set<string>();
  for (const { executable, source } of candidates) {
    if (seen.has(executable)) continue;
    seen.add(executable);
    const runtime = probe(executable, source);
    if (runtime) found.push(runtime);
  }
  const fromEnv = found.filter((runtime) => runtime.source === 'JAVA_HOME' || forced);
  const preferred = [
    ...fromEnv,
    ...found.filter((r) => !fromEnv.includes(r)).sort((a, b) => b.version - a.version),
  ];
  const chosen = preferred.find((runtime) => runtime.version >= minVersion);
  if (chosen) return chosen;
  const seenText =
    found.length === 0
      ? 'no Java was found'
      : `found only ${found.map((r) => `Java ${r.version} (${r.executable})`).join(', ')}`;
  const where = forced ? `SENSOR_ALERTS_JAVA_HOME=${forced}: ` : '';
  const variable = forced ? 'SENSOR_ALERTS_JAVA_HOME (or unset it and use JAVA_HOME)' : 'JAVA_HOME';
  const alternative = need.alternative ? `, ${need.alternative}` : '';
  throw new JavaNotFoundError(
    `Java ${minVersion} or newer is needed for ${need.purpose}; ${where}${seenText}. ` +
      `Install a JDK ${minVersion}+ (for example Temurin 25) and point ${variable} at it${alternative}.`,
  );
}

export interface JavaRequirement {
  /** Shown in the error message, e.g. `Nessie 0.99.0`. */
  label: string;
  minJava: number;
  alternative?: string;
}

/**
 * One Java per service: services with the same minimum share one lookup, and each gets the
 * runtime `findJava` prefers for its minimum (so a JAVA_HOME of 17 still serves Kafka while
 * Nessie takes a newer JDK). Fails on the highest unmet minimum first.
 */
export function findJavas<Name extends string>(
  requirements: Partial<Record<Name, JavaRequirement>>,
  env: NodeJS.ProcessEnv = process.env,
): Partial<Record<Name, JavaRuntime>> {
  const entries = (Object.entries(requirements) as [Name, JavaRequirement | undefined][]).filter(
    (entry): entry is [Name, JavaRequirement] => entry[1] !== undefined,
  );
  const minimums = [...new Set(entries.map(([, need]) => need.minJava))].sort((a, b) => b - a);
  const byMinimum = new Map<number, JavaRuntime>();
  for (const minimum of minimums) {
    const needs = entries.filter(([, need]) => need.minJava === minimum).map(([, need]) => need);
    const alternative = needs.find((need) => need.alternative)?.alternative;
    const purpose = needs.map((need) => need.label).join(' and ');
    byMinimum.set(
      minimum,
      findJava(minimum, env, alternative ? { purpose, alternative } : { purpose }),
    );
  }
  return Object.fromEntries(
    entries.map(([name, need]) => [name, byMinimum.get(need.minJava) as JavaRuntime]),
  ) as Partial<Record<Name, JavaRuntime>>;
}
