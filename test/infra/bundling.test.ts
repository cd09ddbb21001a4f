import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleSpec, esbuildOptions, type FunctionName } from '../../infra/constructs/bundling';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function';
import { synth } from './synth';

const FUNCTIONS = [
  ['generator', 'Produces'],
  ['classifier', 'Classifies'],
  ['query', 'Alert analytics'],
  ['topics', 'Kafka topics'],
] as const;

/** The deploy-time topic provisioner is bundled like the generator, from its own entry. */
function specOf(name: (typeof FUNCTIONS)[number][0]) {
  if (name === 'topics') {
    return {
      ...bundleSpec('generator', PROJECT_ROOT),
      entry: join(PROJECT_ROOT, 'functions/generator/topics-handler.ts'),
    };
  }
  return bundleSpec(name as FunctionName, PROJECT_ROOT);
}

// Stand-ins for the values CloudFormation fills in at deploy time.
function resolveForTest(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) {
    const refs: Record<string, string> = {
      'AWS::Region': 'eu-west-1',
      'AWS::AccountId': '123456789012',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    // A Ref to an SNS topic is its ARN.
    if (String(v.Ref).startsWith('AlertNotificationsTopic')) {
      return 'arn:aws:sns:eu-west-1:123456789012:sensor-alerts';
    }
    return refs[v.Ref as string] ?? `ref-${String(v.Ref).toLowerCase()}`;
  }
  if ('Fn::GetAtt' in v) {
    const [, attribute] = v['Fn::GetAtt'] as [string, string];
    return attribute === 'BootstrapBrokerStringSaslIam' ? 'b-1.example.com:9098' : 'attribute';
  }
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveForTest).join(separator);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('function bundles', () => {
  // Five bundles on a shared 2-core machine can take longer than the default minute.
  it('bundles every function with the local esbuild during synthesis (no Docker)', {
    timeout: 240_000,
  }, () => {
    // Act
    const { app, template } = synth('aws-msk-serverless', { bundle: true });

    // Assess
    for (const [, description] of FUNCTIONS) {
      const fn = template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp(description) },
      });
      const [resource] = Object.values(fn);
      const key = resource?.Properties.Code.S3Key as string;
      const asset = join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
      expect(existsSync(join(asset, 'index.mjs')), `${description}: ${asset}`).toBe(true);
      expect(existsSync(join(asset, 'index.mjs.map'))).toBe(true);
    }
  });

  it.each(FUNCTIONS)(
    'loads the %s bundle as ESM in Node and accepts the environment the stack gives it',
    async (name, description) => {
      // Prepare: the bundle scripts/bundle-sizes.ts measures, with the deployed environment.
      const outdir = mkdtempSync(join(tmpdir(), `bundle-${name}-`));
      outdirs.push(outdir);
      await build(esbuildOptions(specOf(name), outdir));
      const { template } = synth('aws-msk-serverless');
      const [resource] = Object.values(
        template.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp(description) },
        }),
      );
      const variables = resource?.Properties.Environment.Variables as Record<string, unknown>;
      const env = Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [k, resolveForTest(v)]),
      );
      const entry = pathToFileURL(join(outdir, 'index.mjs')).href;

      // Act: a cold start without the project's node_modules, as on Lambda.
      const output = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(entry)}); console.log(typeof m.handler);`,
        ],
        {
          cwd: outdir,
          // AWS_EXECUTION_ENV: as in Lambda, so the X-Ray tracer starts enabled.
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'eu-west-1',
            AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
            ...env,
            NODE_OPTIONS: '',
          },
          encoding: 'utf8',
        },
      );

      // Assess
      expect(output.trim()).toBe('function');
      // The tracer, loaded only where tracing is on, is in the bundle rather than imported.
      const code = readFileSync(join(outdir, 'index.mjs'), 'utf8');
      expect(code).not.toMatch(/import\(\s*["']@aws-lambda-powertools\/tracer["']\s*\)/);
      expect(code).toContain('_X_AMZN_TRACE_ID');
    },
  );

  it('keeps error class names through minification', async () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'bundle-names-'));
    outdirs.push(outdir);
    await build(esbuildOptions(bundleSpec('query', PROJECT_ROOT, 'localstack'), outdir));
    const entry = pathToFileURL(join(outdir, 'index.mjs')).href;

    // Act: the name an error of the bundle reports (what Lambda shows as errorType).
    const output = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(entry)});
         const r = await m.handler({ query: 'no-such-query' }, { getRemainingTimeInMillis: () => 1000 }).catch((e) => e);
         console.log(r.name);`,
      ],
      {
        cwd: outdir,
        env: {
          PATH: process.env.PATH,
          QUERY_ENGINE: 'local',
          ICEBERG_CATALOG_URI: 'http://127.0.0.1:9/iceberg',
          ICEBERG_S3_ENDPOINT: 'http://127.0.0.1:9',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
        encoding: 'utf8',
      },
    );

    // Assess
    expect(output.trim()).toBe('QueryRequestError');
  });

  it("leaves the local engine and DuckDB out of the AWS query bundle and Athena out of LocalStack's", async () => {
    // Prepare
    const text = async (target: 'aws' | 'localstack') => {
      const outdir = mkdtempSync(join(tmpdir(), `bundle-query-${target}-`));
      outdirs.push(outdir);
      await build(esbuildOptions(bundleSpec('query', PROJECT_ROOT, target), outdir));
      return readFileSync(join(outdir, 'index.mjs'), 'utf8');
    };

    // Act
    const [aws, local] = [await text('aws'), await text('localstack')];

    // Assess
    expect(aws).toContain('StartQueryExecution');
    expect(aws).not.toContain('@duckdb/node-api');
    expect(aws).not.toContain('read_parquet');
    expect(local).toContain('@duckdb/node-api');
    expect(local).toContain('read_parquet');
    expect(local).not.toContain('StartQueryExecution');
  });

  it('ships DuckDB with the LocalStack query asset and nothing beside the other bundles', () => {
    // Act
    const { app, template } = synth('localstack', { bundle: true });

    // Assess
    const assetOf = (description: string) => {
      const [resource] = Object.values(
        template.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp(description) },
        }),
      );
      const key = resource?.Properties.Code.S3Key as string;
      return join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    };
    const query = assetOf('Alert analytics');
    expect(existsSync(join(query, 'node_modules', '@duckdb', 'node-api', 'package.json'))).toBe(
      true,
    );
    expect(existsSync(join(query, 'node_modules', '@duckdb', 'node-bindings'))).toBe(true);
    expect(readdirSync(assetOf('Classifies')).sort()).toEqual(['index.mjs', 'index.mjs.map']);
  }, 300_000);
});
