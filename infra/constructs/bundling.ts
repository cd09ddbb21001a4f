import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

export const FUNCTION_NAMES = [
  'generator',
  'classifier',
  'committer',
  'query',
  'maintenance',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Where a bundle runs: AWS Lambda, or LocalStack's Lambda on the machine that deploys. */
export type BundleTarget = 'aws' | 'localstack';

/**
 * The one description of how a function is bundled. The stack (NodejsFunction) and
 * scripts/bundle-sizes.ts (esbuild API) both derive their options from it, so the sizes measured
 * are the sizes deployed.
 */
export interface BundleSpec {
  entry: string;
  target: string;
  format: 'esm';
  minify: true;
  /** Class and function names survive minification: error names (errorType) stay readable. */
  keepNames: true;
  sourcemap: true;
  sourcesContent: false;
  mainFields: string[];
  banner: string;
  externals: string[];
  /** Replaced at bundle time; lets the minifier drop code paths this target never takes. */
  define: Record<string, string>;
  /**
   * Packages copied beside the bundle into `node_modules/` (with their dependencies), for
   * modules that cannot be bundled, such as a native library. Paths relative to the project root.
   */
  shippedPackages: string[];
}

// ESM because hyparquet-writer is ESM only; the banner gives bundled CommonJS dependencies
// (kafkajs, avsc) the `require` they call for Node built-ins, which ESM output lacks.
const REQUIRE_SHIM =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/** The query engines a query bundle carries (functions/query/create-engine.ts reads it). */
export const QUERY_ENGINES_DEFINE = 'process.env.SENSOR_ALERTS_QUERY_ENGINES';

/**
 * DuckDB ships a 68 MB native library and cannot be bundled. On AWS the query function uses
 * Athena: the bundle carries neither the local engine nor DuckDB. On LocalStack (no Athena) it
 * uses the local engine, and DuckDB's packages for the deploying machine are shipped beside the
 * bundle, since LocalStack's functions run there. The AWS SDK is bundled (not taken from the
 * runtime) so the deployed SDK is the version the tests ran against.
 */
function queryTarget(target: BundleTarget): Pick<BundleSpec, 'define' | 'shippedPackages'> {
  return target === 'aws'
    ? { define: { [QUERY_ENGINES_DEFINE]: '"athena"' }, shippedPackages: [] }
    : { define: { [QUERY_ENGINES_DEFINE]: '"local"' }, shippedPackages: ['@duckdb/node-api'] };
}

export function bundleSpec(
  name: FunctionName,
  projectRoot: string,
  target: BundleTarget = 'aws',
): BundleSpec {
  const perTarget =
    name === 'query' ? queryTarget(target) : { define: {}, shippedPackages: [] as string[] };
  return {
    entry: join(projectRoot, 'functions', name, 'handler.ts'),
    target: 'node22',
    format: 'esm',
    minify: true,
    keepNames: true,
    sourcemap: true,
    // Stack traces need the mappings, not a copy of every source: halves the zipped bundle.
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: REQUIRE_SHIM,
    externals: name === 'query' ? ['@duckdb/node-api'] : [],
    ...perTarget,
  };
}

/** esbuild API options equal to what NodejsFunction passes to the esbuild CLI. */
export function esbuildOptions(spec: BundleSpec, outdir: string): BuildOptions {
  return {
    entryPoints: [spec.entry],
    bundle: true,
    platform: 'node',
    target: spec.target,
    format: spec.format,
    minify: spec.minify,
    keepNames: spec.keepNames,
    sourcemap: spec.sourcemap,
    sourcesContent: spec.sourcesContent,
    mainFields: spec.mainFields,
    banner: { js: spec.banner },
    external: spec.externals,
    define: spec.define,
    outfile: join(outdir, 'index.mjs'),
    logLevel: 'warning',
  };
}

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * The shipped packages and everything they depend on that is installed (optional dependencies
 * for other platforms are not), as folders under `node_modules/`, sorted.
 */
export function shippedPackageDirs(spec: BundleSpec, projectRoot: string): string[] {
  const found = new Set<string>();
  const visit = (name: string) => {
    const dir = join('node_modules', name);
    if (found.has(dir) || !existsSync(join(projectRoot, dir, 'package.json'))) return;
    found.add(dir);
    const pkg = JSON.parse(
      readFileSync(join(projectRoot, dir, 'package.json'), 'utf8'),
    ) as PackageJson;
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
  };
  for (const name of spec.shippedPackages) {
    if (!existsSync(join(projectRoot, 'node_modules', name, 'package.json'))) {
      throw new Error(`${name} is shipped with the bundle but not installed: run npm ci`);
    }
    visit(name);
  }
  return [...found].sort();
}

/** Shell commands that copy the shipped packages from `inputDir` into `outputDir`. */
export function shipPackagesCommands(
  spec: BundleSpec,
  projectRoot: string,
  inputDir: string,
  outputDir: string,
): string[] {
  return shippedPackageDirs(spec, projectRoot).map((dir) => {
    const parent = join(outputDir, dir, '..');
    return `mkdir -p "${parent}" && cp -R "${join(inputDir, dir)}" "${parent}/"`;
  });
}
