/**
 * Configuration files of the services, rendered from settings without any IO so that they can
 * be checked in unit tests.
 */
import type { ServiceSettings } from './settings';

/** Java properties format: one `key=value` line per entry. */
export function renderProperties(entries: Record<string, string | number | boolean>): string {
  // Keys here are plain words; in values only backslashes and line breaks need escaping.
  const escapeValue = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return `${Object.entries(entries)
    .map(([key, value]) => `${key}=${escapeValue(String(value))}`)
    .join('\n')}\n`;
}

export function kafkaServerProperties(settings: ServiceSettings, logDir: string): string {
  const { host, ports } = settings;
  return renderProperties({
    'process.roles': 'broker,controller',
    'node.id': 1,
    listeners: `PLAINTEXT://${host}:${ports.kafka},CONTROLLER://${host}:${ports.kafkaController}`,
    'advertised.listeners': `PLAINTEXT://${host}:${ports.kafka}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.quorum.bootstrap.servers': `${host}:${ports.kafkaController}`,
    'log.dirs': logDir,
    'num.partitions': 1,
    'auto.create.topics.enable': true,
    // A single broker: every internal topic has to live with one replica.
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Consumers in tests join alone; waiting for more members only slows them down.
    'group.initial.rebalance.delay.ms': 0,
  });
}

export function kafkaLog4j2Properties(): string {
  return renderProperties({
    'rootLogger.level': 'INFO',
    'rootLogger.appenderRef.out.ref': 'out',
    'appender.out.type': 'Console',
    'appender.out.name': 'out',
    'appender.out.layout.type': 'PatternLayout',
    'appender.out.layout.pattern': '[%d] %p %m (%c)%n',
    // The request and state-change loggers are chatty at INFO and bury the lines that matter.
    'logger.request.name': 'kafka.request.logger',
    'logger.request.level': 'WARN',
    'logger.state.name': 'state.change.logger',
    'logger.state.level': 'WARN',
  });
}

export function s3ProxyProperties(settings: ServiceSettings, dataDir: string): string {
  return renderProperties({
    's3proxy.endpoint': `http://${settings.host}:${settings.ports.s3}`,
    's3proxy.authorization': 'aws-v2-or-v4',
    's3proxy.identity': settings.s3AccessKeyId,
    's3proxy.credential': settings.s3SecretAccessKey,
    'jclouds.provider': 'filesystem-nio2',
    'jclouds.filesystem.basedir': dataDir,
  });
}

/** S3Proxy logs through Logback, which defaults to DEBUG for everything without a config. */
export function s3ProxyLogbackXml(): string {
  return [
    '<configuration>',
    '  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">',
    '    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>',
    '  </appender>',
    '  <root level="INFO"><appender-ref ref="out"/></root>',
    '</configuration>',
    '',
  ].join('\n');
}

/**
 * Quarkus property naming the S3 key pair (`<name>.name` / `<name>.secret`). Outside the
 * `nessie.` prefix: Nessie rejects unknown properties under its own prefix at start.
 */
const NESSIE_S3_SECRET = 'local-s3';

/**
 * Nessie's `config/application.properties`: the Iceberg REST catalog over the warehouse bucket
 * of the local S3 server. The version store is RocksDB in `rocksDbDir`, so namespaces, tables and
 * their history survive a restart or a kill -9 (the in-memory store forgets them all).
 */
export function nessieApplicationProperties(settings: ServiceSettings, rocksDbDir: string): string {
  const { host, ports } = settings;
  const s3 = 'nessie.catalog.service.s3.default-options';
  return renderProperties({
    'quarkus.http.host': host,
    'quarkus.http.port': ports.catalog,
    // The management port defaults to 9000, where the local S3 server listens.
    'quarkus.management.host': host,
    'quarkus.management.port': ports.catalogManagement,
    'nessie.version.store.type': 'ROCKSDB',
    'nessie.version.store.persist.rocks.database-path': rocksDbDir,
    'nessie.catalog.default-warehouse': settings.catalogWarehouse,
    [`nessie.catalog.warehouses.${settings.catalogWarehouse}.location`]: `s3://${settings.warehouseBucket}/`,
    [`${s3}.endpoint`]: `http://${host}:${ports.s3}`,
    [`${s3}.path-style-access`]: true,
    [`${s3}.region`]: settings.s3Region,
    [`${s3}.access-key`]: `urn:nessie-secret:quarkus:${NESSIE_S3_SECRET}`,
    [`${NESSIE_S3_SECRET}.name`]: settings.s3AccessKeyId,
    [`${NESSIE_S3_SECRET}.secret`]: settings.s3SecretAccessKey,
    // Clients write data files with their own credentials; no signing endpoint is needed.
    [`${s3}.request-signing-enabled`]: false,
    // Nothing collects traces locally; the exporter would only log connection failures.
    'quarkus.otel.sdk.disabled': true,
  });
}

/**
 * Properties read by `catalog/IcebergRestLauncher.java`: `rest.*` configure the HTTP server,
 * everything else goes to the Iceberg catalog (a JDBC catalog on SQLite, files on the local S3).
 */
export function icebergRestProperties(settings: ServiceSettings, sqliteFile: string): string {
  return renderProperties({
    'rest.host': settings.host,
    'rest.port': settings.ports.catalog,
    'rest.base-path': settings.catalogBasePath,
    'catalog-impl': 'org.apache.iceberg.jdbc.JdbcCatalog',
    uri: `jdbc:sqlite:${sqliteFile}`,
    'jdbc.schema-version': 'V1',
    // SQLite allows one writer: several pooled connections fail each other's commits with
    // SQLITE_BUSY under concurrent requests, so requests share one connection instead.
    clients: 1,
    'jdbc.busy_timeout': 10_000,
    warehouse: `s3://${settings.warehouseBucket}/`,
    'io-impl': 'org.apache.iceberg.aws.s3.S3FileIO',
    's3.endpoint': `http://${settings.host}:${settings.ports.s3}`,
    's3.path-style-access': true,
    's3.access-key-id': settings.s3AccessKeyId,
    's3.secret-access-key': settings.s3SecretAccessKey,
    'client.region': settings.s3Region,
  });
}
