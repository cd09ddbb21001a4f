/**
 * Bundles each function exactly as the CDK stack does (same options, from
 * infra/constructs/bundling.ts) and prints raw and zipped sizes, the figure Lambda limits and
 * cold starts care about. Usage: npm run bundle:sizes [-- --max-zipped-mb 2]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  bundleSpec,
  esbuildOptions,
  FUNCTION_NAMES,
  type FunctionName,
} from '../infra/constructs/bundling';
import { PROJECT_ROOT } from '../infra/constructs/pipeline-function';

// Zip overhead per entry: local file header (30) and central directory header (46), each with
// the name; plus the end-of-central-directory record (22).
const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;

interface FileSize {
  name: string;
  raw: number;
  zipped: number;
}

export interface BundleSize {
  fn: FunctionName;
  files: FileSize[];
  raw: number;
  zipped: number;
}

/** Size of a zip of the files with deflate at level 9, computed without writing it. */
export function zipSize(files: { name: string; data: Buffer }[]): FileSize[] {
  return files.map(({ name, data }) => {
    const nameLength = Buffer.byteLength(name);
    const deflated = deflateRawSync(data, { level: 9 }).length;
    return {
      name,
      raw: data.length,
      zipped: LOCAL_HEADER + CENTRAL_HEADER + 2 * nameLength + Math.min(deflated, data.length),
    };
  });
}

export async function measure(fn: FunctionName): Promise<BundleSize> {
  const outdir = mkdtempSync(join(tmpdir(), `bundle-${fn}-`));
  try {
    await build(esbuildOptions(bundleSpec(fn, PROJECT_ROOT), outdir));
    const names = readdirSync(outdir).sort();
    const files = zipSize(names.map((name) => ({ name, data: readFileSync(join(outdir, name)) })));
    return {
      fn,
      files,
      raw: files.reduce((sum, f) => sum + f.raw, 0),
      zipped: files.reduce((sum, f) => sum + f.zipped, END_RECORD),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--max-zipped-mb');
  const maxZippedMb = flag >= 0 ? Number(process.argv[flag + 1]) : 2;
  if (!(maxZippedMb > 0)) {
    console.error(
      `--max-zipped-mb must be a positive number, got "${process.argv[flag + 1] ?? ''}"`,
    );
    process.exit(2);
  }
  const rows: BundleSize[] = [];
  for (const fn of FUNCTION_NAMES) rows.push(await measure(fn));
  console.log('function    file              raw         zipped');
  for (const row of rows) {
    for (const f of row.files) {
      console.log(
        `${row.fn.padEnd(11)} ${f.name.padEnd(17)} ${mb(f.raw).padStart(9)}  ${mb(f.zipped).padStart(9)}`,
      );
    }
    console.log(
      `${row.fn.padEnd(11)} ${'(zip total)'.padEnd(17)} ${mb(row.raw).padStart(9)}  ${mb(row.zipped).padStart(9)}`,
    );
  }
  // DuckDB stays external to the query bundle, so only the Kafka-side functions carry the limit.
  const over = rows.filter((r) => r.fn !== 'query' && r.zipped > maxZippedMb * 1024 * 1024);
  if (over.length > 0) {
    console.error(`over ${maxZippedMb} MB zipped: ${over.map((r) => r.fn).join(', ')}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
