import { join } from 'node:path';
import { REPO_ROOT } from '../paths';

/**
 * The local Lambda runtime: the AWS Lambda Runtime Interface Emulator (a Go module, built with
 * `go install`), Node.js 22 (the npm package `node`, the major of Lambda's nodejs22.x) and the
 * AWS Lambda Node.js runtime interface client (`aws-lambda-ric`, with a native part built on
 * install). Changing anything here, or the lock files under localstack/runtime, changes the cache
 * key, so the next use builds the set again.
 */
export const LAMBDA_RUNTIME = {
  rieModule: 'github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie',
  // The module has no release tags the Go proxy serves; this is its newest commit (2026-10-30).
  rieVersion: 'v0.0.0-20261030222936-bef5c4ba774d',
  nodeVersion: '22.23.3',
  ricVersion: '4.0.2',
} as const;

/** package.json and package-lock.json of the two npm installs, kept in the repository. */
export const RUNTIME_PACKAGES_DIR = join(REPO_ROOT, 'localstack', 'runtime');
