import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synth } from './synth';
import { actionsOf, functionEnv, roleStatements } from './template';

describe('alert notifications', () => {
  it('encrypts the SNS topic with its own key, refuses plain HTTP, and lets the classifier only publish', () => {
    // Prepare
    const { template } = synth('aws-msk-existing');

    // Assess: the topic and its policy
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertNotificationsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });

    // the classifier: sns:Publish on this topic only, and the key for it
    const statements = roleStatements(template, 'Classifier');
    const sns = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sns:')));
    expect(sns.map(actionsOf)).toEqual([['sns:Publish']]);
    expect(sns[0]?.Resource).toEqual({ Ref: expect.stringMatching(/^AlertNotificationsTopic/) });
    const kms = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);

    // and its environment
    const env = functionEnv(template, 'Classifies');
    expect(env.ALERTS_TOPIC).toBe('sensor_alerts');
    expect(env.ALERTS_SNS_MIN_SEVERITY).toBe('CRITICAL');
    expect(env.ALERTS_SNS_TOPIC_ARN).toEqual({
      Ref: expect.stringMatching(/^AlertNotificationsTopic/),
    });
    expect(env.KAFKA_AUTH).toBe('msk-iam');
  });
});
