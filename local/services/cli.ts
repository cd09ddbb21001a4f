import { spawnSync } from 'node:child_process';
import { requireCommands } from './commands';
import { InvalidSettingError, MavenMissingError, ServicesError } from './errors';
import { findJavas } from './java';
import { ensureLambdaRuntime } from './lambda-runtime/toolchain';
import { findLocalStackPython } from './localstack/launch';
import { ensureLocalStackVenv } from './localstack/venv';
import { down, javaRequirements, status, up } from './manager';
import { cacheDir } from './paths';
import { readSettings } from './settings';
import { LOCAL_SERVICE_NAMES, type LocalServiceName, SERVICE_NAMES } from './versions';

// The SDK warns on every run that future releases will need Node 22; this CLI only talks to
// the local S3 server, so the notice is noise between the progress lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE =
  'usage: tsx local/services/cli.ts up [service...] | down [--purge] [service...] | status | check | prepare';

const report = (line: string) => console.log(`services: ${line}`);

const STATE_TEXT = {
  running: 'running',
  'not-ready': 'started but not answering',
  stopped: 'stopped',
  external: 'running (not started by these scripts)',
} as const;

/** Service names among the arguments; none means the command's default set. */
function servicesIn(args: string[]): LocalServiceName[] | undefined {
  const names = args.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !LOCAL_SERVICE_NAMES.includes(name as LocalServiceName));
  if (unknown.length > 0) {
    throw new InvalidSettingError(
      `unknown service ${unknown.join(', ')}: use ${LOCAL_SERVICE_NAMES.join(', ')}`,
    );
  }
  return names.length === 0 ? undefined : (names as LocalServiceName[]);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      await up({ report, services: servicesIn(rest) });
      return 0;
    case 'down':
      await down({ report, purge: rest.includes('--purge'), services: servicesIn(rest) });
      return 0;
    case 'status': {
      const statuses = await status();
      for (const entry of statuses) {
        const pid = entry.pid === undefined ? '' : ` (pid ${entry.pid})`;
        console.log(
          `${entry.service.padEnd(8)} ${STATE_TEXT[entry.state]}${pid}  ${entry.label}  ${entry.endpoint}  log: ${entry.logFile}`,
        );
        if (entry.note) console.log(`${''.padEnd(8)} note: ${entry.note}`);
      }
      // LocalStack is started on request only; the exit code speaks of the core services.
      return statuses
        .filter((entry) => SERVICE_NAMES.includes(entry.service as (typeof SERVICE_NAMES)[number]))
        .every((entry) => entry.state === 'running' || entry.state === 'external')
        ? 0
        : 3;
    }
    case 'prepare': {
      // Builds what LocalStack and the Lambda-runtime tests need into the cache, once.
      const began = Date.now();
      const python = findLocalStackPython();
      await Promise.all([
        ensureLocalStackVenv({ cache: cacheDir(), python, report }),
        ensureLambdaRuntime({ cache: cacheDir(), report }),
      ]);
      report(
        `LocalStack and the local Lambda runtime ready in ${((Date.now() - began) / 1000).toFixed(1)}s`,
      );
      return 0;
    }
    case 'check': {
      // What a fresh machine needs before the first `up`: JDKs and Maven.
      const javas = findJavas(javaRequirements(SERVICE_NAMES, readSettings()));
      for (const service of SERVICE_NAMES) {
        const java = javas[service];
        if (java) report(`${service}: Java ${java.version} at ${java.executable}`);
      }
      const maven = spawnSync('mvn', ['-B', '--version'], { encoding: 'utf8' });
      if (maven.error) {
        throw new MavenMissingError(
          'Maven (`mvn`) was not found: install it (e.g. `apt-get install maven`); the first ' +
            '`services:up` uses it to download the service jars.',
        );
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips Maven's colour codes
      report((maven.stdout.split('\n')[0] ?? 'mvn found').replace(/\u001b\[[0-9;]*m/g, ''));
      // LocalStack and the local Lambda runtime: Python 3.13+, and Go plus a C++ toolchain to
      // build the emulator and the runtime client's native part on first use.
      const python = findLocalStackPython();
      report(`localstack: Python ${python.version} at ${python.executable}`);
      requireCommands(
        [
          { command: 'go', args: ['version'], fix: 'install Go (e.g. `apt-get install golang`)' },
          { command: 'g++', fix: 'install a C++ toolchain (`apt-get install build-essential`)' },
          { command: 'make', fix: 'install make (`apt-get install build-essential`)' },
          { command: 'cmake', fix: 'install CMake (`apt-get install cmake`)' },
        ],
        'The local Lambda runtime',
      );
      report('lambda runtime: go, g++, make and cmake found');
      return 0;
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
