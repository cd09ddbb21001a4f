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
  if (!Token.isUnresolved(clusterArn)) {
    const [prefix, nameAndUuid] = clusterArn.split(':cluster/');
    return {
      cluster: clusterArn,
      topic: `${prefix}:topic/${nameAndUuid}/${topic}`,
      group: `${prefix}:group/${nameAndUuid}/${group}`,
    };
  }
  const parts = Fn.split(':cluster/', clusterArn);
  const prefix = Fn.select(0, parts);
  const nameAndUuid = Fn.select(1, parts);
  return {
    cluster: clusterArn,
    topic: Fn.join('', [prefix, ':topic/', nameAndUuid, '/', topic]),
    group: Fn.join('', [prefix, ':group/', nameAndUuid, '/', group]),
  };
}
