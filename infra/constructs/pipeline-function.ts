import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type BundleTarget, bundleSpec, type FunctionName, shipPackagesCommands } from './bundling';
import type { Env } from './function-env';
import { acknowledge, managedPolicyFinding } from './nag';
import type { FunctionNetwork } from './streaming';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PipelineFunctionProps {
  name: FunctionName;
  description: string;
  environment: Env;
  memoryMb: number;
  timeout: Duration;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
  network?: FunctionNetwork;
  /** Where the function runs; decides what its bundle carries (bundling.ts). Default aws. */
  bundleTarget?: BundleTarget;
}

/** A pipeline function: bundled locally with esbuild (no Docker), ARM64, its own log group. */
export class PipelineFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const spec = bundleSpec(props.name, PROJECT_ROOT, props.bundleTarget);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    // An own role writing only to its own log group, instead of the managed basic execution role
    // that may write to every log group of the account.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.name} function`,
    });
    this.logGroup.grantWrite(role);
    if (props.network) {
      role.addManagedPolicy(
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
      );
      acknowledge(
        role,
        managedPolicyFinding('AWSLambdaVPCAccessExecutionRole'),
        'A function in a VPC manages its network interfaces; the ec2 interface actions of this policy accept no resource scoping.',
      );
    }
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      description: props.description,
      entry: spec.entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      environment: props.environment,
      logGroup: this.logGroup,
      role,
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: props.network.subnets,
            securityGroups: props.network.securityGroups,
          }
        : {}),
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: spec.target,
        minify: spec.minify,
        keepNames: spec.keepNames,
        define: spec.define,
        sourceMap: spec.sourcemap,
        sourcesContent: spec.sourcesContent,
        mainFields: spec.mainFields,
        banner: spec.banner,
        // An explicit list (even empty) also bundles the AWS SDK instead of the runtime's copy.
        externalModules: spec.externals,
        ...(spec.shippedPackages.length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  shipPackagesCommands(spec, PROJECT_ROOT, inputDir, outputDir),
              },
            }
          : {}),
      },
    });
    acknowledge(
      this.fn,
      'AwsSolutions-L1',
      'nodejs22.x is pinned on purpose: the functions are built and tested for Node 22; the rule flags any runtime older than the newest.',
    );
  }
}
