import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FunctionAlarms } from './alarms';
import {
  type BundleSpec,
  type BundleTarget,
  bundleSpec,
  FUNCTION_NAMES,
  type FunctionName,
  shipPackagesCommands,
} from './bundling';
import type { Env } from './function-env';
import { acknowledge, managedPolicyFinding } from './nag';
import type { FunctionNetwork } from './streaming';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What active tracing adds to a function's role (on `*`: X-Ray has no resource scoping). */
export const X_RAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

export interface PipelineFunctionProps {
  /** A pipeline function name (its bundle is `functions/<name>/handler.ts`) or any other label. */
  name: string;
  description: string;
  environment: Env;
  memoryMb: number;
  timeout: Duration;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
  network?: FunctionNetwork;
  /** Where the function runs; decides what its bundle carries (bundling.ts). Default aws. */
  bundleTarget?: BundleTarget;
  /**
   * For a function that is not one of the pipeline functions: bundle this entry with the
   * options of an existing function's bundle (same externals, format and banner).
   */
  bundle?: { like: FunctionName; entry: string };
  /** X-Ray active tracing (default on); off, the role gets no X-Ray actions. */
  tracing?: boolean;
  /** Errors and throttles alarms (default on); `false` for deploy-time helpers. */
  alarms?: { onError: string; action?: cloudwatch.IAlarmAction } | false;
}

function isFunctionName(name: string): name is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(name);
}

function specFor(props: PipelineFunctionProps): BundleSpec {
  if (props.bundle) {
    return {
      ...bundleSpec(props.bundle.like, PROJECT_ROOT, props.bundleTarget),
      entry: props.bundle.entry,
    };
  }
  if (!isFunctionName(props.name)) {
    throw new Error(`function ${props.name} needs a bundle entry`);
  }
  return bundleSpec(props.name, PROJECT_ROOT, props.bundleTarget);
}

/**
 * A pipeline function: bundled locally with esbuild (no Docker), ARM64, its own role and log
 * group with the configured retention, X-Ray active tracing (unless switched off), and alarms on
 * errors and throttles.
 * New functions (committer, maintenance, notifier) get all of it by being one of these.
 */
export class PipelineFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;
  readonly alarms?: FunctionAlarms;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    // Validate: the bundle entry is known before anything is built.
    const spec = specFor(props);
    const tracing = props.tracing ?? true;

    // Build: an own log group and role writing only to it, instead of the managed basic
    // execution role that may write to every log group of the account.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);
    if (props.network) {
      this.role.addManagedPolicy(
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
      );
      acknowledge(
        this.role,
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
      role: this.role,
      tracing: tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
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
    if (tracing) {
      acknowledge(
        this.role,
        'AwsSolutions-IAM5[Resource::*]',
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords accept no resource scoping.',
      );
    }

    // Wire: every function reports its own failures.
    if (props.alarms !== false) {
      this.alarms = new FunctionAlarms(this, 'Alarms', {
        fn: this.fn,
        label: props.name,
        onError: props.alarms?.onError ?? 'see its logs',
        action: props.alarms?.action,
      });
    }
  }
}
