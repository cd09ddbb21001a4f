import { parseCommitterConfig } from '../shared/config';
import { createCommitterHandler } from './create-handler';

// Configuration is validated at cold start: a misconfigured function fails before any sweep.
export const handler = createCommitterHandler(parseCommitterConfig(process.env));
