import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function';
import { localEndpoints } from '../../local/endpoints';
import { down, status, up } from '../../local/services/manager';
import { LOCAL_SERVICE_NAMES, type LocalServiceName } from '../../local/services/versions';
import { type DeployedStack, localstackEnv, OUTPUTS_FILE } from './support/deployment';

const report = (line: string) => console.log(`[localstack] ${line}`);

declare module 'vitest' {
  export interface ProvidedContext {
    deployed: DeployedStack;
  }
}

/** Runs one of the project's LocalStack scripts, its output in the test log. */
function script(name: string, args: string[]): { status: number | null; ms: number } {
  const began = Date.now();
  const result = spawnSync('bash', [join(PROJECT_ROOT, 'localstack', name), ...args], {
    cwd: PROJECT_ROOT,
    env: localstackEnv(),
    stdio: 'inherit',
  });
  return { status: result.status, ms: Date.now() - began };
}

/**
 * Starts what is not running of Kafka, S3, the catalog and LocalStack (a plain process whose
 * Lambda functions run under the Runtime Interface Emulator), then deploys the stack with
 * `npm run deploy:local`, whose cdklocal bundles, publishes and creates everything as for a user.
 * The run's own table, topic and group keep it apart from anything else in the services.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const before = await status();
  const missing: LocalServiceName[] = before
    .filter((entry) => entry.state !== 'running' && entry.state !== 'external')
    .map((entry) => entry.service);
  let started: LocalServiceName[] = [];
  if (missing.length > 0) {
    report(`starting ${missing.join(', ')} for this run; stopping them again when it ends`);
    ({ started } = await up({ report, services: LOCAL_SERVICE_NAMES }));
  }
  const run = randomBytes(3).toString('hex');
  const names = {
    stackName: `SensorAlertsTest${run}`,
    namespace: 'demo',
    table: `sensor_alerts_ls_${run}`,
    topic: `sensor_readings_ls_${run}`,
    consumerGroupId: `sensor-classifier-ls-${run}`,
  };
  const context = [
    `stackName=${names.stackName}`,
    `table=${names.table}`,
    `topic=${names.topic}`,
    `consumerGroupId=${names.consumerGroupId}`,
    'removalPolicy=destroy',
    // Short enough that the function-error test's retries finish quickly.
    'functions.classifierTimeoutSeconds=60',
  ].flatMap((value) => ['-c', value]);
  report(`deploying ${names.stackName} with npm run deploy:local...`);
  const deploy = script('deploy-local.sh', context);
  if (deploy.status !== 0) throw new Error(`npm run deploy:local failed (exit ${deploy.status})`);
  report(`deployed in ${(deploy.ms / 1000).toFixed(1)}s`);
  const outputs = JSON.parse(readFileSync(OUTPUTS_FILE, 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  project.provide('deployed', {
    ...names,
    outputs: outputs[names.stackName] ?? {},
    deployMs: deploy.ms,
    context,
    endpoint: localEndpoints().localstackEndpoint,
  });
  return async () => {
    // The suite's last test destroys the stack; this covers a run that stopped before it.
    if (existsSync(OUTPUTS_FILE)) script('destroy-local.sh', context);
    if (started.length > 0) await down({ report, services: started });
  };
}
