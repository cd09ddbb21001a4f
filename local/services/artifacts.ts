import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { DownloadError, MavenMissingError } from './errors';
import { aggregatorPom, modulePom, parseCoordinates, repositoryPath } from './maven-pom';
import { type ArtifactSet, SERVICE_NAMES, type ServiceName } from './versions';

/** Runtime classpath of each service, every entry a jar inside the cache. */
export type Classpaths = Record<ServiceName, string[]>;

interface Manifest {
  key: string;
  classpaths: Classpaths;
  sha256: Record<string, string>;
}

const MANIFEST_VERSION = 2;

export type ArtifactSets = Record<ServiceName, ArtifactSet>;

function cacheKey(artifacts: ArtifactSets): string {
  return createHash('sha256').update(JSON.stringify({ MANIFEST_VERSION, artifacts })).digest('hex');
}

export function sha256Of(file: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

async function readManifest(file: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** A manifest is trusted only if every jar is still there with the recorded content. */
async function verified(
  manifest: Manifest | undefined,
  key: string,
): Promise<Classpaths | undefined> {
  if (!manifest || manifest.key !== key) return undefined;
  const jars = SERVICE_NAMES.flatMap((service) => manifest.classpaths[service] ?? []);
  if (jars.length === 0) return undefined;
  for (const jar of jars) {
    if (!existsSync(jar) || manifest.sha256[jar] !== (await sha256Of(jar))) return undefined;
  }
  return manifest.classpaths;
}

function runMaven(buildDir: string, repoDir: string, logFile: string): Promise<void> {
  const probe = spawnSync('mvn', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new MavenMissingError(
      'Maven (`mvn`) is needed once to download the service jars and was not found: ' +
        'install it (e.g. `apt-get install maven`) and run `npm run services:up` again.',
      { cause: probe.error },
    );
  }
  const args = [
    '-B',
    '-q',
    '-C', // fail on a checksum mismatch instead of warning
    '-T',
    '3',
    `-Dmaven.repo.local=${repoDir}`,
    '-f',
    join(buildDir, 'pom.xml'),
    'validate',
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', async (code) => {
      await writeFile(logFile, output);
      if (code === 0) resolvePromise();
      else
        reject(
          new DownloadError(
            `Downloading the service jars with mvn failed (exit ${code}); see ${logFile}. ` +
              'Check the network access to Maven Central (or your ~/.m2/settings.xml mirror) and retry.',
          ),
        );
    });
  });
}

export interface ResolveResult {
  classpaths: Classpaths;
  downloaded: boolean;
}

async function classpathOf(
  service: ServiceName,
  artifacts: ArtifactSet,
  buildDir: string,
  repoDir: string,
): Promise<string[]> {
  if (artifacts.transitive) {
    const text = await readFile(join(buildDir, service, 'classpath.txt'), 'utf8');
    return text.trim().split(delimiter).filter(Boolean);
  }
  await rm(join(buildDir, service, 'copied'), { recursive: true, force: true });
  return artifacts.dependencies.map((text) => repositoryPath(repoDir, parseCoordinates(text)));
}

/**
 * Returns the classpaths from the cache when its manifest checks out; otherwise generates the
 * Maven projects and lets `mvn` resolve the pinned versions into the cache first. Each set of
 * versions (one per catalog choice) has its own manifest, so switching catalogs stays cached.
 */
export async function resolveArtifacts(
  cache: string,
  artifacts: ArtifactSets,
  logFile: string,
  onDownload: () => void,
): Promise<ResolveResult> {
  const key = cacheKey(artifacts);
  const buildDir = join(cache, 'build');
  const repoDir = join(cache, 'maven-repository');
  const manifestFile = join(cache, 'manifests', `${key.slice(0, 16)}.json`);
  const cached = await verified(await readManifest(manifestFile), key);
  if (cached) return { classpaths: cached, downloaded: false };

  onDownload();
  await mkdir(buildDir, { recursive: true });
  await mkdir(dirname(logFile), { recursive: true });
  await mkdir(dirname(manifestFile), { recursive: true });
  await writeFile(join(buildDir, 'pom.xml'), aggregatorPom());
  for (const service of SERVICE_NAMES) {
    await mkdir(join(buildDir, service), { recursive: true });
    await writeFile(join(buildDir, service, 'pom.xml'), modulePom(service, artifacts[service]));
  }
  await runMaven(buildDir, repoDir, logFile);

  const classpaths = {} as Classpaths;
  const sha256: Record<string, string> = {};
  for (const service of SERVICE_NAMES) {
    classpaths[service] = await classpathOf(service, artifacts[service], buildDir, repoDir);
    for (const jar of classpaths[service]) sha256[jar] = await sha256Of(jar);
  }
  const manifest: Manifest = { key, classpaths, sha256 };
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { classpaths, downloaded: true };
}
