import { ValidationError } from '../errors';

export interface ObjectLocation {
  bucket: string;
  key: string;
}

/** Splits `s3://bucket/key` (also `s3a://`, `s3n://`) into bucket and key. */
export function parseS3Uri(uri: string): ObjectLocation {
  const match = /^s3[an]?:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new ValidationError(`not an S3 object URI: ${uri}`);
  return { bucket: match[1]!, key: match[2]! };
}

/** Joins a table location and a relative path without doubling slashes. */
export function joinLocation(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts.map((p) => p.replace(/^\/+|\/+$/g, ''))].join('/');
}
