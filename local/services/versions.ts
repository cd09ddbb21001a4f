/**
 * The one place where the versions of the local services are pinned. Changing anything here
 * changes the cache key, so the next `services:up` resolves the jars again with `mvn`.
 */
export interface ArtifactSet {
  /** Shown in progress lines. */
  label: string;
  /** Maven coordinates `group:artifact:version[:classifier]`. */
  dependencies: string[];
  /**
   * False for self-contained jars: they are fetched alone with `dependency:copy`, so neither
   * their declared dependencies nor their parent POMs are needed.
   */
  transitive: boolean;
  /** Oldest Java the service runs on. */
  minJava: number;
}

/** The Java services, fetched with Maven; `services:up` starts these unless told otherwise. */
export type ServiceName = 'kafka' | 's3' | 'catalog';

export const SERVICE_NAMES: readonly ServiceName[] = ['kafka', 's3', 'catalog'];

/** Every service the scripts manage: the Java ones and LocalStack (Python), started on request. */
export type LocalServiceName = ServiceName | 'localstack';

export const LOCAL_SERVICE_NAMES: readonly LocalServiceName[] = [...SERVICE_NAMES, 'localstack'];

/**
 * LocalStack as a plain Python process (its runtime's entry point, no Docker, no account): the
 * Lambda, CloudFormation, S3, IAM, ... APIs the stack deploys to. The dependencies are pinned by
 * localstack/constraints.txt (resolved as of 2026-04-01; newer transitive releases break it).
 */
export const LOCALSTACK = {
  label: 'LocalStack 2026.3.0',
  requirement: 'localstack-core[runtime]==2026.3.0',
  // 2026.3.0 imports `warnings.deprecated`, new in Python 3.13 (3.12 fails at start with an
  // ImportError; 3.11 cannot even parse it).
  minPython: [3, 13] as const,
  services: [
    'cloudformation',
    'cloudwatch',
    'events',
    'iam',
    'kms',
    'lambda',
    'logs',
    's3',
    'scheduler',
    'secretsmanager',
    'sns',
    'sqs',
    'ssm',
    'sts',
  ],
} as const;

/** The Iceberg REST catalog served locally; `SENSOR_ALERTS_CATALOG` picks one. */
export type CatalogKind = 'nessie' | 'iceberg-rest';

export const CATALOG_KINDS: readonly CatalogKind[] = ['nessie', 'iceberg-rest'];

export const DEFAULT_CATALOG: CatalogKind = 'nessie';

const KAFKA: ArtifactSet = {
  label: 'Apache Kafka 4.1.1',
  dependencies: [
    'org.apache.kafka:kafka_2.13:4.1.1',
    // Kafka's jars carry no logging backend and log through SLF4J 1.7: without a binding the
    // broker prints nothing at all.
    'org.apache.logging.log4j:log4j-core:2.25.2',
    'org.apache.logging.log4j:log4j-slf4j-impl:2.25.2',
  ],
  transitive: true,
  minJava: 17,
};

const S3: ArtifactSet = {
  label: 'S3Proxy 3.3.0',
  dependencies: [
    'org.gaul:s3proxy:3.3.0',
    // S3Proxy 3.3.0 pulls Jackson 3, which needs the 2.20+ annotations; Maven's nearest-wins
    // would otherwise pick 2.18 and the server fails at start with ClassNotFoundException.
    'com.fasterxml.jackson.core:jackson-annotations:2.22',
  ],
  transitive: true,
  minJava: 17,
};

export const CATALOGS: Record<CatalogKind, ArtifactSet> = {
  nessie: {
    // The Quarkus uber-jar (`runner` classifier). 0.99.0 is the newest release whose runner jar
    // the registry serves; Nessie 0.99 is built for Java 21.
    label: 'Nessie 0.99.0',
    dependencies: ['org.projectnessie.nessie:nessie-quarkus:0.99.0:runner'],
    transitive: false,
    minJava: 21,
  },
  'iceberg-rest': {
    // Apache Iceberg's REST catalog server (the one behind the `iceberg-rest-fixture` image),
    // published as a shaded jar; started by catalog/IcebergRestLauncher.java.
    label: 'Apache Iceberg REST catalog 1.10.1',
    dependencies: ['org.apache.iceberg:iceberg-open-api:1.10.1'],
    transitive: false,
    minJava: 17,
  },
};

/** What one `services:up` resolves and runs, given the chosen catalog. */
export function artifactsFor(catalog: CatalogKind): Record<ServiceName, ArtifactSet> {
  return { kafka: KAFKA, s3: S3, catalog: CATALOGS[catalog] };
}
