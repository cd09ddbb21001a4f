import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import { localstackReady } from './localstack/launch';
import { endpointOf, type ServiceSettings } from './settings';
import type { LocalServiceName } from './versions';

function s3Client(settings: ServiceSettings): S3Client {
  return new S3Client({
    endpoint: endpointOf('s3', settings),
    region: settings.s3Region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: settings.s3AccessKeyId,
      secretAccessKey: settings.s3SecretAccessKey,
    },
    maxAttempts: 1,
  });
}

async function kafkaReady(settings: ServiceSettings): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'services-probe',
    brokers: [endpointOf('kafka', settings)],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function s3Ready(settings: ServiceSettings): Promise<boolean> {
  const client = s3Client(settings);
  try {
    await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
    return true;
  } finally {
    client.destroy();
  }
}

/** Nessie reports ready on its management port once its version store and object store answer. */
async function nessieHealthy(settings: ServiceSettings): Promise<boolean> {
  const url = `http://${settings.host}:${settings.ports.catalogManagement}/q/health/ready`;
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.ok;
}

async function catalogReady(settings: ServiceSettings): Promise<boolean> {
  if (settings.catalog === 'nessie' && !(await nessieHealthy(settings))) return false;
  const warehouse = encodeURIComponent(settings.catalogWarehouse);
  const response = await fetch(
    `${endpointOf('catalog', settings)}/v1/config?warehouse=${warehouse}`,
    {
      signal: AbortSignal.timeout(2_000),
    },
  );
  if (!response.ok) return false;
  const body = (await response.json()) as { defaults?: unknown };
  return typeof body.defaults === 'object';
}

/** True when the service answers its own protocol correctly, whoever started it. */
export function isReady(service: LocalServiceName, settings: ServiceSettings): Promise<boolean> {
  const probe = {
    kafka: kafkaReady,
    s3: s3Ready,
    catalog: catalogReady,
    localstack: localstackReady,
  }[service];
  return probe(settings).catch(() => false);
}

/** Nessie's liveness does not depend on the object store, unlike its readiness. */
async function nessieLive(settings: ServiceSettings): Promise<boolean> {
  const url = `http://${settings.host}:${settings.ports.catalogManagement}/q/health/live`;
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.ok;
}

/**
 * True when the service process itself works, even if something it depends on does not: Nessie
 * is not ready while S3 is down, but restarting it then would gain nothing (and with an
 * in-memory store would erase the catalog). For the others, alive means ready.
 */
export function isLive(service: LocalServiceName, settings: ServiceSettings): Promise<boolean> {
  if (service === 'catalog' && settings.catalog === 'nessie') {
    return nessieLive(settings).catch(() => false);
  }
  return isReady(service, settings);
}

/** Creates the warehouse bucket unless it exists; returns whether it was created. */
export async function ensureBucket(settings: ServiceSettings): Promise<boolean> {
  const client = s3Client(settings);
  try {
    const exists = await client
      .send(new HeadBucketCommand({ Bucket: settings.warehouseBucket }))
      .then(
        () => true,
        () => false,
      );
    if (exists) return false;
    await client
      .send(new CreateBucketCommand({ Bucket: settings.warehouseBucket }))
      .catch((error) => {
        if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
      });
    return true;
  } finally {
    client.destroy();
  }
}
