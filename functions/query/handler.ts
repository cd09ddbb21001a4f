import { loadQueryConfig } from './config';
import { createEngine } from './create-engine';
import { createQueryHandler } from './create-handler';

const config = loadQueryConfig();

export const handler = createQueryHandler({
  engine: () => createEngine(config),
  thresholds: config.thresholds,
});
