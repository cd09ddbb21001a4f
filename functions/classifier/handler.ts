import { parseClassifierConfig } from '../shared/config';
import { createClassifierHandler } from './create-handler';

// Configuration is validated at cold start: a misconfigured function fails before any batch.
export const handler = createClassifierHandler(parseClassifierConfig(process.env));
