import { allReady, down, status, up } from '../../local/services/manager';
import { type LocalServiceName, SERVICE_NAMES } from '../../local/services/versions';

// The SDK's Node 22 notice would repeat in every test file's output; see local/services/cli.ts.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const report = (line: string) => console.log(`[services] ${line}`);

/**
 * Integration tests run against real local services. Services that are already up (from
 * `npm run services:up`, or the Docker compose file) are used and left running; otherwise they
 * are started here with the same code as the CLI and stopped again after the run.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (await allReady()) {
    report('using the local services that are already running; leaving them running');
    return async () => undefined;
  }
  const before = await status({ services: SERVICE_NAMES });
  const missing: LocalServiceName[] = before
    .filter((entry) => entry.state !== 'running' && entry.state !== 'external')
    .map((entry) => entry.service);
  report(`starting ${missing.join(', ')} for this run; stopping them again when it ends`);
  let started: LocalServiceName[];
  try {
    ({ started } = await up({ report }));
  } catch (error) {
    await down({ report, services: missing }).catch(() => undefined);
    throw error;
  }
  return async () => {
    if (started.length > 0) await down({ report, services: started });
  };
}
