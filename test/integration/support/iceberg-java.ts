import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findJava } from '../../../local/services/java';
import { cacheDir } from '../../../local/services/paths';

const run = promisify(execFile);

/**
 * The Iceberg Java API the tests compare against, pinned; resolved once with Maven into the
 * shared cache (checksums enforced with -C, and each jar's sha256 recorded and checked again).
 */
const DEPENDENCIES = [
  'org.apache.iceberg:iceberg-core:1.10.1',
  'org.apache.iceberg:iceberg-data:1.10.1',
  'org.apache.iceberg:iceberg-parquet:1.10.1',
  'org.apache.iceberg:iceberg-aws:1.10.1',
  'org.apache.iceberg:iceberg-aws-bundle:1.10.1',
  'org.apache.hadoop:hadoop-client-api:3.4.1',
  'org.apache.hadoop:hadoop-client-runtime:3.4.1',
  'org.slf4j:slf4j-nop:2.0.16',
];

const TOOL = join(dirname(fileURLToPath(import.meta.url)), 'java', 'IcebergJavaTool.java');

function pom(): string {
  const deps = DEPENDENCIES.map((c) => {
    const [g, a, v] = c.split(':');
    return `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tests</groupId><artifactId>iceberg-java</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
  <build><plugins><plugin>
    <groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId>
    <version>3.8.1</version>
    <executions><execution><id>classpath</id><phase>validate</phase><goals><goal>build-classpath</goal></goals>
      <configuration><includeScope>runtime</includeScope><outputFile>\${project.basedir}/classpath.txt</outputFile></configuration>
    </execution></executions>
  </plugin></plugins></build>
</project>
`;
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

let classpath: Promise<string[]> | undefined;

async function resolve(): Promise<string[]> {
  const key = createHash('sha256').update(JSON.stringify(DEPENDENCIES)).digest('hex').slice(0, 16);
  const dir = join(cacheDir(), 'iceberg-java', key);
  const manifest = join(dir, 'manifest.json');
  if (existsSync(manifest)) {
    const recorded = JSON.parse(await readFile(manifest, 'utf8')) as Record<string, string>;
    const jars = Object.keys(recorded);
    const intact = await Promise.all(
      jars.map(async (jar) => existsSync(jar) && (await sha256(jar)) === recorded[jar]),
    );
    if (jars.length > 0 && intact.every(Boolean)) return jars;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'pom.xml'), pom());
  const repo = join(cacheDir(), 'maven-repository');
  try {
    await run(
      'mvn',
      ['-B', '-q', '-C', `-Dmaven.repo.local=${repo}`, '-f', join(dir, 'pom.xml'), 'validate'],
      {
        timeout: 900_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (cause) {
    throw new Error(`mvn could not resolve the Iceberg Java API for the tests: ${String(cause)}`, {
      cause,
    });
  }
  const jars = (await readFile(join(dir, 'classpath.txt'), 'utf8')).trim().split(':');
  const recorded: Record<string, string> = {};
  for (const jar of jars) recorded[jar] = await sha256(jar);
  await writeFile(manifest, JSON.stringify(recorded, null, 2));
  return jars;
}

export interface JavaToolArgs {
  [key: string]: unknown;
  uri: string;
  warehouse: string;
  namespace: string;
  table: string;
  s3_endpoint: string;
  s3_region: string;
  s3_access_key_id: string;
  s3_secret_access_key: string;
}

/** Runs one operation of IcebergJavaTool.java (source launch) and returns its JSON answer. */
export async function icebergJava<T>(
  op: string,
  args: JavaToolArgs & Record<string, unknown>,
): Promise<T> {
  classpath ??= resolve().catch((error) => {
    classpath = undefined;
    throw error;
  });
  const jars = await classpath;
  const java = findJava(17, process.env, { purpose: 'the Iceberg Java API in the tests' });
  const child = spawn(java.executable, ['-Xmx512m', '-cp', jars.join(':'), TOOL], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(JSON.stringify({ ...args, op }));
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    err += chunk;
  });
  const code = await new Promise<number | null>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', resolvePromise);
  });
  if (code !== 0) throw new Error(`IcebergJavaTool ${op} exited ${code}: ${err.slice(-4000)}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}
