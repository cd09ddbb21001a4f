import { describe, expect, it } from 'vitest';
import { localEndpoints } from '../../../local/endpoints';
import { InvalidSettingError } from '../../../local/services/errors';
import {
  endpointOf,
  parseCatalogKind,
  parsePort,
  portKeysOf,
  portOfBrokers,
  portOfUrl,
  readSettings,
} from '../../../local/services/settings';

describe('parsePort', () => {
  it.each([
    ['9092', 9092],
    [' 19120 ', 19120],
    ['1', 1],
    ['65535', 65535],
  ])('accepts %j as port %i', (text, port) => {
    expect(parsePort(text, 'KAFKA_PORT')).toBe(port);
  });

  it.each(['0', '65536', '-1', '90.5', 'abc', '', '9092x'])(
    'rejects %j naming the variable',
    (text) => {
      expect(() => parsePort(text, 'KAFKA_PORT')).toThrow(InvalidSettingError);
      expect(() => parsePort(text, 'KAFKA_PORT')).toThrow(/KAFKA_PORT/);
    },
  );
});

describe('ports from endpoints', () => {
  it.each([
    ['127.0.0.1:9092', 9092],
    ['127.0.0.1:29092,127.0.0.1:29093', 29092],
  ])('takes the first broker port of %j', (brokers, port) => {
    expect(portOfBrokers(brokers, 'KAFKA_BROKERS')).toBe(port);
  });

  it.each([
    ['http://127.0.0.1:9000', 9000],
    ['http://127.0.0.1:19120/iceberg', 19120],
    ['http://localhost/iceberg', 80],
    ['https://catalog.example/iceberg', 443],
  ])('reads the port of %j', (url, port) => {
    expect(portOfUrl(url, 'ICEBERG_CATALOG_URI')).toBe(port);
  });

  it('rejects a broker without a port', () => {
    expect(() => portOfBrokers('localhost', 'KAFKA_BROKERS')).toThrow(/KAFKA_BROKERS/);
  });
});

describe('readSettings', () => {
  it('defaults to the endpoints of local/endpoints.ts', () => {
    // Act
    const settings = readSettings({});

    // Assess
    expect(settings.ports).toEqual({
      kafka: 9092,
      kafkaController: 9093,
      s3: 9000,
      catalog: 19120,
      catalogManagement: 19121,
      localstack: 4566,
    });
    expect(settings.catalog).toBe('nessie');
    expect(settings.catalogBasePath).toBe('/iceberg');
    expect(endpointOf('catalog', settings)).toBe('http://127.0.0.1:19120/iceberg');
  });

  it('takes the ports from the endpoint variables', () => {
    // Prepare
    const env = {
      KAFKA_BROKERS: '127.0.0.1:29092',
      ICEBERG_S3_ENDPOINT: 'http://127.0.0.1:29000',
      ICEBERG_CATALOG_URI: 'http://127.0.0.1:29120/catalog/',
      CATALOG_MANAGEMENT_PORT: '29300',
      LOCALSTACK_ENDPOINT: 'http://127.0.0.1:29566',
      SENSOR_ALERTS_CATALOG: 'iceberg-rest',
    };

    // Act
    const settings = readSettings(env);

    // Assess
    expect(settings.ports).toEqual({
      kafka: 29092,
      kafkaController: 29093,
      s3: 29000,
      catalog: 29120,
      catalogManagement: 29300,
      localstack: 29566,
    });
    expect(settings.catalogBasePath).toBe('/catalog');
  });

  it('moves services and their clients alike with the port variables alone', () => {
    // Prepare
    const env = {
      KAFKA_PORT: '31092',
      S3_PORT: '31000',
      CATALOG_PORT: '31120',
      LOCALSTACK_PORT: '31566',
    };

    // Act
    const settings = readSettings(env);
    const clients = localEndpoints(env);

    // Assess
    expect(settings.ports).toMatchObject({
      kafka: 31092,
      s3: 31000,
      catalog: 31120,
      localstack: 31566,
    });
    expect(clients).toMatchObject({
      kafkaBrokers: '127.0.0.1:31092',
      s3Endpoint: 'http://127.0.0.1:31000',
      catalogUri: 'http://127.0.0.1:31120/iceberg',
      localstackEndpoint: 'http://127.0.0.1:31566',
    });
  });

  it.each([
    [
      { KAFKA_PORT: '39092', KAFKA_BROKERS: '127.0.0.1:29092' },
      /KAFKA_PORT=39092 disagrees with KAFKA_BROKERS/,
    ],
    [
      { S3_PORT: '39000', ICEBERG_S3_ENDPOINT: 'http://127.0.0.1:29000' },
      /S3_PORT=39000 disagrees/,
    ],
    [
      { LOCALSTACK_PORT: '1', LOCALSTACK_ENDPOINT: 'http://127.0.0.1:2' },
      /LOCALSTACK_PORT=1 disagrees/,
    ],
  ])('refuses a port variable that contradicts its endpoint variable: %j', (env, message) => {
    expect(() => readSettings(env)).toThrow(message);
  });

  it('accepts both variables when they agree', () => {
    expect(
      readSettings({ KAFKA_PORT: '29092', KAFKA_BROKERS: '127.0.0.1:29092' }).ports.kafka,
    ).toBe(29092);
  });

  it.each([
    [{ SERVICES_READY_TIMEOUT_SECONDS: '30' }, 30_000],
    [{}, 120_000],
  ])('reads the readiness timeout from %j', (env, timeoutMs) => {
    expect(readSettings(env).readyTimeoutMs).toBe(timeoutMs);
  });

  it('rejects a timeout that is not a positive number', () => {
    expect(() => readSettings({ SERVICES_READY_TIMEOUT_SECONDS: 'soon' })).toThrow(
      /SERVICES_READY_TIMEOUT_SECONDS/,
    );
  });
});

describe('catalog choice', () => {
  it.each([
    [undefined, 'nessie'],
    ['', 'nessie'],
    ['nessie', 'nessie'],
    [' iceberg-rest ', 'iceberg-rest'],
  ])('reads SENSOR_ALERTS_CATALOG=%j as %s', (value, kind) => {
    expect(parseCatalogKind(value)).toBe(kind);
  });

  it('rejects an unknown catalog naming both choices', () => {
    expect(() => parseCatalogKind('polaris')).toThrow(
      /SENSOR_ALERTS_CATALOG="polaris" is not a catalog: use nessie or iceberg-rest/,
    );
  });

  it('refuses a catalog path Nessie cannot serve and names the way out', () => {
    // Prepare
    const env = { ICEBERG_CATALOG_URI: 'http://127.0.0.1:19120/catalog' };

    // Act
    const attempt = () => readSettings(env);

    // Assess
    expect(attempt).toThrow(InvalidSettingError);
    expect(attempt).toThrow(/under \/iceberg only.*SENSOR_ALERTS_CATALOG=iceberg-rest/);
  });

  it.each([
    ['nessie', ['catalog', 'catalogManagement']],
    ['iceberg-rest', ['catalog']],
  ])('checks the ports %s listens on', (kind, keys) => {
    expect(portKeysOf('catalog', readSettings({ SENSOR_ALERTS_CATALOG: kind }))).toEqual(keys);
  });
});
