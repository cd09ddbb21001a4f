import { join } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PROJECT_ROOT } from '../../../infra/constructs/pipeline-function';
import { localEndpoints } from '../../../local/endpoints';

/** What the global setup deployed, handed to the test files. */
export interface DeployedStack {
  stackName: string;
  namespace: string;
  table: string;
  topic: string;
  consumerGroupId: string;
  /** The stack's CloudFormation outputs, by key. */
  outputs: Record<string, string>;
  deployMs: number;
  /** The `-c` arguments of the deployment (destroy needs the same). */
  context: string[];
  endpoint: string;
}

export const OUTPUTS_FILE = join(PROJECT_ROOT, '.local', 'localstack-outputs.json');

/** Clearly-local credentials LocalStack accepts; the region the stack is deployed to. */
export function localstackEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export function lambdaClient(): LambdaClient {
  return new LambdaClient({
    endpoint: localEndpoints().localstackEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

/** Every function the stack announces in its outputs (`<Role>FunctionName`), by role. */
export function deployedFunctions(outputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([key]) => key.endsWith('FunctionName'))
      .map(([key, name]) => [key.slice(0, -'FunctionName'.length).toLowerCase(), name]),
  );
}
