import { ServicesError } from './errors';
import { down, status, up } from './manager';
import { SERVICE_NAMES } from './versions';

// The SDK warns on every run that future releases will need Node 22; this CLI only talks to
// the local S3 server, so the notice is noise between the progress lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = 'usage: tsx local/services/cli.ts up | down [--purge] | status';

const report = (line: string) => console.log(`services: ${line}`);

const STATE_TEXT = {
  running: 'running',
  'not-ready': 'started but not answering',
  stopped: 'stopped',
  external: 'running (not started by these scripts)',
} as const;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      await up({ report });
      return 0;
    case 'down':
      await down({ report, purge: rest.includes('--purge') });
      return 0;
    case 'status': {
      const statuses = await status();
      for (const entry of statuses) {
        const pid = entry.pid === undefined ? '' : ` (pid ${entry.pid})`;
        console.log(
          `${entry.service.padEnd(8)} ${STATE_TEXT[entry.state]}${pid}  ${entry.endpoint}  log: ${entry.logFile}`,
        );
      }
      return statuses.every((entry) => entry.state === 'running' || entry.state === 'external')
        ? 0
        : 3;
    }
    default:
      console.error(USAGE);
      console.error(`services: ${SERVICE_NAMES.join(', ')}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ServicesError) {
      console.error(`services: error: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  },
);
