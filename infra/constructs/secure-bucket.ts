import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface SecureBucketOptions {
  removalPolicy: RemovalPolicy;
  accessLogs?: s3.IBucket;
  accessLogsPrefix?: string;
  expirationDays?: number;
}

/** Defaults every bucket of the stack shares: encrypted, private, TLS only, owner-enforced. */
export function secureBucketProps(options: SecureBucketOptions): s3.BucketProps {
  const destroy = options.removalPolicy === RemovalPolicy.DESTROY;
  return {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Iceberg keeps its own history (snapshots); S3 versioning would only retain files that
    // snapshot expiry and orphan cleanup mean to delete, so buckets stay unversioned.
    versioned: false,
    removalPolicy: options.removalPolicy,
    autoDeleteObjects: destroy,
    ...(options.accessLogs
      ? {
          serverAccessLogsBucket: options.accessLogs,
          serverAccessLogsPrefix: options.accessLogsPrefix,
        }
      : {}),
    ...(options.expirationDays
      ? { lifecycleRules: [{ expiration: Duration.days(options.expirationDays) }] }
      : {}),
  };
}

/**
 * A bucket with those defaults. Its bucket policy (TLS only, log delivery) follows the bucket's
 * removal policy, so that a kept bucket keeps refusing plain HTTP after the stack is gone.
 */
export function secureBucket(
  scope: Construct,
  id: string,
  options: SecureBucketOptions,
): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, secureBucketProps(options));
  bucket.policy?.applyRemovalPolicy(options.removalPolicy);
  // The log bucket's policy gains its log-delivery statement (or is created) by this bucket.
  if (options.accessLogs instanceof s3.Bucket) {
    options.accessLogs.policy?.applyRemovalPolicy(options.removalPolicy);
  }
  return bucket;
}
