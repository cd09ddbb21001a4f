/**
 * Bundles each function exactly as the CDK stack does (same options, from
 * infra/constructs/bundling.ts) and prints raw and zipped sizes, the figure Lambda limits and
 * cold starts care about: every function for AWS, and the query function for LocalStack too,
 * whose asset also carries DuckDB's packages. Usage: npm run bundle:sizes [-- --max-zipped-mb 2]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  type BundleTarget,
  bundleSpec,
  esbuildOptions,
  FUNCTION_NAMES,
  type FunctionName,
  shippedPackageDirs,
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
  target: BundleTarget;
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

/** Every file under `dir`, recursively, as paths relative to `root`. */
function filesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(join(root, path)).isDirectory() ? filesUnder(root, path) : [path];
  });
}

export async function measure(fn: FunctionName, target: BundleTarget = 'aws'): Promise<BundleSize> {
  const outdir = mkdtempSync(join(tmpdir(), `bundle-${fn}-`));
  try {
    const spec = bundleSpec(fn, PROJECT_ROOT, target);
    await build(esbuildOptions(spec, outdir));
    const names = readdirSync(outdir).sort();
    const bundle = zipSize(names.map((name) => ({ name, data: readFileSync(join(outdir, name)) })));
    // Shipped packages, summed into one line per package.
    const shipped = shippedPackageDirs(spec, PROJECT_ROOT).map((dir) => {
      const parts = zipSize(
        filesUnder(PROJECT_ROOT, dir).map((path) => ({
          name: relative(PROJECT_ROOT, join(PROJECT_ROOT, path)),
          data: readFileSync(join(PROJECT_ROOT, path)),
        })),
      );
      return {
        name: dir,
        raw: parts.reduce((sum, f) => sum + f.raw, 0),
        zipped: parts.reduce((sum, f) => sum + f.zipped, 0),
      };
    });
    const files = [...bundle, ...shipped];
    return {
      fn,
      target,
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
  for (const fn of FUNCTION_NAMES) rows.push(await measure(fn, 'aws'));
  rows.push(await measure('query', 'localstack'));
  console.log('function             file                                      raw         zipped');
  for (const row of rows) {
    const label = `${row.fn} (${row.target})`.padEnd(20);
    for (const f of row.files) {
      console.log(
        `${label} ${f.name.padEnd(38)} ${mb(f.raw).padStart(9)}  ${mb(f.zipped).padStart(9)}`,
      );
    }
    console.log(
      `${label} ${'(zip total)'.padEnd(38)} ${mb(row.raw).padStart(9)}  ${mb(row.zipped).padStart(9)}`,
    );
  }
  // The limit applies to the AWS bundles; LocalStack's query asset carries DuckDB's native library.
  const over = rows.filter((r) => r.target === 'aws' && r.zipped > maxZippedMb * 1024 * 1024);
  if (over.length > 0) {
    console.error(
      `over ${maxZippedMb} MB zipped: ${over.map((r) => `${r.fn} (${r.target})`).join(', ')}`,
    );
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
