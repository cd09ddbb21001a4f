import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when nothing listens on host:port (we could bind it ourselves). */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolveFree(true));
    });
  });
}

/**
 * Polls `check` until it returns true or the deadline passes; `abort` lets the caller stop
 * early, e.g. when the process being waited for has exited.
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  abort: () => boolean = () => false,
  intervalMs = 250,
): Promise<'ready' | 'timeout' | 'aborted'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return 'ready';
    if (abort()) return 'aborted';
    await sleep(intervalMs);
  }
  return 'timeout';
}
