import { describe, expect, it } from 'vitest';
import { aggregatorPom, modulePom, parseCoordinates } from '../../../local/services/maven-pom';
import {
  catalogProperties,
  kafkaServerProperties,
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

describe('catalogProperties', () => {
  it('points the catalog at the warehouse bucket on the local S3 server, path-style', () => {
    // Act
    const props = parse(catalogProperties(settings, '/state/data/catalog/catalog.db'));

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

  it('excludes every transitive dependency of a self-contained jar', () => {
    // Act
    const pom = modulePom('catalog', { label: 'x', dependencies: ['g:a:1'], transitive: false });

    // Assess
    expect(pom).toContain('<artifactId>a</artifactId><version>1</version>');
    expect(pom).toContain('<exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion>');
    expect(pom).toContain('<goal>build-classpath</goal>');
  });

  it('keeps transitive dependencies otherwise and lists every module in the aggregator', () => {
    expect(
      modulePom('kafka', { label: 'x', dependencies: ['g:a:1'], transitive: true }),
    ).not.toContain('<exclusion>');
    expect(aggregatorPom(['kafka', 's3'])).toContain(
      '<module>kafka</module>\n    <module>s3</module>',
    );
  });
});
