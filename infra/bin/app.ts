import { App } from 'aws-cdk-lib';
import { buildApp } from '../app-factory';
import { parseConfig } from '../config';
import { rawConfigFromContext } from '../config-source';

// Configuration is read and validated once, here; stacks receive typed values only.
const app = new App();
const config = parseConfig(rawConfigFromContext(app.node.getAllContext()));
buildApp(config, app);
app.synth();
