import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type { Construct } from 'constructs';
import { SENSOR_ALERTS_PARTITION_SPEC, SENSOR_ALERTS_SCHEMA } from '../../lib/alerts/table';

export interface AlertTableOptions {
  database: glue.CfnDatabase;
  databaseName: string;
  tableName: string;
  /** `s3://…` location of the table: the database location plus the table name. */
  location: string;
  removalPolicy: RemovalPolicy;
}

/**
 * The Iceberg table, created by CloudFormation through Glue (OpenTableFormatInput), from the same
 * schema and partition spec the functions use, so that field ids and the day partition match
 * what they write. Creating it in the stack means no function needs glue:CreateTable.
 */
export function alertTable(
  scope: Construct,
  id: string,
  options: AlertTableOptions,
): glue.CfnTable {
  const table = new glue.CfnTable(scope, id, {
    catalogId: Stack.of(scope).account,
    databaseName: options.databaseName,
    tableInput: {
      name: options.tableName,
      description: 'Sensor alerts: one row per reading above the alert threshold',
      tableType: 'EXTERNAL_TABLE',
    },
    openTableFormatInput: {
      icebergInput: {
        metadataOperation: 'CREATE',
        version: '2',
        icebergTableInput: {
          location: options.location,
          schema: {
            type: 'struct',
            schemaId: SENSOR_ALERTS_SCHEMA['schema-id'],
            fields: SENSOR_ALERTS_SCHEMA.fields.map((f) => ({
              id: f.id,
              name: f.name,
              type: f.type,
              required: f.required,
              ...(f.doc ? { doc: f.doc } : {}),
            })),
          },
          partitionSpec: {
            specId: SENSOR_ALERTS_PARTITION_SPEC['spec-id'],
            fields: SENSOR_ALERTS_PARTITION_SPEC.fields.map((f) => ({
              sourceId: f['source-id'],
              fieldId: f['field-id'],
              name: f.name,
              transform: f.transform,
            })),
          },
        },
      },
    },
  });
  table.addResourceDependency(options.database);
  table.applyRemovalPolicy(options.removalPolicy);
  return table;
}
