import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app-factory';
import { parseConfig } from '../../infra/config';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function';
import type { SensorAlertsStack } from '../../infra/stacks/sensor-alerts-stack';

export const MSK_ARN =
  'arn:aws:kafka:eu-west-1:123456789012:cluster/existing/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-2';
export const SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_sensor-Ab12Cd';

/** The configurations every infra test synthesizes, by name; cfn-lint checks each template. */
export const VARIANTS = {
  'aws-msk-serverless': {},
  'aws-msk-serverless-destroy': {
    removalPolicy: 'destroy',
    lakeFormation: true,
    kafkaTopics: { partitions: 6 },
    functions: { generatorTimeoutSeconds: 300, generatorMemoryMb: 1769 },
    alarms: { snsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:sensor-alarms' },
  },
  'aws-msk-existing': {
    streaming: {
      mode: 'msk',
      clusterArn: MSK_ARN,
      network: {
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
        securityGroupIds: 'sg-0123456789abcdef0',
        s3EndpointRouteTableIds: 'rtb-0123456789abcdef0,rtb-0fedcba9876543210',
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
  'aws-self-managed-vpc': {
    streaming: {
      mode: 'self-managed',
      bootstrapServers: '10.0.1.10:9096,10.0.2.10:9096',
      saslSecretArn: SECRET_ARN,
      network: {
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
        securityGroupIds: 'sg-0123456789abcdef0,sg-0fedcba9876543210',
      },
    },
    removalPolicy: 'destroy',
    athena: { enabled: false },
    kafkaTopics: { create: false },
  },
  localstack: { target: 'localstack' },
  'localstack-kafka-mapping': { target: 'localstack', eventSource: { enabled: true } },
} as const;
export type VariantName = keyof typeof VARIANTS;

/** The context cdk.json gives the CLI: the CDK feature flags (and the default target). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * An app as `cdk synth` makes it: cdk.json's feature flags, an output directory of its own, and
 * bundling skipped unless asked for (bundling.test.ts bundles for real).
 */
export function newApp(options: { bundle?: boolean } = {}): App {
  return new App({
    outdir: mkdtempSync(join(tmpdir(), 'sensor-alerts-cdk-')),
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
}

export interface Synthesized {
  app: App;
  stack: SensorAlertsStack;
  template: Template;
  /** Path of the synthesized CloudFormation template. */
  templatePath: string;
}

const cache = new Map<string, Synthesized>();

/** Synthesizes a configuration (a variant or any raw configuration) once per test file. */
export function synthConfig(
  key: string,
  raw: Record<string, unknown>,
  options: { bundle?: boolean } = {},
): Synthesized {
  const cacheKey = `${key}:${options.bundle ? 'bundled' : 'plain'}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const app = newApp(options);
  const { stack } = buildApp(parseConfig(raw), app);
  // Synthesis runs the cdk-nag plugin and throws on any finding left unacknowledged.
  const assembly = app.synth();
  const templatePath = join(assembly.directory, stack.templateFile);
  const result = { app, stack, template: Template.fromStack(stack), templatePath };
  cache.set(cacheKey, result);
  return result;
}

export function synth(name: VariantName, options: { bundle?: boolean } = {}): Synthesized {
  return synthConfig(name, VARIANTS[name] as Record<string, unknown>, options);
}
