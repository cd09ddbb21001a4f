import { describe, expect, it } from 'vitest';
import {
  aggregatorPom,
  modulePom,
  parseCoordinates,
  repositoryPath,
} from '../../../local/services/maven-pom';
import {
  icebergRestProperties,
  kafkaServerProperties,
  nessieApplicationProperties,
  renderProperties,
  s3ProxyProperties,
} from '../../../local/services/render';
import { readSettings } from '../../../local/services/settings';

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)];
      }),
  );
}

const settings = readSettings({ KAFKA_PORT: '29092', S3_PORT: '29000', CATALOG_PORT: '29120' });

describe('renderProperties', () => {
  it('writes one key=value line per entry and escapes backslashes and line breaks', () => {
    // Act
    const text = renderProperties({ a: 1, b: true, path: 'C:\\data', multi: 'x\ny' });

    // Assess
    expect(text).toBe('a=1\nb=true\npath=C:\\\\data\nmulti=x\\ny\n');
  });
});

describe('kafkaServerProperties', () => {
  it('configures one KRaft node, combined broker and controller, on the configured ports', () => {
    // Act
    const props = parse(kafkaServerProperties(settings, '/state/data/kafka'));

    // Assess
    expect(props).toMatchObject({
      'process.roles': 'broker,controller',
      listeners: 'PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:29092',
      'controller.quorum.bootstrap.servers': '127.0.0.1:29093',
      'log.dirs': '/state/data/kafka',
      'auto.create.topics.enable': 'true',
      'offsets.topic.replication.factor': '1',
    });
  });
});

describe('s3ProxyProperties', () => {
  it('serves the filesystem backend with the local credentials', () => {
    expect(parse(s3ProxyProperties(settings, '/state/data/s3'))).toEqual({
      's3proxy.endpoint': 'http://127.0.0.1:29000',
      's3proxy.authorization': 'aws-v2-or-v4',
      's3proxy.identity': settings.s3AccessKeyId,
      's3proxy.credential': settings.s3SecretAccessKey,
      'jclouds.provider': 'filesystem-nio2',
      'jclouds.filesystem.basedir': '/state/data/s3',
    });
  });
});

describe('nessieApplicationProperties', () => {
  it('serves HTTP and management on the configured ports with a RocksDB store over the bucket', () => {
    // Prepare
    const moved = readSettings({
      S3_PORT: '29000',
      CATALOG_PORT: '29120',
      CATALOG_MANAGEMENT_PORT: '29200',
      WAREHOUSE_BUCKET: 'lake',
      ICEBERG_WAREHOUSE: 'wh',
      ICEBERG_S3_ACCESS_KEY_ID: 'key-id',
      ICEBERG_S3_SECRET_ACCESS_KEY: 'key-secret',
      ICEBERG_S3_REGION: 'eu-west-1',
    });

    // Act
    const props = parse(nessieApplicationProperties(moved, '/state/data/catalog/rocksdb'));

    // Assess
    const s3 = 'nessie.catalog.service.s3.default-options';
    expect(props).toEqual({
      'quarkus.http.host': '127.0.0.1',
      'quarkus.http.port': '29120',
      'quarkus.management.host': '127.0.0.1',
      'quarkus.management.port': '29200',
      'nessie.version.store.type': 'ROCKSDB',
      'nessie.version.store.persist.rocks.database-path': '/state/data/catalog/rocksdb',
      'nessie.catalog.default-warehouse': 'wh',
      'nessie.catalog.warehouses.wh.location': 's3://lake/',
      [`${s3}.endpoint`]: 'http://127.0.0.1:29000',
      [`${s3}.path-style-access`]: 'true',
      [`${s3}.region`]: 'eu-west-1',
      [`${s3}.access-key`]: 'urn:nessie-secret:quarkus:local-s3',
      'local-s3.name': 'key-id',
      'local-s3.secret': 'key-secret',
      [`${s3}.request-signing-enabled`]: 'false',
      'quarkus.otel.sdk.disabled': 'true',
    });
  });

  it('puts the management port next to the HTTP port unless told otherwise', () => {
    // Act
    const props = parse(nessieApplicationProperties(settings, '/rocksdb'));

    // Assess
    expect([props['quarkus.http.port'], props['quarkus.management.port']]).toEqual([
      '29120',
      '29121',
    ]);
  });
});

describe('icebergRestProperties', () => {
  it('points the catalog at the warehouse bucket on the local S3 server, path-style', () => {
    // Act
    const props = parse(icebergRestProperties(settings, '/state/data/catalog/catalog.db'));

    // Assess
    expect(props).toMatchObject({
      'rest.host': '127.0.0.1',
      'rest.port': '29120',
      'rest.base-path': '/iceberg',
      uri: 'jdbc:sqlite:/state/data/catalog/catalog.db',
      warehouse: 's3://warehouse/',
      's3.endpoint': 'http://127.0.0.1:29000',
      's3.path-style-access': 'true',
      'client.region': 'us-east-1',
    });
  });
});

describe('Maven projects', () => {
  it.each([
    [
      'org.apache.kafka:kafka_2.13:4.1.1',
      { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: '4.1.1' },
    ],
    ['g:a:1.0:runner', { groupId: 'g', artifactId: 'a', version: '1.0', classifier: 'runner' }],
  ])('parses %j', (text, coordinates) => {
    expect(parseCoordinates(text)).toEqual(coordinates);
  });

  it.each(['g:a', 'g:a:1:c:extra', 'g::1'])('rejects %j', (text) => {
    expect(() => parseCoordinates(text)).toThrow(/group:artifact:version/);
  });

  it('fetches a self-contained jar alone with dependency:copy, classifier included', () => {
    // Act
    const pom = modulePom('catalog', {
      label: 'x',
      dependencies: ['org.example:server:1.2:runner'],
      transitive: false,
      minJava: 21,
    });

    // Assess
    expect(pom).toContain('<goal>copy</goal>');
    expect(pom).toContain(
      '<artifactItem><groupId>org.example</groupId><artifactId>server</artifactId>' +
        '<version>1.2</version><classifier>runner</classifier><type>jar</type></artifactItem>',
    );
    expect(pom).not.toContain('<dependencies>');
    expect(pom).not.toContain('build-classpath');
  });

  it('resolves transitive dependencies into a classpath and lists every module in the aggregator', () => {
    // Act
    const pom = modulePom('kafka', {
      label: 'x',
      dependencies: ['g:a:1'],
      transitive: true,
      minJava: 17,
    });

    // Assess
    expect(pom).toContain(
      '<dependency><groupId>g</groupId><artifactId>a</artifactId><version>1</version></dependency>',
    );
    expect(pom).toContain('<goal>build-classpath</goal>');
    expect(pom).not.toContain('<goal>copy</goal>');
    expect(aggregatorPom(['kafka', 's3'])).toContain(
      '<module>kafka</module>\n    <module>s3</module>',
    );
  });
});

describe('repositoryPath', () => {
  it.each([
    [
      'org.projectnessie.nessie:nessie-quarkus:0.99.0:runner',
      '/repo/org/projectnessie/nessie/nessie-quarkus/0.99.0/nessie-quarkus-0.99.0-runner.jar',
    ],
    [
      'org.apache.iceberg:iceberg-open-api:1.10.1',
      '/repo/org/apache/iceberg/iceberg-open-api/1.10.1/iceberg-open-api-1.10.1.jar',
    ],
  ])('places %j in the Maven repository layout', (text, path) => {
    expect(repositoryPath('/repo', parseCoordinates(text))).toBe(path);
  });
});
