/**
 * The one place where the versions of the local services are pinned. Changing anything here
 * changes the cache key, so the next `services:up` resolves the jars again with `mvn`.
 */
export interface ArtifactSet {
  /** Shown in progress lines. */
  label: string;
  /** Maven coordinates `group:artifact:version[:classifier]`. */
  dependencies: string[];
  /** False for self-contained (shaded) jars whose declared dependencies are not needed. */
  transitive: boolean;
}

export type ServiceName = 'kafka' | 's3' | 'catalog';

export const SERVICE_NAMES: readonly ServiceName[] = ['kafka', 's3', 'catalog'];

export const ARTIFACTS: Record<ServiceName, ArtifactSet> = {
  kafka: {
    label: 'Apache Kafka 4.1.1',
    dependencies: [
      'org.apache.kafka:kafka_2.13:4.1.1',
      // Kafka's jars carry no logging backend and log through SLF4J 1.7: without a binding the
      // broker prints nothing at all.
      'org.apache.logging.log4j:log4j-core:2.25.2',
      'org.apache.logging.log4j:log4j-slf4j-impl:2.25.2',
    ],
    transitive: true,
  },
  s3: {
    label: 'S3Proxy 3.3.0',
    dependencies: [
      'org.gaul:s3proxy:3.3.0',
      // S3Proxy 3.3.0 pulls Jackson 3, which needs the 2.20+ annotations; Maven's nearest-wins
      // would otherwise pick 2.18 and the server fails at start with ClassNotFoundException.
      'com.fasterxml.jackson.core:jackson-annotations:2.22',
    ],
    transitive: true,
  },
  catalog: {
    // Apache Iceberg's REST catalog server (the one behind the `iceberg-rest-fixture` image),
    // published as a shaded jar; Nessie's server jar is not served by the registry here.
    label: 'Apache Iceberg REST catalog 1.10.1',
    dependencies: ['org.apache.iceberg:iceberg-open-api:1.10.1'],
    transitive: false,
  },
};

/** Oldest Java every service runs on (Kafka 4 brokers, S3Proxy 3 and Jetty 12 need 17). */
export const MIN_JAVA_VERSION = 17;
