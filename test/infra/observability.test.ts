import { Match } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { X_RAY_ACTIONS } from '../../infra/constructs/pipeline-function';
import { generatorMaxReadings } from '../../infra/generator-limits';
import { cdkJsonContext, synth, synthConfig } from './synth';
import { actionsOf, functionEnv, roleStatements } from './template';

const ALARM = 'AWS::CloudWatch::Alarm';
const PIPELINE_FUNCTIONS = ['Produces', 'Classifies', 'Alert analytics', 'Kafka topics'];

describe('tracing', () => {
  it.each(PIPELINE_FUNCTIONS)(
    'turns on X-Ray active tracing for the %s function',
    (description) => {
      // Prepare
      const { template } = synth('aws-msk-serverless');

      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(description),
        TracingConfig: { Mode: 'Active' },
      });
    },
  );

  it.each(['Generator', 'Classifier', 'Query', 'KafkaTopicsProvisioner'])(
    'lets the %s function send its segments',
    (role) => {
      // Prepare
      const statements = roleStatements(synth('aws-msk-serverless').template, role);

      // Act
      const actions = statements.flatMap(actionsOf);

      // Assess
      expect(actions).toEqual(expect.arrayContaining(X_RAY_ACTIONS));
    },
  );

  it('switches tracing off everywhere with functions.tracing=false: no active mode, no X-Ray actions, no tracer', () => {
    // Prepare
    const { template } = synthConfig('no-tracing', { functions: { tracing: 'false' } });

    // Act
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) =>
      PIPELINE_FUNCTIONS.some((d) => String(f.Properties.Description).includes(d)),
    );
    const actions = Object.keys(template.findResources('AWS::IAM::Role')).flatMap((role) =>
      roleStatements(template, role).flatMap(actionsOf),
    );

    // Assess
    expect(functions).toHaveLength(PIPELINE_FUNCTIONS.length);
    for (const fn of functions) expect(fn.Properties.TracingConfig?.Mode).not.toBe('Active');
    expect(actions.filter((a) => a.startsWith('xray:'))).toEqual([]);
    for (const description of ['Produces', 'Classifies', 'Alert analytics']) {
      expect(functionEnv(template, description).POWERTOOLS_TRACE_ENABLED).toBe('false');
    }
  });

  it('switches the tracer off on LocalStack, which has no X-Ray', () => {
    // Prepare
    const local = functionEnv(synth('localstack').template, 'Classifies');
    const aws = functionEnv(synth('aws-msk-serverless').template, 'Classifies');

    // Assess
    expect(local.POWERTOOLS_TRACE_ENABLED).toBe('false');
    expect(aws.POWERTOOLS_TRACE_ENABLED).toBeUndefined();
  });
});

describe('alarms', () => {
  it.each(['Generator', 'Classifier', 'Query'])(
    'alarms on errors and throttles of the %s function',
    (fn) => {
      // Prepare
      const { template } = synth('aws-msk-serverless');

      // Assess
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties(ALARM, {
          MetricName: metric,
          Namespace: 'AWS/Lambda',
          Threshold: 1,
          Dimensions: [
            { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp(`^${fn}Function`) } },
          ],
        });
      }
    },
  );

  it('notifies the configured SNS topic from every alarm', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless-destroy');

    // Act
    const alarms = Object.values(template.findResources(ALARM));

    // Assess
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([
        'arn:aws:sns:eu-west-1:123456789012:sensor-alarms',
      ]);
    }
  });

  it('alarms before the table metadata reaches Glue cap, on the committer metric', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties(ALARM, {
      MetricName: 'TableMetadataBytes',
      Namespace: 'SensorAlerts',
      Dimensions: [{ Name: 'service', Value: 'sensor-alerts-committer' }],
      Statistic: 'Maximum',
      Threshold: 15 * 1024 * 1024,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('has no table metadata alarm on LocalStack, where no Glue table exists', () => {
    // Prepare
    const { template } = synth('localstack');

    // Act
    const found = template.findResources(ALARM, {
      Properties: { MetricName: 'TableMetadataBytes' },
    });

    // Assess
    expect(Object.keys(found)).toEqual([]);
  });
});

describe('CDK feature flags', () => {
  it('sets every flag aws-cdk-lib recommends for a new app, to its recommended value', () => {
    // Prepare
    const context = cdkJsonContext();

    // Act
    const differing = Object.entries(CURRENTLY_RECOMMENDED_FLAGS).filter(
      ([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(value),
    );

    // Assess
    expect(differing).toEqual([]);
  });

  it('restricts the default security group of the new VPC (restrictDefaultSecurityGroup)', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });
});

describe('generator limits', () => {
  it.each([
    ['aws-msk-serverless', 60, 512],
    ['aws-msk-serverless-destroy', 300, 1769],
  ] as const)(
    'caps a %s generator request at what it sends within its timeout (%i s, %i MB)',
    (variant, timeoutSeconds, memoryMb) => {
      // Prepare
      const { template } = synth(variant);
      const env = functionEnv(template, 'Produces');

      // Act
      const cap = Number(env.GENERATOR_MAX_READINGS);

      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('Produces'),
        Timeout: timeoutSeconds,
        MemorySize: memoryMb,
      });
      expect(cap).toBeGreaterThan(0);
      // Less than the timeout at the in-process rate measured by bench:generator (~12,500/s).
      expect(cap).toBeLessThan(12_500 * timeoutSeconds * Math.min(1, memoryMb / 1769));
      expect(cap).toBe(
        generatorMaxReadings(timeoutSeconds, Math.floor(6000 * Math.min(1, memoryMb / 1769))),
      );
    },
  );
});
