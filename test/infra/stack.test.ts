import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app-factory';
import { parseConfig } from '../../infra/config';
import { SELF_MANAGED_VPC_ACTIONS } from '../../infra/constructs/classifier-source';
import { X_RAY_ACTIONS } from '../../infra/constructs/pipeline-function';
import { MSK_ARN, newApp, SECRET_ARN, synth, VARIANTS, type VariantName } from './synth';
import { actionsOf, functionEnv, roleStatements, type Statement, statementFor } from './template';

const EXISTING_TOPIC_ARN =
  'arn:aws:kafka:eu-west-1:123456789012:topic/existing/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-2/sensor_readings';
const EXISTING_GROUP_ARN =
  'arn:aws:kafka:eu-west-1:123456789012:group/existing/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-2/sensor-alerts-classifier';

describe('IAM', () => {
  it.each([
    ['kafka-cluster:Connect', MSK_ARN],
    ['kafka-cluster:DescribeClusterDynamicConfiguration', MSK_ARN],
    ['kafka-cluster:DescribeTopic', EXISTING_TOPIC_ARN],
    ['kafka-cluster:ReadData', EXISTING_TOPIC_ARN],
    ['kafka-cluster:DescribeGroup', EXISTING_GROUP_ARN],
    ['kafka-cluster:AlterGroup', EXISTING_GROUP_ARN],
  ])('lets the classifier %s on exactly %s', (action, resource) => {
    // Prepare
    const { template } = synth('aws-msk-existing');

    // Act
    const statement = statementFor(roleStatements(template, 'Classifier'), action);

    // Assess
    expect(statement?.Resource).toBe(resource);
  });

  it.each([
    ['kafka-cluster:Connect', MSK_ARN],
    ['kafka-cluster:WriteDataIdempotently', MSK_ARN],
    ['kafka-cluster:WriteData', EXISTING_TOPIC_ARN],
    ['kafka-cluster:DescribeTopic', EXISTING_TOPIC_ARN],
  ])('lets the generator %s on exactly %s', (action, resource) => {
    // Prepare
    const { template } = synth('aws-msk-existing');

    // Act
    const statement = statementFor(roleStatements(template, 'Generator'), action);

    // Assess
    expect(statement?.Resource).toBe(resource);
  });

  it('gives the generator no read and the classifier no write on Kafka', () => {
    // Prepare
    const { template } = synth('aws-msk-existing');

    // Act
    const generator = roleStatements(template, 'Generator').flatMap(actionsOf);
    const classifier = roleStatements(template, 'Classifier').flatMap(actionsOf);

    // Assess
    expect(generator).not.toContain('kafka-cluster:ReadData');
    expect(generator).not.toContain('kafka-cluster:AlterGroup');
    // The stack creates the topics; the generator only writes to them.
    expect(generator).not.toContain('kafka-cluster:CreateTopic');
    expect(classifier).not.toContain('kafka-cluster:CreateTopic');
    // The classifier writes the alert stream, on its topic only.
    const writes = roleStatements(template, 'Classifier').filter((s) =>
      actionsOf(s).includes('kafka-cluster:WriteData'),
    );
    expect(writes.map((s) => s.Resource)).toEqual([
      EXISTING_TOPIC_ARN.replace(/sensor_readings$/, 'sensor_alerts'),
    ]);
  });

  it('derives topic and group ARNs from a cluster created in the same stack', () => {
    // Prepare
    const { template, stack } = synth('aws-msk-serverless');

    // Act
    const statement = statementFor(
      roleStatements(template, 'Classifier'),
      'kafka-cluster:ReadData',
    );
    const resolved = JSON.stringify(stack.resolve(statement?.Resource));

    // Assess
    expect(resolved).toContain(':cluster/');
    expect(resolved).toContain('":topic/"');
    expect(resolved).toContain('"/sensor_readings"');
  });

  // Actions that accept no resource scoping, each acknowledged in cdk-nag with its reason.
  const UNSCOPABLE = new Set([
    ...X_RAY_ACTIONS,
    ...SELF_MANAGED_VPC_ACTIONS,
    'lakeformation:GetDataAccess',
  ]);

  it.each(Object.keys(VARIANTS) as VariantName[])(
    'scopes every function statement to named resources in %s',
    (variant) => {
      // Prepare
      const { template } = synth(variant);

      // Act
      const unscoped = (['Generator', 'Classifier', 'Query', 'KafkaTopicsProvisioner'] as const)
        .flatMap((fn) => roleStatements(template, fn))
        .filter((s) => s.Resource === '*' || JSON.stringify(s.Resource).includes('"*"'))
        .flatMap(actionsOf)
        .filter((action) => !UNSCOPABLE.has(action));

      // Assess
      expect(unscoped).toEqual([]);
    },
  );

  it('lets the self-managed mapping manage its network interfaces only where brokers are in a VPC', () => {
    // Prepare
    const inVpc = roleStatements(synth('aws-self-managed-vpc').template, 'Classifier');
    const public_ = roleStatements(synth('aws-self-managed-sasl').template, 'Classifier');

    // Act
    const eni = statementFor(inVpc, 'ec2:CreateNetworkInterface');

    // Assess
    expect(actionsOf(eni as Statement)).toEqual(expect.arrayContaining(SELF_MANAGED_VPC_ACTIONS));
    expect(statementFor(public_, 'ec2:CreateNetworkInterface')).toBeUndefined();
  });

  it('lets the classifier use Glue and the warehouse prefix only', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');
    const statements = roleStatements(template, 'Classifier');

    // Act
    const glue = statementFor(statements, 'glue:UpdateTable');
    const objects = statementFor(statements, 's3:PutObject');
    const warehouse = statements.find(
      (s) =>
        actionsOf(s).includes('s3:GetObject') &&
        JSON.stringify(s.Resource).includes('/warehouse/*'),
    );

    // Assess
    // The stack creates the database and the table: no Create* for the function.
    expect(actionsOf(glue as Statement)).toEqual([
      'glue:GetCatalog',
      'glue:GetDatabase',
      'glue:GetTable',
      'glue:UpdateTable',
    ]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('glue:Create'))).toEqual([]);
    expect(JSON.stringify(glue?.Resource)).toContain(':table/demo/sensor_alerts');
    expect(actionsOf(warehouse as Statement)).not.toContain('s3:DeleteObject');
    expect(objects).toBeDefined();
  });

  it.each(['aws-msk-serverless', 'aws-self-managed-sasl', 'localstack-kafka-mapping'] as const)(
    'lets the %s mapping only put and list failed batches in the dead-letter bucket',
    (variant) => {
      // Prepare
      const { template } = synth(variant);
      const statements = roleStatements(template, 'Classifier');

      // Act
      const onDeadLetters = statements.filter((s) =>
        JSON.stringify(s.Resource).includes('LakehouseDeadLetterBucket'),
      );

      // Assess
      expect([...new Set(onDeadLetters.flatMap(actionsOf))].sort()).toEqual([
        's3:ListBucket',
        's3:PutObject',
      ]);
    },
  );

  it('lets the query function run Athena in its workgroup and read the warehouse', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');
    const statements = roleStatements(template, 'Query');

    // Act
    const athena = statementFor(statements, 'athena:StartQueryExecution');
    const glue = statementFor(statements, 'glue:GetTable');
    const writes = statements.filter((s) =>
      actionsOf(s).some((a) => /^glue:(Create|Update)/.test(a) || a.startsWith('kafka-cluster:')),
    );

    // Assess
    expect(JSON.stringify(athena?.Resource)).toContain(':workgroup/');
    expect(glue).toBeDefined();
    expect(writes).toEqual([]);
  });

  it('adds lakeformation:GetDataAccess only when Lake Formation governs the catalog', () => {
    // Prepare
    const withLf = roleStatements(synth('aws-msk-serverless-destroy').template, 'Classifier');
    const without = roleStatements(synth('aws-msk-serverless').template, 'Classifier');

    // Assess
    expect(statementFor(withLf, 'lakeformation:GetDataAccess')?.Resource).toBe('*');
    expect(statementFor(without, 'lakeformation:GetDataAccess')).toBeUndefined();
  });

  it('lets the generator read the SCRAM secret of self-managed brokers', () => {
    // Prepare
    const { template } = synth('aws-self-managed-sasl');

    // Act
    const statement = statementFor(
      roleStatements(template, 'Generator'),
      'secretsmanager:GetSecretValue',
    );

    // Assess
    expect(statement?.Resource).toBe(SECRET_ARN);
  });
});

describe('storage', () => {
  it.each(['aws-msk-serverless', 'localstack'] as const)(
    'encrypts, blocks public access and refuses plain HTTP on every bucket (%s)',
    (variant) => {
      // Prepare
      const { template } = synth(variant);

      // Act
      const buckets = template.findResources('AWS::S3::Bucket');
      const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).map((p) =>
        JSON.stringify(p),
      );

      // Assess
      expect(Object.keys(buckets).length).toBeGreaterThanOrEqual(2);
      for (const [id, bucket] of Object.entries(buckets)) {
        expect(bucket.Properties.BucketEncryption).toEqual({
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        });
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        const sslOnly = policies.find(
          (p) => p.includes(`"Ref":"${id}"`) && p.includes('"aws:SecureTransport":"false"'),
        );
        expect(sslOnly, `${id} has an SSL-only policy`).toBeDefined();
      }
    },
  );

  it('caps the bytes an Athena query may scan and enforces the workgroup settings', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        BytesScannedCutoffPerQuery: 1024 * 1024 * 1024,
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
      },
    });
  });

  it('expires Athena results', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 7, Status: 'Enabled' }] },
    });
  });

  it('creates the Glue database demo on AWS and no Glue or Athena on LocalStack', () => {
    // Prepare
    const aws = synth('aws-msk-serverless').template;
    const local = synth('localstack').template;

    // Act
    const [database] = Object.values(aws.findResources('AWS::Glue::Database'));

    // Assess
    aws.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'demo' } });
    // The classifier creates its table without a location: Glue places it under this one.
    expect(JSON.stringify(database?.Properties.DatabaseInput.LocationUri)).toContain(
      '/warehouse/demo.db',
    );
    local.resourceCountIs('AWS::Glue::Database', 0);
    local.resourceCountIs('AWS::Athena::WorkGroup', 0);
  });
});

describe('function configuration', () => {
  it('deploys five ARM64 nodejs22.x pipeline functions and the topic provisioner on AWS, the five on LocalStack', () => {
    // Prepare
    const aws = synth('aws-msk-serverless').template;
    const local = synth('localstack').template;

    // Assess
    const isPipelineFn = {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    };
    expect(
      Object.keys(aws.findResources('AWS::Lambda::Function', { Properties: isPipelineFn })),
    ).toHaveLength(6);
    expect(
      Object.keys(local.findResources('AWS::Lambda::Function', { Properties: isPipelineFn })),
    ).toHaveLength(5);
  });

  it('gives the query function the Athena engine on AWS and the local engine on LocalStack', () => {
    // Prepare
    const query = (variant: VariantName) => {
      const [resource] = Object.values(
        synth(variant).template.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp('Alert analytics') },
        }),
      );
      return resource?.Properties.Environment.Variables as Record<string, unknown>;
    };

    // Assess
    expect(query('aws-msk-serverless')).toMatchObject({ QUERY_ENGINE: 'athena' });
    expect(query('localstack')).toMatchObject({
      QUERY_ENGINE: 'local',
      ICEBERG_CATALOG_URI: 'http://nessie:19120/iceberg',
      ICEBERG_S3_ENDPOINT: 'http://s3:9000',
    });
    expect(query('localstack')).not.toHaveProperty('ATHENA_WORKGROUP');
  });

  it('points the functions at the Glue Iceberg REST endpoint with SigV4 on AWS', () => {
    // Prepare
    const { template, stack } = synth('aws-msk-serverless');

    // Act
    const env = functionEnv(template, 'Classifies');

    // Assess
    expect(env).toMatchObject({
      ICEBERG_CATALOG_AUTH: 'sigv4',
      ICEBERG_CATALOG_SIGV4_SERVICE: 'glue',
      ICEBERG_WAREHOUSE: { Ref: 'AWS::AccountId' },
      ICEBERG_NAMESPACE: 'demo',
      ICEBERG_TABLE: 'sensor_alerts',
      CONSUMER_GROUP_ID: 'sensor-alerts-classifier',
    });
    expect(JSON.stringify(stack.resolve(env.ICEBERG_CATALOG_URI))).toBe(
      JSON.stringify({
        'Fn::Join': [
          '',
          ['https://glue.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/iceberg'],
        ],
      }),
    );
    expect(env.ICEBERG_S3_ENDPOINT).toBeUndefined();
    expect(JSON.stringify(env.DEAD_LETTER_TARGET)).toContain('/classifier');
  });

  it('gives LocalStack functions explicit S3 and Nessie endpoints', () => {
    // Prepare
    const { template } = synth('localstack');

    // Act
    const env = functionEnv(template, 'Classifies');

    // Assess
    expect(env).toMatchObject({
      ICEBERG_CATALOG_URI: 'http://nessie:19120/iceberg',
      ICEBERG_WAREHOUSE: 'warehouse',
      ICEBERG_CATALOG_AUTH: 'none',
      ICEBERG_S3_ENDPOINT: 'http://s3:9000',
      ICEBERG_S3_PATH_STYLE: 'true',
      // The dead-letter sink writes through the Iceberg FileIO, so to the S3-compatible store.
      DEAD_LETTER_TARGET: 's3://warehouse/dead-letters/classifier',
    });
  });

  it.each([
    ['aws-msk-existing', 'msk-iam', 'true', undefined],
    ['aws-self-managed-sasl', 'scram-sha-512', 'true', SECRET_ARN],
    ['localstack', 'none', 'false', undefined],
  ] as const)('configures the generator Kafka client in %s', (variant, auth, tls, secret) => {
    // Prepare
    const { template } = synth(variant);

    // Act
    const env = functionEnv(template, 'Produces');

    // Assess
    expect(env.KAFKA_AUTH).toBe(auth);
    expect(env.KAFKA_TLS).toBe(tls);
    expect(env.KAFKA_SASL_SECRET_ARN).toBe(secret);
    expect(env.SENSOR_TOPIC).toBe('sensor_readings');
  });

  it('looks up the MSK Serverless bootstrap brokers at deploy time', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Act
    const env = functionEnv(template, 'Produces');

    // Assess
    expect(env.KAFKA_BROKERS).toEqual({
      'Fn::GetAtt': [
        expect.stringMatching(/^StreamingBootstrapBrokers/),
        'BootstrapBrokerStringSaslIam',
      ],
    });
    const [lookup] = Object.values(template.findResources('Custom::AWS'));
    expect(JSON.stringify(lookup?.Properties.Create)).toMatch(/GetBootstrapBrokers/);
  });

  it('runs the generator and the classifier (alert stream) inside the MSK Serverless VPC', () => {
    // Prepare
    const { template } = synth('aws-msk-serverless');

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Produces'),
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Classifies'),
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
    });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    // S3, Lambda and STS for the mapping; Glue and SNS for the classifier.
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 5);
  });

  it.each([
    [
      'aws-msk-serverless',
      ['InvokeGenerator', 'InvokeQuery', 'AthenaWorkgroup', 'WarehouseBucketName'],
    ],
    [
      'localstack',
      ['InvokeGenerator', 'ClassifierFunctionName', 'QueryFunctionName', 'DeadLetterBucketName'],
    ],
  ] as const)('outputs function names and invoke hints (%s)', (variant, outputs) => {
    // Prepare
    const { template } = synth(variant);

    // Assess
    for (const output of outputs) template.hasOutput(output, Match.anyValue());
  });
});

describe('cdk-nag', () => {
  it.each(Object.keys(VARIANTS) as VariantName[])(
    'passes the AWS Solutions checks with every finding acknowledged (%s)',
    (variant) => {
      // Act
      const act = () => synth(variant);

      // Assess
      expect(act).not.toThrow();
    },
  );

  it('fails the synthesis on a finding nobody acknowledged', () => {
    // Prepare
    const app = newApp();
    const { stack } = buildApp(parseConfig({ target: 'localstack' }), app);
    new s3.Bucket(stack, 'Unchecked');

    // Act
    const act = () => app.synth();

    // Assess
    expect(act).toThrow(/AwsSolutions-S10/);
  });
});
