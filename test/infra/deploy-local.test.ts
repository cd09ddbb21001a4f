import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/pipeline-function';

/** A local port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('localstack/deploy-local.sh', () => {
  it('stops with an explanation when LocalStack is not reachable', async () => {
    // Prepare
    const endpoint = `http://127.0.0.1:${await closedPort()}`;

    // Act
    const result = spawnSync('bash', [join(PROJECT_ROOT, 'localstack/deploy-local.sh')], {
      env: { PATH: process.env.PATH, LOCALSTACK_ENDPOINT: endpoint },
      encoding: 'utf8',
    });

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`LocalStack is not reachable at ${endpoint}`);
    expect(result.stderr).toContain('ECONNREFUSED');
  });
});
