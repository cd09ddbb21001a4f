import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synth } from './synth';
import { actionsOf, functionEnv, roleStatements } from './template';

describe('table maintenance', () => {
  it('runs the maintenance function hourly from a schedule, with 15 minutes and 2 GB', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Maintenance'), 'Arn'] },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Compacts small files'),
      Timeout: 900,
      MemorySize: 2048,
    });
  });

  it('keeps the staging area out of orphan cleanup and passes the thresholds', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Act
    const env = functionEnv(template, 'Compacts small files');

    // Assess
    expect(JSON.stringify(env.STAGING_URI)).toContain('_staging');
    expect(env).toMatchObject({
      MAINTENANCE_MIN_SMALL_FILES: '4',
      MAINTENANCE_MAX_MANIFESTS: '20',
      MAINTENANCE_SNAPSHOT_RETENTION_HOURS: '24',
      MAINTENANCE_RETAIN_LAST: '5',
      MAINTENANCE_ORPHAN_MIN_AGE_HOURS: '72',
    });
  });

  it('deletes only inside the table location and touches no staged batch or Kafka', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Act
    const statements = roleStatements(template, 'Maintenance');
    const actions = statements.flatMap(actionsOf);

    // Assess
    expect(actions).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:ListBucket', 'glue:UpdateTable']),
    );
    const deletes = statements.filter((s) => actionsOf(s).includes('s3:DeleteObject'));
    expect(deletes).toHaveLength(1);
    const resource = JSON.stringify(deletes[0]!.Resource);
    expect(resource).toContain('/warehouse/demo.db/sensor_alerts/*');
    expect(JSON.stringify(statements)).not.toContain('_staging');
    expect(actions.some((a) => a.startsWith('kafka-cluster:'))).toBe(false);
  });

  it('alarms when a maintenance run fails', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      AlarmDescription: Match.stringLikeRegexp('table was not maintained'),
    });
  });
});
