import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app-factory';
import { parseConfig } from '../../infra/config';
import type { SensorAlertsStack } from '../../infra/stacks/sensor-alerts-stack';

export const MSK_ARN =
  'arn:aws:kafka:eu-west-1:123456789012:cluster/existing/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-2';
export const SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_sensor-Ab12Cd';

/** The configurations every infra test synthesizes, by name. */
export const VARIANTS = {
  'aws-msk-serverless': {},
  'aws-msk-existing': {
    streaming: {
      mode: 'msk',
      clusterArn: MSK_ARN,
      network: {
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
        securityGroupIds: 'sg-0123456789abcdef0',
      },
    },
  },
  'aws-self-managed-sasl': {
    streaming: {
      mode: 'self-managed',
      bootstrapServers: 'b-1.example.com:9096,b-2.example.com:9096',
      saslSecretArn: SECRET_ARN,
    },
    eventSource: { provisioned: { minimumPollers: 1, maximumPollers: 4, retryAttempts: 2 } },
  },
  localstack: { target: 'localstack' },
  'localstack-kafka-mapping': { target: 'localstack', eventSource: { enabled: true } },
} as const;
export type VariantName = keyof typeof VARIANTS;

export interface Synthesized {
  app: App;
  stack: SensorAlertsStack;
  template: Template;
}

const cache = new Map<string, Synthesized>();

/**
 * Synthesizes a variant once per test file. Bundling is skipped (an empty bundling-stacks list)
 * so these tests do not depend on the function code; bundling.test.ts bundles for real.
 */
export function synth(name: VariantName, options: { bundle?: boolean } = {}): Synthesized {
  const key = `${name}:${options.bundle ? 'bundled' : 'plain'}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'sensor-alerts-cdk-')),
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const { stack } = buildApp(parseConfig(VARIANTS[name]), app);
  // Synthesis runs the cdk-nag plugin and throws on any finding left unacknowledged.
  app.synth();
  const result = { app, stack, template: Template.fromStack(stack) };
  cache.set(key, result);
  return result;
}
