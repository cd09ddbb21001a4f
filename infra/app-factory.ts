import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { AppConfig } from './config';
import { SensorAlertsStack } from './stacks/sensor-alerts-stack';

/**
 * The app for one validated configuration. cdk-nag's AWS Solutions checks run as a policy
 * validation plugin: any finding not acknowledged (with a reason) fails the synthesis. The CDK
 * feature flags come from cdk.json's context (the CLI passes them; tests load the same file).
 */
export function buildApp(
  config: AppConfig,
  app: App = new App(),
): { app: App; stack: SensorAlertsStack } {
  const env =
    config.account || config.region
      ? { account: config.account, region: config.region }
      : undefined;
  const stack = new SensorAlertsStack(app, config.stackName, {
    config,
    env,
    description: `Sensor alerts pipeline (${config.target})`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
