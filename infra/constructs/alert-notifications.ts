import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertNotificationsProps {
  /** One e-mail subscription per address (each must confirm it). */
  emails: readonly string[];
}

/**
 * The SNS topic the classifier notifies of severe alerts: encrypted with a customer managed key
 * (so the key policy, not only the topic policy, says who may publish), TLS only.
 */
export class AlertNotifications extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlertNotificationsProps) {
    super(scope, id);

    // Build: the key and the topic.
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the severe sensor alert notifications',
      enableKeyRotation: true,
      // The key protects only messages in flight, no data at rest: it goes with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Sensor alerts',
      masterKey: this.key,
      enforceSSL: true,
    });

    // Wire: the configured subscribers.
    for (const email of props.emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
  }

  /** sns:Publish on this topic only, and the key use that publishing to it needs. */
  grantPublish(fn: lambda.IFunction): void {
    // Named actions rather than topic.grantPublish, whose kms:GenerateDataKey* is a wildcard.
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
      }),
    );
  }
}
