import { Stack } from 'aws-cdk-lib';
import type * as glue from 'aws-cdk-lib/aws-glue';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import { Construct } from 'constructs';

/** A writer commits snapshots (the Glue REST UpdateTable needs ALTER); a reader queries. */
export type LakeFormationAccess = 'writer' | 'reader';

export const LAKE_FORMATION_PERMISSIONS: Record<
  LakeFormationAccess,
  { database: string[]; table: string[] }
> = {
  writer: { database: ['DESCRIBE'], table: ['DESCRIBE', 'SELECT', 'INSERT', 'ALTER'] },
  reader: { database: ['DESCRIBE'], table: ['DESCRIBE', 'SELECT'] },
};

export interface LakeFormationGrantsOptions {
  database: glue.CfnDatabase;
  table: glue.CfnTable;
  databaseName: string;
  tableName: string;
  access: LakeFormationAccess;
}

/**
 * Lake Formation grants for one role on the stack's database and table, created after both
 * (the deploying role creates them, and so may grant on them).
 */
export function lakeFormationGrants(role: iam.IRole, options: LakeFormationGrantsOptions): void {
  const scope = new Construct(role, 'LakeFormation');
  const catalogId = Stack.of(role).account;
  const principal = { dataLakePrincipalIdentifier: role.roleArn };
  const permissions = LAKE_FORMATION_PERMISSIONS[options.access];
  const onDatabase = new lakeformation.CfnPrincipalPermissions(scope, 'Database', {
    catalog: catalogId,
    principal,
    resource: { database: { catalogId, name: options.databaseName } },
    permissions: permissions.database,
    permissionsWithGrantOption: [],
  });
  onDatabase.addResourceDependency(options.database);
  const onTable = new lakeformation.CfnPrincipalPermissions(scope, 'Table', {
    catalog: catalogId,
    principal,
    resource: {
      table: { catalogId, databaseName: options.databaseName, name: options.tableName },
    },
    permissions: permissions.table,
    permissionsWithGrantOption: [],
  });
  onTable.addResourceDependency(options.table);
}
