import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

export const FUNCTION_NAMES = ['generator', 'classifier', 'committer', 'query'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

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
  sourcemap: true;
  sourcesContent: false;
  mainFields: string[];
  banner: string;
  externals: string[];
}

// ESM because hyparquet-writer is ESM only; the banner gives bundled CommonJS dependencies
// (kafkajs, avsc) the `require` they call for Node built-ins, which ESM output lacks.
const REQUIRE_SHIM =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

// DuckDB ships a native library; on AWS the query function uses Athena and loads DuckDB only for
// the local engine, so the module stays out of the bundle. The AWS SDK is bundled (not taken from
// the runtime) so the deployed SDK is the version the tests ran against.
const EXTERNALS: Record<FunctionName, string[]> = {
  generator: [],
  classifier: [],
  committer: [],
  query: ['@duckdb/node-api'],
};

export function bundleSpec(name: FunctionName, projectRoot: string): BundleSpec {
  return {
    entry: join(projectRoot, 'functions', name, 'handler.ts'),
    target: 'node22',
    format: 'esm',
    minify: true,
    sourcemap: true,
    // Stack traces need the mappings, not a copy of every source: halves the zipped bundle.
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: REQUIRE_SHIM,
    externals: EXTERNALS[name],
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
    sourcemap: spec.sourcemap,
    sourcesContent: spec.sourcesContent,
    mainFields: spec.mainFields,
    banner: { js: spec.banner },
    external: spec.externals,
    outfile: join(outdir, 'index.mjs'),
    logLevel: 'warning',
  };
}
