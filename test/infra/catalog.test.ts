import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LAKE_FORMATION_PERMISSIONS } from '../../infra/constructs/lake-formation';
import { SENSOR_ALERTS_SCHEMA } from '../../lib/alerts/table';
import { synth } from './synth';

const LF = 'AWS::LakeFormation::PrincipalPermissions';

describe('Glue catalog', () => {
  it('creates the Iceberg table with the functions schema, field ids and day partition', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'demo',
      TableInput: { Name: 'sensor_alerts' },
      OpenTableFormatInput: {
        IcebergInput: {
          MetadataOperation: 'CREATE',
          Version: '2',
          IcebergTableInput: {
            Location: Match.anyValue(),
            Schema: {
              Type: 'struct',
              Fields: SENSOR_ALERTS_SCHEMA.fields.map((f) =>
                Match.objectLike({ Id: f.id, Name: f.name, Type: f.type, Required: f.required }),
              ),
            },
            PartitionSpec: {
              Fields: [
                { SourceId: 4, FieldId: 1000, Name: 'reading_timestamp_day', Transform: 'day' },
              ],
            },
          },
        },
      },
    });
  });

  it('places the table under the database location in the warehouse bucket', () => {
    // Prepare
    const { template, stack } = synth('aws-msk-serverless');

    // Act
    const [table] = Object.values(template.findResources('AWS::Glue::Table'));
    const location = JSON.stringify(
      stack.resolve(table?.Properties.OpenTableFormatInput.IcebergInput.IcebergTableInput.Location),
    );

    // Assess
    expect(location).toContain('LakehouseWarehouseBucket');
    expect(location).toContain('/warehouse/demo.db/sensor_alerts');
  });

  it('creates no Glue table on LocalStack, where the functions create it in Nessie', () => {
    // Prepare
    const { template } = synth('localstack');

    // Assess
    template.resourceCountIs('AWS::Glue::Table', 0);
  });

  it.each([
    ['Classifier', 'writer'],
    ['Query', 'reader'],
  ] as const)('grants the %s role Lake Formation %s permissions when enabled', (role, access) => {
    // Prepare
    const { template } = synth('aws-msk-serverless-destroy');
    const principal = {
      DataLakePrincipalIdentifier: {
        'Fn::GetAtt': [Match.stringLikeRegexp(`^${role}Role`), 'Arn'],
      },
    };

    // Assess
    template.hasResourceProperties(LF, {
      Principal: principal,
      Resource: { Database: { Name: 'demo', CatalogId: { Ref: 'AWS::AccountId' } } },
      Permissions: LAKE_FORMATION_PERMISSIONS[access].database,
      PermissionsWithGrantOption: [],
    });
    template.hasResourceProperties(LF, {
      Principal: principal,
      Resource: { Table: { DatabaseName: 'demo', Name: 'sensor_alerts' } },
      Permissions: LAKE_FORMATION_PERMISSIONS[access].table,
    });
  });

  it('grants the table after the stack created it', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless-destroy');

    // Act
    const grants = Object.values(template.findResources(LF)) as { DependsOn?: string[] }[];

    // Assess: database and table grants for the classifier, the committer, the query and the
    // maintenance function.
    expect(grants).toHaveLength(8);
    for (const grant of grants) {
      expect(grant.DependsOn?.some((d) => /^Lakehouse(AlertTable|Database)/.test(d))).toBe(true);
    }
  });

  it('makes no Lake Formation grants unless configured', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.resourceCountIs(LF, 0);
  });
});
