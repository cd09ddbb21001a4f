import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import type { LambdaKafkaEvent } from '../../lib/kafka/event';
import { InvokeError } from './errors';

/** Delivers one event to the function; resolves with its result, rejects on a function error. */
export type Invoker = (event: LambdaKafkaEvent) => Promise<unknown>;

export type InProcessHandler = (event: unknown, context: Context) => Promise<unknown>;

function localContext(functionName: string): Context {
  const deadline = Date.now() + 15 * 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Calls a handler in this process, with a Lambda-like context. */
export function inProcessInvoker(handler: InProcessHandler, functionName = 'classifier'): Invoker {
  return (event) => handler(event, localContext(functionName));
}

export interface LambdaInvokerOptions {
  functionName: string;
  /** e.g. LocalStack's http://127.0.0.1:4566; AWS when absent. */
  endpoint?: string;
  region?: string;
  client?: LambdaClient;
}

/** Calls a deployed function synchronously through the Lambda Invoke API. */
export function lambdaInvoker(options: LambdaInvokerOptions): Invoker {
  const client =
    options.client ??
    new LambdaClient({
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
  return async (event) => {
    let out: InvokeCommandOutput;
    try {
      out = await client.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
    } catch (cause) {
      throw new InvokeError(`Invoke ${options.functionName} failed`, { cause });
    }
    const payload = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError) {
      throw new InvokeError(`${options.functionName} returned ${out.FunctionError}: ${payload}`);
    }
    return payload ? JSON.parse(payload) : null;
  };
}
