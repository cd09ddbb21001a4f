import { parseMaintenanceConfig } from './config';
import { createMaintenanceHandler } from './create-handler';

// Configuration is validated at cold start: a misconfigured function fails before any run.
export const handler = createMaintenanceHandler(parseMaintenanceConfig(process.env));
