import { App } from 'aws-cdk-lib';
import { buildApp } from '../app-factory';
import { parseConfig } from '../config';
import { rawConfigFromContext } from '../config-source';
import { ConfigError, ConfigFileError } from '../errors';

// Configuration is read and validated once, here; stacks receive typed values only.
const app = new App();
try {
  const config = parseConfig(rawConfigFromContext(app.node.getAllContext()));
  buildApp(config, app);
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof ConfigFileError)) throw error;
  const cause =
    error instanceof ConfigFileError && error.cause instanceof Error
      ? `: ${error.cause.message}`
      : '';
  console.error(`${error.message}${cause}`);
  process.exit(1);
}
app.synth();
