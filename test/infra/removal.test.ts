import { describe, expect, it } from 'vitest';
import { synth, VARIANTS, type VariantName } from './synth';

type Resource = {
  Type: string;
  Properties?: unknown;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

function resources(variant: VariantName): Record<string, Resource> {
  return synth(variant).template.toJSON().Resources as Record<string, Resource>;
}

/** Logical ids a value refers to (Ref, Fn::GetAtt). */
function referencesIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, found);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner)) found.add(String(inner[0]));
      else referencesIn(inner, found);
    }
  }
  return found;
}

/**
 * What a resource needs to exist while it is kept. A log group's name and a custom resource's
 * service token name other resources without needing them: CloudFormation calls no handler for
 * a retained custom resource.
 */
function needs(resource: Resource): Set<string> {
  const props = { ...(resource.Properties as Record<string, unknown>) };
  if (resource.Type === 'AWS::Logs::LogGroup') delete props.LogGroupName;
  if (resource.Type.startsWith('Custom::')) delete props.ServiceToken;
  return referencesIn(props);
}

const kept = (r: Resource) => r.DeletionPolicy === 'Retain';

const RETAIN_VARIANTS = (Object.keys(VARIANTS) as VariantName[]).filter(
  (v) => !('removalPolicy' in VARIANTS[v]),
);
const DESTROY_VARIANTS = (Object.keys(VARIANTS) as VariantName[]).filter(
  (v) => 'removalPolicy' in VARIANTS[v],
);

describe('removal policies', () => {
  it.each(RETAIN_VARIANTS)('keeps everything a kept resource needs (%s, retain)', (variant) => {
    // Prepare
    const all = resources(variant);

    // Act
    const broken = Object.entries(all)
      .filter(([, r]) => kept(r))
      .flatMap(([id, r]) =>
        [...needs(r)]
          .filter((dep) => all[dep] && !kept(all[dep]))
          .map((dep) => `${id} (${r.Type}) needs ${dep} (${all[dep]?.Type}), which is deleted`),
      );

    // Assess
    expect(broken).toEqual([]);
  });

  it.each(DESTROY_VARIANTS)('keeps nothing with removal policy destroy (%s)', (variant) => {
    // Prepare
    const all = resources(variant);

    // Act
    const retained = Object.entries(all)
      .filter(([, r]) => r.DeletionPolicy === 'Retain' || r.UpdateReplacePolicy === 'Retain')
      .map(([id, r]) => `${id} (${r.Type})`);

    // Assess
    expect(retained).toEqual([]);
  });

  it.each(DESTROY_VARIANTS)('empties every bucket before deleting it (%s, destroy)', (variant) => {
    // Prepare
    const all = resources(variant);

    // Act
    const buckets = Object.keys(all).filter((id) => all[id]?.Type === 'AWS::S3::Bucket');
    const emptied = new Set(
      Object.values(all)
        .filter((r) => r.Type === 'Custom::S3AutoDeleteObjects')
        .flatMap((r) => [...referencesIn(r.Properties)]),
    );

    // Assess
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.filter((id) => !emptied.has(id))).toEqual([]);
  });

  // Each type that holds data or that a kept resource runs on, by streaming mode.
  it.each([
    [
      'aws-msk-serverless',
      [
        'AWS::MSK::ServerlessCluster',
        'AWS::EC2::VPC',
        'AWS::EC2::Subnet',
        'AWS::EC2::SecurityGroup',
        'AWS::EC2::SecurityGroupIngress',
        'AWS::S3::Bucket',
        'AWS::S3::BucketPolicy',
        'AWS::Glue::Database',
        'AWS::Glue::Table',
        'AWS::Logs::LogGroup',
        'Custom::KafkaTopic',
      ],
    ],
    [
      'aws-msk-existing',
      [
        'AWS::S3::Bucket',
        'AWS::S3::BucketPolicy',
        'AWS::Glue::Database',
        'AWS::Glue::Table',
        'AWS::Logs::LogGroup',
        'Custom::KafkaTopic',
      ],
    ],
    ['localstack', ['AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::Logs::LogGroup']],
  ] as const)('retains exactly these types with removal policy retain (%s)', (variant, types) => {
    // Prepare
    const all = resources(variant);

    // Act
    const retainedTypes = [
      ...new Set(
        Object.values(all)
          .filter(kept)
          .map((r) => r.Type),
      ),
    ].sort();

    // Assess
    expect(retainedTypes).toEqual([...types].sort());
  });

  it('deletes the network the kept MSK Serverless cluster does not use (retain)', () => {
    // Prepare
    const all = resources('aws-msk-serverless');

    // Act
    const deletedTypes = new Set(
      Object.values(all)
        .filter((r) => !kept(r))
        .map((r) => r.Type),
    );
    const groups = Object.values(all).filter((r) => r.Type === 'AWS::EC2::SecurityGroup');

    // Assess
    for (const type of [
      'AWS::EC2::RouteTable',
      'AWS::EC2::SubnetRouteTableAssociation',
      'AWS::EC2::VPCEndpoint',
      'AWS::EC2::FlowLog',
      'AWS::Lambda::EventSourceMapping',
    ]) {
      expect(deletedTypes, type).toContain(type);
    }
    // The cluster's group is kept; the client and endpoint groups go with the stack.
    expect(groups.filter(kept)).toHaveLength(1);
    expect(groups.filter((g) => !kept(g)).length).toBeGreaterThanOrEqual(1);
  });
});
