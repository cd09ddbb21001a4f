import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { AppConfig } from '../config';
import { alertTable } from './alert-table';
import { WAREHOUSE_PREFIX } from './function-env';
import { acknowledge } from './nag';
import { secureBucket } from './secure-bucket';

export interface LakehouseProps {
  config: AppConfig;
  removalPolicy: RemovalPolicy;
}

const MIB = 1024 * 1024;

/**
 * Storage and catalog: the dead-letter bucket (both targets); on AWS also the Iceberg warehouse
 * bucket, the Glue database and the Athena workgroup. On LocalStack the warehouse lives in the
 * S3-compatible store behind Nessie, outside the stack.
 */
export class Lakehouse extends Construct {
  readonly accessLogsBucket: s3.Bucket;
  readonly deadLetterBucket: s3.Bucket;
  readonly warehouseBucket?: s3.Bucket;
  readonly database?: glue.CfnDatabase;
  readonly table?: glue.CfnTable;
  readonly resultsBucket?: s3.Bucket;
  readonly workgroup?: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: LakehouseProps) {
    super(scope, id);
    const { config, removalPolicy } = props;

    // Build: buckets log access to one bucket, which cannot log to itself.
    this.accessLogsBucket = secureBucket(this, 'AccessLogsBucket', {
      removalPolicy,
      expirationDays: 90,
    });
    acknowledge(
      this.accessLogsBucket,
      'AwsSolutions-S1',
      'This is the access log bucket of the other buckets; it cannot log to itself.',
    );
    const logged = (prefix: string) => ({
      removalPolicy,
      accessLogs: this.accessLogsBucket,
      accessLogsPrefix: `${prefix}/`,
    });
    this.deadLetterBucket = secureBucket(this, 'DeadLetterBucket', {
      ...logged('dead-letter'),
    });
    if (config.target !== 'aws') return;

    this.warehouseBucket = secureBucket(this, 'WarehouseBucket', logged('warehouse'));
    const databaseLocation = `s3://${this.warehouseBucket.bucketName}/${WAREHOUSE_PREFIX}/${config.namespace}.db`;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Stack.of(this).account,
      databaseInput: {
        name: config.namespace,
        description: 'Sensor alerts (Apache Iceberg tables)',
        // Tables created through the Glue Iceberg REST endpoint without a location land here.
        locationUri: databaseLocation,
      },
    });
    // Kept or deleted together with the warehouse bucket that holds their data: deleting the
    // database deletes its tables' catalog entries (never their files).
    this.database.applyRemovalPolicy(removalPolicy);
    this.table = alertTable(this, 'AlertTable', {
      database: this.database,
      databaseName: config.namespace,
      tableName: config.table,
      location: `${databaseLocation}/${config.table}`,
      removalPolicy,
    });

    if (!config.athena.enabled) return;
    this.resultsBucket = secureBucket(this, 'AthenaResultsBucket', {
      ...logged('athena-results'),
      expirationDays: config.athena.resultsExpirationDays,
    });
    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: `${config.stackName}-alerts`,
      description: 'Sensor alert analytics',
      state: 'ENABLED',
      // Lets the stack delete a workgroup that has run queries.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffMb * MIB,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }
}
