import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../infra/config';
import { committerRunOf } from '../../infra/stacks/sensor-alerts-stack';
import { synth } from './synth';
import { actionsOf, functionEnv, roleStatements } from './template';

describe('group commit', () => {
  it('gives the classifier and the committer the same staging area and interval', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Act
    const classifier = functionEnv(template, 'Classifies');
    const committer = functionEnv(template, 'staged batches');

    // Assess
    expect(classifier.COMMIT_INTERVAL_MS).toBe('10000');
    expect(committer.COMMIT_INTERVAL_MS).toBe('10000');
    expect(committer.STAGING_URI).toEqual(classifier.STAGING_URI);
    expect(committer).toMatchObject({ SENSOR_TOPIC: 'sensor_readings' });
    expect(JSON.stringify(classifier.STAGING_URI)).toContain('_staging');
  });

  it('starts a committer run every minute that commits for that minute', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Committer'), 'Arn'] },
          Input: JSON.stringify({ runForMs: 60_000, idleRounds: 2 }),
        }),
      ],
    });
    // Long enough to finish the round that starts at the end of the run.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('staged batches'),
      Timeout: 120,
    });
  });

  it('keeps a committer run within Lambda limits for a long schedule period', () => {
    // Act
    const run = committerRunOf(parseConfig({ groupCommit: { sweepMinutes: 30 } }));

    // Assess
    expect(run.event.runForMs).toBe(14 * 60_000);
    expect(run.timeout.toSeconds()).toBe(900);
  });

  it('lets the committer read, write and remove staged batches, and delete no data file', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Act
    const statements = roleStatements(template, 'Committer');
    const actions = statements.flatMap(actionsOf);

    // Assess
    expect(actions).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:GetObject', 'glue:UpdateTable']),
    );
    const deletes = statements.filter((s) => actionsOf(s).includes('s3:DeleteObject'));
    expect(deletes.length).toBeGreaterThan(0);
    const resources = deletes.map((s) => JSON.stringify(s.Resource));
    expect(resources.some((r) => r.includes('/_staging/*'))).toBe(true);
    // Table files: only the commit's own unused metadata files, never data files.
    for (const r of resources.filter((r) => !r.includes('/_staging/*'))) {
      expect(r).toContain('/warehouse/demo.db/sensor_alerts/metadata/*');
    }
    expect(actions.some((a) => a.startsWith('kafka-cluster:'))).toBe(false);
  });

  it('alarms on batches that wait too long and on a commit that stopped', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('waited more than 10 minutes'),
      Threshold: 600_000,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('committedOffsetsMissing'),
      Threshold: 1,
    });
  });

  it('commits every second on LocalStack, with the staging area in the local warehouse bucket', () => {
    // Prepare
    const { template } = synth('localstack');

    // Assess
    expect(functionEnv(template, 'staged batches')).toMatchObject({
      STAGING_URI: 's3://warehouse/_staging',
      COMMIT_INTERVAL_MS: '1000',
    });
  });
});
