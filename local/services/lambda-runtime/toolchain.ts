import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { sha256Of } from '../artifacts';
import { requireCommands, runLogged } from '../commands';
import { withLock } from '../lock';
import { LAMBDA_RUNTIME, RUNTIME_PACKAGES_DIR } from './versions';

/** Where the built local Lambda runtime lives. */
export interface LambdaRuntimeTools {
  /** The aws-lambda-rie executable. */
  rie: string;
  /** The Node 22 executable. */
  node: string;
  /** aws-lambda-ric's entry point (index.mjs), run with `node`. */
  ric: string;
}

interface Manifest {
  key: string;
  tools: LambdaRuntimeTools;
  sha256: Record<string, string>;
}

export interface EnsureOptions {
  cache: string;
  report?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

async function cacheKey(): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify({ version: 1, ...LAMBDA_RUNTIME }));
  for (const part of ['node', 'ric']) {
    hash.update(await readFile(join(RUNTIME_PACKAGES_DIR, part, 'package-lock.json')));
  }
  return hash.digest('hex').slice(0, 16);
}

function toolsIn(dir: string): LambdaRuntimeTools {
  return {
    rie: join(dir, 'bin', 'aws-lambda-rie'),
    node: join(dir, 'node', 'node_modules', 'node', 'bin', 'node'),
    ric: join(dir, 'ric', 'node_modules', 'aws-lambda-ric', 'index.mjs'),
  };
}

/** The native part of the runtime client, checked with the rest. */
function nativeClient(tools: LambdaRuntimeTools): string {
  return join(tools.ric, '..', 'rapid-client.node');
}

async function checkedFiles(tools: LambdaRuntimeTools): Promise<Record<string, string>> {
  const files = [tools.rie, tools.node, tools.ric, nativeClient(tools)];
  const sums: Record<string, string> = {};
  for (const file of files) sums[file] = await sha256Of(file);
  return sums;
}

async function verified(
  manifestFile: string,
  key: string,
): Promise<LambdaRuntimeTools | undefined> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.key !== key) return undefined;
  for (const [file, sum] of Object.entries(manifest.sha256)) {
    if (!existsSync(file) || (await sha256Of(file)) !== sum) return undefined;
  }
  return manifest.tools;
}

/**
 * Returns the local Lambda runtime from the cache, building it first when the cache does not
 * hold this exact set (checked by sha256 of every executable): the emulator with `go install`
 * (about a minute), Node 22 from npm (seconds), then aws-lambda-ric from npm on that Node (its
 * native part compiles in about two minutes). Concurrent callers wait for one build.
 */
export async function ensureLambdaRuntime(options: EnsureOptions): Promise<LambdaRuntimeTools> {
  const key = await cacheKey();
  const root = join(options.cache, 'lambda-runtime');
  const dir = join(root, key);
  const manifestFile = join(dir, 'manifest.json');
  const cached = await verified(manifestFile, key);
  if (cached) return cached;
  await mkdir(root, { recursive: true });
  return withLock(
    join(root, `${key}.lock`),
    (holder) => options.report?.(`waiting for another build of the Lambda runtime (pid ${holder})`),
    async () => {
      const done = await verified(manifestFile, key);
      if (done) return done;
      return build(dir, key, manifestFile, options);
    },
    30 * 60_000,
  );
}

async function build(
  dir: string,
  key: string,
  manifestFile: string,
  options: EnsureOptions,
): Promise<LambdaRuntimeTools> {
  const env = options.env ?? process.env;
  requireCommands(
    [
      { command: 'go', args: ['version'], fix: 'install Go 1.24+ (e.g. `apt-get install golang`)' },
      { command: 'g++', fix: 'install a C++ toolchain (e.g. `apt-get install build-essential`)' },
      { command: 'make', fix: 'install make (e.g. `apt-get install build-essential`)' },
      { command: 'cmake', fix: 'install CMake (e.g. `apt-get install cmake`)' },
    ],
    'Building the local Lambda runtime (emulator and runtime interface client)',
  );
  const began = Date.now();
  options.report?.(
    `building the local Lambda runtime into ${dir} (first use only, about 3 minutes)...`,
  );
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const logFile = join(dir, 'build.log');
  const tools = toolsIn(dir);
  const npmInstall = async (part: 'node' | 'ric', path: string) => {
    await mkdir(join(dir, part), { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) {
      await copyFile(join(RUNTIME_PACKAGES_DIR, part, file), join(dir, part, file));
    }
    await runLogged({
      command: 'npm',
      args: ['ci', '--no-audit', '--no-fund', '--foreground-scripts'],
      cwd: join(dir, part),
      env: { ...env, PATH: [path, env.PATH ?? ''].filter(Boolean).join(delimiter) },
      logFile,
      what: `installing ${part === 'node' ? `node@${LAMBDA_RUNTIME.nodeVersion}` : `aws-lambda-ric@${LAMBDA_RUNTIME.ricVersion}`}`,
    });
  };
  const emulator = runLogged({
    command: 'go',
    args: ['install', `${LAMBDA_RUNTIME.rieModule}@${LAMBDA_RUNTIME.rieVersion}`],
    env: { ...env, GOBIN: join(dir, 'bin'), CGO_ENABLED: '0' },
    logFile,
    what: 'building the Lambda Runtime Interface Emulator with go install',
  });
  const client = (async () => {
    await npmInstall('node', '');
    // The runtime client's install builds its native part for the Node it runs on: Node 22.
    await npmInstall('ric', join(tools.node, '..'));
  })();
  await Promise.all([emulator, client]);
  const manifest: Manifest = { key, tools, sha256: await checkedFiles(tools) };
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  options.report?.(
    `built the local Lambda runtime in ${((Date.now() - began) / 1000).toFixed(0)}s`,
  );
  return tools;
}
