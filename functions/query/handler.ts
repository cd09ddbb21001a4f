import { createLogger } from '../shared/powertools';
import { loadQueryConfig } from './config';
import { createEngine } from './create-engine';
import { createQueryHandler } from './create-handler';

// Configuration is validated at cold start: a misconfigured function fails before any query.
const config = loadQueryConfig();

export const handler = createQueryHandler({
  engine: () => createEngine(config),
  thresholds: config.thresholds,
  logger: createLogger('sensor-query'),
});
