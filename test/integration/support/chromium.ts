import { existsSync } from 'node:fs';

/**
 * The system Chromium (Debian's `chromium` package) that playwright-core drives; no browser is
 * downloaded. `CHROMIUM_PATH` points elsewhere.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}: install it (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  return path;
}
