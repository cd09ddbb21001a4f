/**
 * `npm run dashboard`: a local web page with the live alert stream, the table's analytics and
 * the pipeline's health. `npm run dashboard -- --help` lists the flags.
 */
import { DASHBOARD_USAGE, DashboardUsageError, loadDashboardConfig } from './config';
import { startDashboard } from './server';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(argv: string[]): Promise<number | undefined> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(DASHBOARD_USAGE);
    return 0;
  }
  try {
    const config = loadDashboardConfig(argv, process.env);
    const dashboard = await startDashboard(config);
    console.log(
      `Dashboard on ${dashboard.url} (alerts ${config.alertsTopic}, table ` +
        `${config.query.namespace}.${config.query.table} via ${config.query.engine}); Ctrl-C stops it`,
    );
    const shutdown = async () => {
      await dashboard.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown());
    process.once('SIGTERM', () => void shutdown());
    return undefined;
  } catch (error) {
    if (error instanceof DashboardUsageError) {
      console.error(`dashboard: ${error.message}`);
      return 2;
    }
    console.error('dashboard: failed:', error);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exit(code);
});
