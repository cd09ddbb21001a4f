import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServicesError } from './errors';
import { alive } from './processes';

/**
 * Several test runs and shells share one state dir; `up` and `down` from two of them at once
 * would start two brokers on one data dir. A lock file holding the owner's pid serialises them,
 * and a lock left by a dead process is taken over.
 */
export async function withLock<T>(
  file: string,
  onWait: (holder: number) => void,
  action: () => Promise<T>,
  timeoutMs = 15 * 60_000,
): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      // An empty file is a lock being written right now, unless it has been empty for a while.
      const ageMs = await stat(file).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      const unreadable = !Number.isInteger(holder) || holder <= 0;
      if ((unreadable && ageMs > 5_000) || (!unreadable && !alive(holder))) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new ServicesError(
          `Another services:up/down (pid ${holder}) has held ${file} for too long; ` +
            'stop it, or delete the file if that process is gone.',
        );
      }
      if (!announced) onWait(holder);
      announced = true;
      await sleep(250);
    }
  }
  try {
    return await action();
  } finally {
    await rm(file, { force: true });
  }
}
