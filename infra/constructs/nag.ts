import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on a construct and everything under it. cdk-nag 3 takes one
 * finding per call (`Rule[finding]`), so every wildcard is named and explained on its own.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The IAM5 finding id for a wildcard over a bucket's objects, e.g. `<Bucket.Arn>/warehouse/*`. */
export function bucketObjectsFinding(bucket: s3.IBucket, suffix: string): string {
  const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${suffix}]`;
}

export const managedPolicyFinding = (name: string): string =>
  `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;
