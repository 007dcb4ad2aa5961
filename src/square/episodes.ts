/**
 * Square's outages, timeouts and throttling, logged once per episode rather than once
 * per call: a seller whose calls fail during an outage would otherwise write a line for
 * each of hundreds of calls a query makes. The first failure of a kind opens an episode
 * for the seller (one warning), repeats are only counted, and the seller's first answer
 * of another kind closes it (one line: how many calls failed, for how long).
 */

/** `unreachable`: no connection, or a 5xx; `timeout`: no answer in time (or 408/504); `throttled`: 429. */
export type SquareFailureKind = 'unreachable' | 'timeout' | 'throttled';

/** What became of one attempt at a Square call: Square's status, or why there was none. */
export type SquareCallOutcome = { endpoint: string; status: number } | { endpoint: string; failure: Exclude<SquareFailureKind, 'throttled'> };

/** Where episodes are written; a pino logger is one. */
export interface EpisodeLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

interface Episode {
  started: number;
  failures: number;
}

const KINDS: readonly SquareFailureKind[] = ['unreachable', 'timeout', 'throttled'];

function failureOf(outcome: SquareCallOutcome): SquareFailureKind | undefined {
  if ('failure' in outcome) return outcome.failure;
  if (outcome.status === 429) return 'throttled';
  if (outcome.status === 408 || outcome.status === 504) return 'timeout';
  return outcome.status >= 500 ? 'unreachable' : undefined;
}

export class SquareEpisodes {
  /** Open episodes by seller and kind; closed ones are forgotten. */
  private readonly open = new Map<string, Episode>();

  /** `seller` is the seller's key (a hash of its token); lines carry a prefix of it, enough to tell sellers apart. */
  observe(seller: string, outcome: SquareCallOutcome, log: EpisodeLog): void {
    const sellerHash = seller.slice(0, 12);
    const failure = failureOf(outcome);
    if (failure) {
      const key = `${seller} ${failure}`;
      const episode = this.open.get(key);
      if (episode) episode.failures++;
      else {
        this.open.set(key, { started: performance.now(), failures: 1 });
        log.warn({ seller: sellerHash, kind: failure, ...outcome }, `Square ${failure}: later failures of this kind are counted until it recovers`);
      }
      return;
    }
    if (!('status' in outcome)) return;
    for (const kind of KINDS) {
      const key = `${seller} ${kind}`;
      const episode = this.open.get(key);
      if (!episode) continue;
      this.open.delete(key);
      const durationMs = Math.round(performance.now() - episode.started);
      log.info({ seller: sellerHash, kind, failedCalls: episode.failures, durationMs, endpoint: outcome.endpoint }, `Square ${kind} episode over`);
    }
  }
}
