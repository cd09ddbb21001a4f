import { Annotations, Fn, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { NetworkConfig, StreamingConfig } from '../config';
import type { KafkaAuth } from './function-env';
import { acknowledge, managedPolicyFinding } from './nag';

/** Where a function runs to reach private brokers. */
export interface FunctionNetwork {
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  securityGroups: ec2.ISecurityGroup[];
}

export interface StreamingProps {
  config: StreamingConfig;
  removalPolicy: RemovalPolicy;
  /** Whether an event source mapping polls the brokers (and writes failed batches to S3). */
  withMapping: boolean;
  /**
   * Whether a function inside the VPC (the classifier, publishing alerts) calls the Glue catalog
   * and SNS: an isolated VPC then gets interface endpoints for both.
   */
  clientServices?: boolean;
}

// Construct id CDK gives the AwsCustomResource singleton provider function.
const PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

// MSK IAM listeners use port 9098 (TLS + SASL/IAM).
const MSK_IAM_PORT = 9098;

/**
 * The Kafka side of the pipeline: an MSK Serverless cluster in a new VPC, an existing MSK cluster,
 * or self-managed brokers. Exposes what the functions and the event source mapping need.
 */
export class Streaming extends Construct {
  /** Set for MSK (serverless or existing); undefined for self-managed brokers. */
  readonly clusterArn?: string;
  /** Comma-separated bootstrap servers (a token when looked up at deploy time). */
  readonly brokers: string;
  readonly auth: KafkaAuth;
  readonly tls: boolean;
  readonly secret?: secretsmanager.ISecret;
  /** Set when the brokers are reachable only inside a VPC. */
  readonly network?: FunctionNetwork;
  /** The S3 gateway endpoint added to a configured network's route tables, if any. */
  readonly s3Endpoint?: ec2.CfnVPCEndpoint;

  constructor(scope: Construct, id: string, props: StreamingProps) {
    super(scope, id);
    const { config } = props;
    switch (config.mode) {
      case 'msk-serverless': {
        const built = this.buildServerless(config, props.removalPolicy, props.clientServices);
        this.clusterArn = built.clusterArn;
        this.network = built.network;
        this.brokers = config.bootstrapBrokers?.join(',') ?? this.lookupBrokers(built.clusterArn);
        this.auth = 'msk-iam';
        this.tls = true;
        break;
      }
      case 'msk':
        this.clusterArn = config.clusterArn;
        this.network = config.network ? this.importNetwork(config.network) : undefined;
        this.s3Endpoint = this.onFailureEndpoint(config.network, props.withMapping, 'msk');
        this.brokers = config.bootstrapBrokers?.join(',') ?? this.lookupBrokers(config.clusterArn);
        this.auth = 'msk-iam';
        this.tls = true;
        break;
      case 'self-managed':
        this.brokers = config.bootstrapServers.join(',');
        this.auth = config.authentication;
        this.tls = config.tls;
        this.network = config.network ? this.importNetwork(config.network) : undefined;
        this.s3Endpoint = config.network
          ? this.onFailureEndpoint(config.network, props.withMapping, 'self-managed')
          : undefined;
        this.secret = config.saslSecretArn
          ? secretsmanager.Secret.fromSecretCompleteArn(this, 'SaslSecret', config.saslSecretArn)
          : undefined;
        break;
    }
  }

  private buildServerless(
    config: Extract<StreamingConfig, { mode: 'msk-serverless' }>,
    removalPolicy: RemovalPolicy,
    clientServices = false,
  ): { clusterArn: string; network: FunctionNetwork } {
    // Build: a VPC whose subnets the cluster and the generator share.
    const isolated = config.natGateways === 0;
    const subnetType = isolated
      ? ec2.SubnetType.PRIVATE_ISOLATED
      : ec2.SubnetType.PRIVATE_WITH_EGRESS;
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: config.maxAzs,
      natGateways: config.natGateways,
      subnetConfiguration: isolated
        ? [{ name: 'isolated', subnetType, cidrMask: 22 }]
        : [
            { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
            { name: 'private', subnetType, cidrMask: 22 },
          ],
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    const subnets: ec2.SubnetSelection = { subnetType };

    // Wire: the cluster accepts IAM clients from itself (the event source mapping pollers use the
    // cluster's security group) and from the generator.
    const clusterSg = new ec2.SecurityGroup(this, 'ClusterSecurityGroup', {
      vpc,
      description: 'MSK Serverless brokers',
      allowAllOutbound: true,
    });
    const clientSg = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc,
      description: 'Kafka clients (generator function)',
      allowAllOutbound: true,
    });
    clusterSg.addIngressRule(clusterSg, ec2.Port.tcp(MSK_IAM_PORT), 'event source mapping pollers');
    clusterSg.addIngressRule(
      clientSg,
      ec2.Port.tcp(MSK_IAM_PORT),
      'generator and classifier functions',
    );
    if (isolated) {
      // Without NAT, the event source mapping reaches Lambda and STS from the cluster's subnets
      // through endpoints, and S3 (failed batches) through the gateway.
      vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });
      const services = {
        LambdaEndpoint: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
        StsEndpoint: ec2.InterfaceVpcEndpointAwsService.STS,
      };
      for (const [id, service] of Object.entries(services)) {
        const endpoint = vpc.addInterfaceEndpoint(id, { service, subnets, open: false });
        endpoint.connections.allowFrom(clusterSg, ec2.Port.HTTPS, 'event source mapping pollers');
      }
      if (clientServices) {
        const clientServiceEndpoints = {
          GlueEndpoint: ec2.InterfaceVpcEndpointAwsService.GLUE,
          SnsEndpoint: ec2.InterfaceVpcEndpointAwsService.SNS,
        };
        for (const [id, service] of Object.entries(clientServiceEndpoints)) {
          const endpoint = vpc.addInterfaceEndpoint(id, { service, subnets, open: false });
          endpoint.connections.allowFrom(clientSg, ec2.Port.HTTPS, 'classifier function');
        }
      }
    }

    const cluster = new msk.CfnServerlessCluster(this, 'Cluster', {
      clusterName: config.clusterName,
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [
        {
          subnetIds: vpc.selectSubnets(subnets).subnetIds,
          securityGroups: [clusterSg.securityGroupId],
        },
      ],
    });
    // Retain what the kept cluster's network interfaces use (VPC, subnets, its security group
    // and the rule that lets the mapping's pollers in), so that a destroy with removal policy
    // retain neither fails on them nor leaves the cluster without its network. Route tables,
    // endpoints, the flow log and the client security group are deleted with the stack.
    cluster.applyRemovalPolicy(removalPolicy);
    vpc.applyRemovalPolicy(removalPolicy);
    for (const subnet of vpc.selectSubnets(subnets).subnets) {
      (subnet as ec2.Subnet).applyRemovalPolicy(removalPolicy);
    }
    clusterSg.applyRemovalPolicy(removalPolicy);
    for (const child of clusterSg.node.children) {
      if (
        child instanceof ec2.CfnSecurityGroupIngress &&
        child.sourceSecurityGroupId === clusterSg.securityGroupId
      ) {
        child.applyRemovalPolicy(removalPolicy);
      }
    }
    return {
      clusterArn: cluster.attrArn,
      network: { vpc, subnets, securityGroups: [clientSg] },
    };
  }

  private importNetwork(network: NetworkConfig): FunctionNetwork {
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'ImportedVpc', {
      vpcId: network.vpcId,
      // Only the subnets below are used; their zones do not matter to Lambda.
      availabilityZones: Fn.getAzs(),
    });
    Annotations.of(vpc).acknowledgeWarning(
      '@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones',
      'Only the configured subnets are used, by id; nothing selects subnets by zone.',
    );
    const subnets = network.subnetIds.map((id, i) => {
      const subnet = ec2.Subnet.fromSubnetId(this, `Subnet${i}`, id);
      Annotations.of(subnet).acknowledgeWarning(
        '@aws-cdk/aws-ec2:noSubnetRouteTableId',
        'Nothing reads the route table of a configured subnet; the S3 endpoint takes route table ids from the configuration.',
      );
      return subnet;
    });
    return {
      vpc,
      subnets: { subnets },
      securityGroups: network.securityGroupIds.map((id, i) =>
        ec2.SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${i}`, id),
      ),
    };
  }

  /**
   * The mapping writes failed batches to S3 from the subnets it polls from. With route tables
   * configured, an S3 gateway endpoint gives those subnets S3 without a NAT gateway; without,
   * synthesis warns, since nothing in the template can tell whether they reach S3.
   */
  private onFailureEndpoint(
    network: NetworkConfig | undefined,
    withMapping: boolean,
    mode: 'msk' | 'self-managed',
  ): ec2.CfnVPCEndpoint | undefined {
    if (!withMapping) return undefined;
    const routeTableIds = network?.s3EndpointRouteTableIds;
    if (network && routeTableIds && routeTableIds.length > 0) {
      return new ec2.CfnVPCEndpoint(this, 'S3GatewayEndpoint', {
        vpcId: network.vpcId,
        serviceName: ec2.GatewayVpcEndpointAwsService.S3.name,
        vpcEndpointType: 'Gateway',
        routeTableIds,
      });
    }
    const where = mode === 'msk' ? "the cluster's subnets" : 'the subnets of streaming.network';
    Annotations.of(this).addWarningV2(
      'sensor-alerts:on-failure-s3-endpoint',
      `The event source mapping writes failed batches to S3 from ${where}: they need a NAT gateway ` +
        'or an S3 gateway endpoint. Set streaming.network.s3EndpointRouteTableIds to the route ' +
        'tables of those subnets to have the stack add the endpoint (docs/deploy.md).',
    );
    return undefined;
  }

  /** GetBootstrapBrokers at deploy time: MSK hands out broker addresses only after creation. */
  private lookupBrokers(clusterArn: string): string {
    const call: cr.AwsSdkCall = {
      service: 'Kafka',
      action: 'GetBootstrapBrokers',
      parameters: { ClusterArn: clusterArn },
      physicalResourceId: cr.PhysicalResourceId.of(`bootstrap-brokers-${clusterArn}`),
      outputPaths: ['BootstrapBrokerStringSaslIam'],
    };
    const lookup = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['kafka:GetBootstrapBrokers'],
          resources: [clusterArn],
        }),
      ]),
    });
    // The provider function is a singleton at stack level.
    const provider = Stack.of(this).node.tryFindChild(PROVIDER_ID);
    if (provider) {
      acknowledge(
        provider,
        managedPolicyFinding('AWSLambdaBasicExecutionRole'),
        'CDK AwsCustomResource provider function: the managed policy only lets it write its logs.',
      );
    }
    return lookup.getResponseField('BootstrapBrokerStringSaslIam');
  }
}
