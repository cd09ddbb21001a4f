/**
 * The whole pipeline on local services: generator -> Kafka -> event source mapping runner ->
 * classifier -> Iceberg (REST catalog + S3) -> queries and checks. `npm run demo -- --help`.
 */
import { randomInt } from 'node:crypto';
import { LocalQueryEngine } from '../functions/query/local-engine';
import { runNamedQuery } from '../functions/query/queries';
import { allAlertsSql } from '../functions/query/sql';
import { parseAlertStreamSettings } from '../functions/shared/config';
import { ensureTopic } from '../lib/kafka/topics';
import { CommitSweep } from './commit-sweep';
import { loadDashboardConfig } from './dashboard/config';
import { type RunningDashboard, startDashboard } from './dashboard/server';
import { readAlertStream, topicEnds } from './demo/alert-stream';
import { DEMO_USAGE, type DemoOptions, parseDemoArgs } from './demo/args';
import { alertStreamChecks, type Check, exactlyOnceChecks, expectedAlerts } from './demo/checks';
import { DemoStepError, DemoUsageError } from './demo/errors';
import {
  localClassifier,
  localCommitter,
  openLocalPipeline,
  produceGenerated,
  quietRunnerLogger,
  runNames,
} from './demo/local-pipeline';
import { indent, StepPrinter, seconds } from './demo/steps';
import { textTable } from './demo/text-table';
import { inProcessInvoker } from './esm/invokers';
import { EventSourceMappingRunner } from './esm/runner';
import { allReady, down, up } from './services/manager';
import type { LocalServiceName } from './services/versions';

// The SDK's notice about future Node versions is noise between the step lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function ensureServices(steps: StepPrinter): Promise<LocalServiceName[]> {
  return steps.run(
    'Local services (Kafka, S3, Iceberg REST catalog)',
    async () => {
      if (await allReady()) return [];
      try {
        const result = await up({ report: (line) => steps.line(`      ${line}`) });
        return result.started;
      } catch (error) {
        throw new DemoStepError(
          `The local services could not be started: ${(error as Error).message}\n` +
            'They run on Java and are downloaded with mvn on their first start; ' +
            '`npm run services:status` shows what is running.',
          { cause: error },
        );
      }
    },
    (started) => (started.length === 0 ? 'already running' : `started ${started.join(', ')}`),
  );
}

async function runDemo(options: DemoOptions): Promise<boolean> {
  const began = performance.now();
  const names = runNames(options.runId);
  const seed = options.seed ?? randomInt(0, 2 ** 32);
  const thresholds = {
    threshold: options.threshold,
    high: Math.max(85, options.threshold),
    critical: Math.max(90, options.threshold),
  };
  const steps = new StepPrinter(7);
  steps.line(`Sensor alerts demo, run ${options.runId}`);
  steps.line(
    `  topic ${names.topic}, consumer group ${names.groupId}, table ${names.namespace}.${names.table}`,
  );
  steps.line(
    `  ${options.readings} readings from ${options.sensors} sensors, seed ${seed}, threshold ${options.threshold}`,
  );

  const started = await ensureServices(steps);
  let runner: EventSourceMappingRunner | undefined;
  let engine: LocalQueryEngine | undefined;
  let dashboard: RunningDashboard | undefined;
  // The alert stream of ALERTS_TOPIC (default sensor_alerts); with the dashboard, this run's
  // alerts get a topic of their own, so the page shows only them.
  const alertsTopic = options.dashboard
    ? `sensor_alerts_${options.runId}`
    : parseAlertStreamSettings(process.env).topic;
  try {
    const pipeline = await steps.run(
      'Create the Iceberg table and the Kafka topic',
      () => openLocalPipeline(names),
      () => `${names.namespace}.${names.table}, ${names.topic} (3 partitions)`,
    );
    // Only what this run adds to the alert topic is read back.
    const alertsFrom = alertsTopic
      ? await ensureTopic(pipeline.kafka, alertsTopic, { partitions: 3 }).then(() =>
          topicEnds(pipeline.kafka, alertsTopic),
        )
      : undefined;
    if (options.dashboard && alertsTopic) {
      dashboard = await startDashboard(
        loadDashboardConfig(
          [
            '--port',
            String(options.dashboardPort),
            '--alerts-topic',
            alertsTopic,
            '--readings-topic',
            names.topic,
            '--group',
            names.groupId,
            '--table',
            names.table,
          ],
          // The demo's own table and services, whatever a deployment's variables say.
          {
            ...process.env,
            QUERY_ENGINE: 'local',
            ALERT_THRESHOLD: String(thresholds.threshold),
            SEVERITY_HIGH: String(thresholds.high),
            SEVERITY_CRITICAL: String(thresholds.critical),
          },
        ),
      );
      steps.line(`  dashboard on ${dashboard.url} (alerts on ${alertsTopic})`);
    }

    const readings = await steps.run(
      'Generator: produce readings',
      () =>
        produceGenerated(pipeline, { readings: options.readings, sensors: options.sensors, seed }),
      (r) => `${r.length} readings on ${names.topic}`,
    );
    const expected = expectedAlerts(readings, thresholds);

    runner = new EventSourceMappingRunner({
      kafka: pipeline.kafka,
      topic: names.topic,
      groupId: names.groupId,
      invoke: inProcessInvoker(
        localClassifier(pipeline, thresholds, { alertsTopic: alertsTopic ?? '' }),
        'sensor-classifier',
      ),
      logger: quietRunnerLogger,
    });
    const activeRunner = runner;
    const sweep = new CommitSweep(localCommitter(pipeline));
    const stats = await steps.run(
      'Event source mapping -> classifier -> staged batches -> group commits',
      async () => {
        await activeRunner.start();
        sweep.start();
        const caughtUp = await activeRunner.runUntilIdle({
          timeoutMs: Math.max(120_000, options.readings * 5),
        });
        await sweep.stop();
        // Whatever the last invocations staged lands now; a failing commit fails the demo.
        await sweep.flush();
        return caughtUp;
      },
      (s) => `${s.records} records in ${s.batches} batches (${s.invocations} invocations)`,
    );
    await runner.stop();

    engine = new LocalQueryEngine({
      catalog: pipeline.iceberg.catalog,
      io: pipeline.iceberg.io,
      ident: pipeline.iceberg.table,
    });
    const queryEngine = engine;
    const queryThresholds = {
      alertThreshold: thresholds.threshold,
      criticalThreshold: thresholds.critical,
    };

    const summary = await steps.run('Alert summary (DuckDB over the table)', () =>
      runNamedQuery(queryEngine, 'alert-summary', queryThresholds),
    );
    steps.line(
      indent(
        textTable(summary.rows, undefined, { fixed: { avg_temperature: 2, max_temperature: 2 } }),
      ),
    );

    const latest = await steps.run('Latest CRITICAL alerts', () =>
      runNamedQuery(queryEngine, 'latest-critical', queryThresholds),
    );
    steps.line(
      indent(
        textTable(
          latest.rows,
          [
            'sensor_id',
            'temperature',
            'location',
            'reading_timestamp',
            'source_partition',
            'source_offset',
          ],
          { fixed: { temperature: 2 } },
        ),
      ),
    );

    const checks = await steps.run(
      'Validations and exactly-once checks',
      async (): Promise<Check[]> => {
        const validations = await runNamedQuery(queryEngine, 'validations', queryThresholds);
        const tableRows = await queryEngine.run(allAlertsSql(queryEngine.tableRef));
        const stream =
          alertsTopic && alertsFrom
            ? alertStreamChecks(
                await readAlertStream(pipeline.kafka, alertsTopic, alertsFrom),
                names.topic,
                tableRows,
              )
            : [];
        return [
          ...stream,
          ...validations.rows,
          ...exactlyOnceChecks({
            produced: readings.length,
            consumed: stats.records,
            expected,
            tableRows,
          }),
        ];
      },
    );
    const nameWidth = Math.max(...checks.map((c) => c.name.length));
    for (const check of checks) {
      steps.line(
        `    ${check.passed ? 'PASS' : 'FAIL'}  ${check.name.padEnd(nameWidth)}  ${check.detail}`,
      );
    }
    const failed = checks.filter((c) => !c.passed).length;
    steps.line(
      failed === 0
        ? `\nPASS: all ${checks.length} checks passed in ${seconds(performance.now() - began)}`
        : `\nFAIL: ${failed} of ${checks.length} checks failed`,
    );
    if (dashboard) {
      steps.line(
        `\nDashboard on ${dashboard.url}: Ctrl-C stops it (and the services this demo started).`,
      );
      await untilInterrupted();
    }
    return failed === 0;
  } finally {
    await runner?.stop().catch(() => undefined);
    await engine?.close().catch(() => undefined);
    await dashboard?.close().catch(() => undefined);
    if (started.length > 0 && !options.keepServices) {
      steps.line(`Stopping the services this demo started: ${started.join(', ')}`);
      await down({ services: started });
      steps.line('Stopped (--keep-services leaves them running).');
    } else if (started.length > 0) {
      steps.line('Local services left running (npm run services:down stops them).');
    }
  }
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(DEMO_USAGE);
    return 0;
  }
  try {
    return (await runDemo(parseDemoArgs(argv))) ? 0 : 1;
  } catch (error) {
    if (error instanceof DemoUsageError || error instanceof DemoStepError) {
      console.error(`demo: ${error.message}`);
      return 2;
    }
    console.error('demo: failed:', error);
    return 1;
  }
}

// Exit explicitly: idle keep-alive sockets of the SDK clients would otherwise hold the process.
main(process.argv.slice(2)).then((code) => process.exit(code));
