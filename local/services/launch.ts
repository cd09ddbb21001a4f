/**
 * How each service is launched: its configuration files and its Java command line.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import type { Classpaths } from './artifacts';
import { ServiceNotReadyError } from './errors';
import type { JavaRuntime } from './java';
import { CATALOG_LAUNCHER_SOURCE, type ServicePaths } from './paths';
import {
  icebergRestProperties,
  kafkaLog4j2Properties,
  kafkaServerProperties,
  nessieApplicationProperties,
  s3ProxyLogbackXml,
  s3ProxyProperties,
} from './render';
import type { ServiceSettings } from './settings';
import type { ServiceName } from './versions';

export interface LaunchContext {
  java: JavaRuntime;
  classpaths: Classpaths;
  settings: ServiceSettings;
  paths: ServicePaths;
  marker: string;
}

/** The Java arguments that start a service and the folder it runs in. */
export interface LaunchSpec {
  args: string[];
  cwd: string;
}

/** Tells which catalog a running catalog process is, so a change of choice replaces it. */
export function catalogMarker(settings: ServiceSettings): string {
  return `-Dsensor-alerts.catalog=${settings.catalog}`;
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64; a leading '-' reads as an option. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function clusterId(dataDir: string): Promise<string> {
  const file = join(dirname(dataDir), 'kafka-cluster-id');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const id = newClusterId();
  await writeFile(file, `${id}\n`);
  return id;
}

async function prepareKafka(context: LaunchContext): Promise<LaunchSpec> {
  const { java, classpaths, settings, paths, marker } = context;
  const serverProperties = join(paths.confDir, 'server.properties');
  const log4j = join(paths.confDir, 'log4j2.properties');
  await writeFile(serverProperties, kafkaServerProperties(settings, paths.dataDir));
  await writeFile(log4j, kafkaLog4j2Properties());
  const classpath = classpaths.kafka.join(delimiter);
  const common = [`-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath];

  // Formatting is only needed once per data dir; skipping it saves a JVM start on warm starts.
  if (!existsSync(join(paths.dataDir, 'meta.properties'))) {
    const id = await clusterId(paths.dataDir);
    const format = spawnSync(
      java.executable,
      [
        '-Xmx256m',
        ...common,
        'kafka.tools.StorageTool',
        'format',
        '--standalone',
        '--ignore-formatted',
        '-t',
        id,
        '-c',
        serverProperties,
      ],
      { encoding: 'utf8' },
    );
    appendFileSync(paths.logFile, `${format.stdout ?? ''}${format.stderr ?? ''}`);
    if (format.status !== 0) {
      throw new ServiceNotReadyError(
        `Formatting the Kafka storage in ${paths.dataDir} failed; see ${paths.logFile}. ` +
          'If the data is disposable, run `npm run services:down -- --purge` and start again.',
      );
    }
  }
  return {
    cwd: paths.dataDir,
    args: ['-Xms256m', '-Xmx512m', marker, ...common, 'kafka.Kafka', serverProperties],
  };
}

async function prepareS3(context: LaunchContext): Promise<LaunchSpec> {
  const { classpaths, settings, paths, marker } = context;
  const properties = join(paths.confDir, 's3proxy.properties');
  const logback = join(paths.confDir, 'logback.xml');
  await writeFile(properties, s3ProxyProperties(settings, paths.dataDir));
  await writeFile(logback, s3ProxyLogbackXml());
  return {
    cwd: paths.dataDir,
    args: [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      marker,
      `-Dlogback.configurationFile=${logback}`,
      '-cp',
      classpaths.s3.join(delimiter),
      'org.gaul.s3proxy.Main',
      '--properties',
      properties,
    ],
  };
}

async function prepareNessie(context: LaunchContext): Promise<LaunchSpec> {
  const { classpaths, settings, paths, marker } = context;
  // Quarkus reads config/application.properties relative to its working directory.
  await mkdir(join(paths.confDir, 'config'), { recursive: true });
  await writeFile(
    join(paths.confDir, 'config', 'application.properties'),
    nessieApplicationProperties(settings, join(paths.dataDir, 'rocksdb')),
  );
  const [jar] = classpaths.catalog;
  return {
    cwd: paths.confDir,
    args: [
      '-Xmx512m',
      // Measured on two cores: default flags 4.7 s to ready, serial GC with the C1-only JIT
      // 3.6 s, plus the class-data archive (written when the first run exits) 2.0 s.
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-XX:+AutoCreateSharedArchive',
      `-XX:SharedArchiveFile=${join(paths.dataDir, `nessie-java${context.java.version}.jsa`)}`,
      marker,
      catalogMarker(settings),
      '-jar',
      jar as string,
    ],
  };
}

async function prepareIcebergRest(context: LaunchContext): Promise<LaunchSpec> {
  const { classpaths, settings, paths, marker } = context;
  const properties = join(paths.confDir, 'catalog.properties');
  await writeFile(properties, icebergRestProperties(settings, join(paths.dataDir, 'catalog.db')));
  return {
    cwd: paths.dataDir,
    args: [
      '-Xmx512m',
      '-XX:+UseSerialGC',
      marker,
      catalogMarker(settings),
      '-cp',
      classpaths.catalog.join(delimiter),
      CATALOG_LAUNCHER_SOURCE,
      properties,
    ],
  };
}

/** Writes the service's configuration and returns how to start it. */
export async function prepareLaunch(
  service: ServiceName,
  context: LaunchContext,
): Promise<LaunchSpec> {
  await mkdir(context.paths.confDir, { recursive: true });
  await mkdir(context.paths.dataDir, { recursive: true });
  await mkdir(dirname(context.paths.logFile), { recursive: true });
  const catalog = context.settings.catalog === 'nessie' ? prepareNessie : prepareIcebergRest;
  const prepare = { kafka: prepareKafka, s3: prepareS3, catalog }[service];
  return prepare(context);
}
