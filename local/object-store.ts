import { S3FileIO } from '../lib/iceberg';
import { type LocalEndpoints, localEndpoints } from './endpoints';

/** Client settings for the local S3-compatible store; valid for an S3Client and an S3FileIO. */
export interface LocalS3Options {
  endpoint: string;
  region: string;
  forcePathStyle: true;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export function localS3Options(endpoints: LocalEndpoints = localEndpoints()): LocalS3Options {
  return {
    endpoint: endpoints.s3Endpoint,
    region: endpoints.s3Region,
    // The local store serves buckets by path, not by virtual host.
    forcePathStyle: true,
    credentials: {
      accessKeyId: endpoints.s3AccessKeyId,
      secretAccessKey: endpoints.s3SecretAccessKey,
    },
  };
}

/** The FileIO the tests, benchmarks and demo use against the local warehouse. */
export function localS3FileIO(endpoints: LocalEndpoints = localEndpoints()): S3FileIO {
  return new S3FileIO(localS3Options(endpoints));
}
