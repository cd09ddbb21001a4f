import { cpSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { parseConfig } from '../../../infra/config';
import {
  type BundleTarget,
  bundleSpec,
  esbuildOptions,
  type FunctionName,
  shippedPackageDirs,
} from '../../../infra/constructs/bundling';
import { functionEnv } from '../../../infra/constructs/function-env';
import { PROJECT_ROOT } from '../../../infra/constructs/pipeline-function';
import { localEndpoints } from '../../endpoints';
import { EmulatedFunction } from './emulator';
import type { LambdaRuntimeTools } from './toolchain';

/** The table, topic and group a staged function works on. */
export interface StagedNames {
  namespace: string;
  table: string;
  topic: string;
  groupId: string;
}

/**
 * The environment the stack deploys a function with on the localstack target, pointed at the
 * local services: the same function-env.ts code, so what runs here is configured as deployed.
 */
export function localFunctionEnv(fn: FunctionName, names: StagedNames): Record<string, string> {
  const endpoints = localEndpoints();
  const brokers = endpoints.kafkaBrokers;
  const config = parseConfig({
    target: 'localstack',
    namespace: names.namespace,
    table: names.table,
    topic: names.topic,
    consumerGroupId: names.groupId,
    streaming: {
      mode: 'self-managed',
      bootstrapServers: brokers,
      authentication: 'none',
      tls: false,
    },
    localstack: {
      s3Endpoint: endpoints.s3Endpoint,
      catalogUri: endpoints.catalogUri,
      warehouse: endpoints.catalogWarehouse,
      warehouseBucket: endpoints.warehouseBucket,
    },
  });
  return {
    ...functionEnv(fn, config, {
      region: endpoints.s3Region,
      account: '000000000000',
      urlSuffix: 'amazonaws.com',
      deadLetterBucket: endpoints.warehouseBucket,
      kafka: { brokers, auth: 'none', tls: false },
    }),
    AWS_REGION: endpoints.s3Region,
    AWS_DEFAULT_REGION: endpoints.s3Region,
  };
}

/** The function's folder as the stack's asset holds it: the bundle and any shipped packages. */
export async function stageBundle(
  fn: FunctionName,
  target: BundleTarget,
  dir: string,
): Promise<void> {
  const spec = bundleSpec(fn, PROJECT_ROOT, target);
  await build(esbuildOptions(spec, dir));
  for (const pkg of shippedPackageDirs(spec, PROJECT_ROOT)) {
    mkdirSync(join(dir, pkg, '..'), { recursive: true });
    cpSync(join(PROJECT_ROOT, pkg), join(dir, pkg), { recursive: true });
  }
}

export interface StagedFunction {
  fn: EmulatedFunction;
  codeDir: string;
  /** Stops the function and deletes its folders. */
  dispose(): Promise<void>;
}

/** Bundles a function for LocalStack's target and starts it under the emulator, not yet initialised. */
export async function startStagedFunction(
  name: FunctionName,
  tools: LambdaRuntimeTools,
  environment: Record<string, string>,
  options: { timeoutSeconds?: number; memoryMb?: number; codeDir?: string } = {},
): Promise<StagedFunction> {
  const root = await mkdtemp(join(tmpdir(), `lambda-${name}-`));
  const codeDir = options.codeDir ?? join(root, 'task');
  if (!options.codeDir) await stageBundle(name, 'localstack', codeDir);
  const tmpDir = join(root, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  const fn = await EmulatedFunction.start({
    tools,
    codeDir,
    handler: 'index.handler',
    environment,
    timeoutSeconds: options.timeoutSeconds ?? 120,
    memoryMb: options.memoryMb ?? 1024,
    functionName: `sensor-alerts-${name}`,
    tmpDir,
  });
  return {
    fn,
    codeDir,
    dispose: async () => {
      await fn.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
