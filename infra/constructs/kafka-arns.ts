import { Fn, Token } from 'aws-cdk-lib';

export interface KafkaArns {
  cluster: string;
  topic: string;
  group: string;
}

/**
 * MSK IAM resource ARNs for the `kafka-cluster:*` data-plane actions. A cluster ARN
 * `arn:...:cluster/<name>/<uuid>` gives `arn:...:topic/<name>/<uuid>/<topic>` and
 * `arn:...:group/<name>/<uuid>/<group>`. Works on literal ARNs and on tokens (a cluster created in
 * the same stack), so the statements stay scoped either way.
 */
export function kafkaArns(clusterArn: string, topic: string, group: string): KafkaArns {
  return {
    cluster: clusterArn,
    topic: kafkaTopicArn(clusterArn, topic),
    group: kafkaChildArn(clusterArn, 'group', group),
  };
}

export function kafkaTopicArn(clusterArn: string, topic: string): string {
  return kafkaChildArn(clusterArn, 'topic', topic);
}

function kafkaChildArn(clusterArn: string, kind: 'topic' | 'group', name: string): string {
  if (!Token.isUnresolved(clusterArn)) {
    const [prefix, nameAndUuid] = clusterArn.split(':cluster/');
    return `${prefix}:${kind}/${nameAndUuid}/${name}`;
  }
  const parts = Fn.split(':cluster/', clusterArn);
  return Fn.join('', [Fn.select(0, parts), `:${kind}/`, Fn.select(1, parts), `/${name}`]);
}
