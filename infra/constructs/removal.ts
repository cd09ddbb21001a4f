import { AspectPriority, Aspects, type IAspect, type RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/**
 * Gives every log group under a scope the stack's removal policy, including those that CDK's own
 * helper functions create (the AwsCustomResource provider's log group is retained otherwise, even
 * with removal policy destroy).
 */
class LogGroupRemoval implements IAspect {
  constructor(private readonly policy: RemovalPolicy) {}

  visit(node: IConstruct): void {
    if (node instanceof logs.CfnLogGroup) node.applyRemovalPolicy(this.policy);
  }
}

export function logGroupsFollow(scope: IConstruct, policy: RemovalPolicy): void {
  Aspects.of(scope).add(new LogGroupRemoval(policy), { priority: AspectPriority.MUTATING });
}
