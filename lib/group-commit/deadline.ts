import { GroupCommitError } from './errors';

/** Time left before the caller (a Lambda invocation) must have finished. */
export interface Deadline {
  remainingMs(): number;
}

export const NO_DEADLINE: Deadline = { remainingMs: () => Number.POSITIVE_INFINITY };

export function deadlineAfter(ms: number, now: () => number = Date.now): Deadline {
  const end = now() + ms;
  return { remainingMs: () => end - now() };
}

/** Not enough time was left to start the next step safely; the caller should fail and retry. */
export class DeadlineExceededError extends GroupCommitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeadlineExceededError';
  }
}

export function ensureTimeFor(deadline: Deadline, neededMs: number, what: string): void {
  const left = deadline.remainingMs();
  if (left < neededMs) {
    throw new DeadlineExceededError(
      `${Math.max(0, Math.round(left))} ms left, ${neededMs} ms needed to ${what}`,
    );
  }
}
