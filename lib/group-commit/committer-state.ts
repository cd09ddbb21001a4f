import { GroupCommitError } from './errors';
import { COMMITTER_STATE_KEY } from './layout';
import type { StagingStore } from './staging-store';

/**
 * The one small object that coordinates committers of a staging root: who holds the commit
 * lease and until when, when the last round started (so invocations know whether a commit is
 * due), and which table the commits went to (so a lost table is noticed, not silently replaced).
 *
 * The lease only keeps committers from stampeding the catalog; correctness never depends on it.
 * Two committers at once are safe: each commits with `assert-ref-snapshot-id` and checks the
 * committed offsets on the base it lands on (commit-round.ts).
 */
export interface CommitterState {
  holder: string | null;
  leaseUntilMs: number;
  /** When the last round that got as far as the catalog started. */
  lastRoundAtMs: number;
  lastCommit?: { atMs: number; snapshotId: string; rows: number; batches: number };
  table?: TableIdentity;
}

export interface TableIdentity {
  uuid: string;
  location: string;
}

export interface HeldLease {
  etag: string;
  state: CommitterState;
  owner: string;
}

const EMPTY: CommitterState = { holder: null, leaseUntilMs: 0, lastRoundAtMs: 0 };

export async function readCommitterState(
  store: StagingStore,
): Promise<{ state: CommitterState; etag: string | undefined }> {
  const found = await store.get(COMMITTER_STATE_KEY);
  if (!found) return { state: EMPTY, etag: undefined };
  let state: CommitterState;
  try {
    state = { ...EMPTY, ...JSON.parse(new TextDecoder().decode(found.bytes)) };
  } catch (cause) {
    throw new GroupCommitError(
      `${store.location}${COMMITTER_STATE_KEY} is not JSON; delete it to reset the committer`,
      { cause },
    );
  }
  return { state, etag: found.etag };
}

const encode = (state: CommitterState) => new TextEncoder().encode(JSON.stringify(state));

/**
 * Takes the lease when nobody holds it (or the holder's lease ran out) and, with `dueAfterMs`,
 * only when the last round started at least that long ago. Without the lease (someone holds it,
 * it is not due, or another committer took it first) `lease` is undefined; `state` is what was
 * read either way.
 */
export async function tryAcquireLease(
  store: StagingStore,
  options: { owner: string; nowMs: number; leaseMs: number; dueAfterMs?: number },
): Promise<{ lease?: HeldLease; state: CommitterState; reason?: 'held' | 'not-due' | 'raced' }> {
  const { state, etag } = await readCommitterState(store);
  if (state.holder !== null && state.leaseUntilMs > options.nowMs) return { state, reason: 'held' };
  if (
    options.dueAfterMs !== undefined &&
    options.nowMs - state.lastRoundAtMs < options.dueAfterMs
  ) {
    return { state, reason: 'not-due' };
  }
  const next: CommitterState = {
    ...state,
    holder: options.owner,
    leaseUntilMs: options.nowMs + options.leaseMs,
  };
  const written = await store.put(
    COMMITTER_STATE_KEY,
    encode(next),
    etag === undefined ? { ifAbsent: true } : { ifMatch: etag },
  );
  if (written === undefined) return { state, reason: 'raced' };
  return { lease: { etag: written, state: next, owner: options.owner }, state: next };
}

/**
 * Gives the lease back with the round's outcome. Resolves false when the lease had run out and
 * another committer holds the state now (its update wins; nothing is lost either way).
 */
export async function releaseLease(
  store: StagingStore,
  lease: HeldLease,
  update: Partial<Omit<CommitterState, 'holder' | 'leaseUntilMs'>>,
): Promise<boolean> {
  const next: CommitterState = { ...lease.state, ...update, holder: null, leaseUntilMs: 0 };
  return (
    (await store.put(COMMITTER_STATE_KEY, encode(next), { ifMatch: lease.etag })) !== undefined
  );
}
