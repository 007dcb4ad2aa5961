import { setTimeout as sleep } from 'node:timers/promises';
import { SquareClient, SquareError } from 'square';
import type { RefreshClaim, SellerVault } from './types.js';
import type { SquareApplication } from '../square/application.js';

const DAY_MS = 24 * 3600_000;
/** Square's access tokens last 30 days (OAuth API overview); one renewed `refreshAfterDays` after it was obtained has this much left. */
export const ACCESS_TOKEN_LIFETIME_MS = 30 * DAY_MS;
/** Square recommends renewing every 7 days or less, and alerting on a token older than 8. */
export const DEFAULT_REFRESH_AFTER_DAYS = 7;
export const DEFAULT_CHECK_EVERY_MS = 5 * 60_000;
/** A renewal Square did not answer is tried again after a minute, then 2, 4, … up to 6 hours, each wait jittered. */
export const DEFAULT_BACKOFF = { firstMs: 60_000, maxMs: 6 * 3600_000 };
/** Longest a failure message kept in the seller's status (Square's code and detail). */
const MAX_ERROR_LENGTH = 300;

/** How one claimed renewal ended. */
export type RefreshOutcome =
  /** Square issued new tokens, stored. */
  | 'refreshed'
  /** Square could not be asked, or refused while the seller's access token still works: tried again after a backoff. */
  | 'failed'
  /** Square refused the refresh token and the access token alike: the seller is disconnected (REFRESH_REJECTED). */
  | 'rejected'
  /** The claim no longer held when the outcome came (the seller reconnected or disconnected meanwhile): nothing recorded. */
  | 'lost';

export interface RefreshObserver {
  renewal(outcome: RefreshOutcome): void;
  /** A cycle ended: it renewed every seller due, or the vault failed it. */
  cycle(outcome: 'ok' | 'failed'): void;
}

export interface CycleReport extends Record<RefreshOutcome, number> {
  /** ISO 8601, by the refresher's clock. */
  startedAt: string;
  endedAt: string;
}

export interface RefresherOptions {
  vault: SellerVault;
  /** Square's base URL (the emulator's in tests and the demo). */
  squareBaseUrl: string;
  /** The OAuth application (SQUARE_APPLICATION_ID, SQUARE_APPLICATION_SECRET); a public (PKCE) client renews without a secret. */
  application: SquareApplication;
  /** Renew a token once it is this many days old (VAULT_REFRESH_AFTER_DAYS). */
  refreshAfterDays?: number | undefined;
  /** How often this instance looks for due renewals (VAULT_REFRESH_CHECK_SECONDS). */
  checkEveryMs?: number | undefined;
  /** Renewals under way at once on this instance. */
  concurrency?: number | undefined;
  /** Sellers one worker claims at a time; their lease covers all of them, each with its two Square calls timing out. */
  claimSize?: number | undefined;
  /** Timeout of one Square call (SQUARE_TIMEOUT_SECONDS). */
  timeoutSeconds?: number | undefined;
  backoff?: { firstMs: number; maxMs: number } | undefined;
  /** The clock renewals fall due by; the vault's own (openVault's `now`) should be the same. */
  now?: (() => Date) | undefined;
  /** Drawn for each backoff's jitter, in [0, 1). */
  random?: (() => number) | undefined;
  observer?: RefreshObserver | undefined;
  /** What stopped a cycle or a rotation (the vault unreachable): the next cycle tries again. Never holds a token. */
  onError?: ((error: unknown, during: 'cycle' | 'rotation') => void) | undefined;
}

/** The wait before a renewal is tried again after `failures` failed in a row (1 after the first), jittered in its upper half. */
export function refreshBackoffMs(failures: number, backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * Renews connected sellers' tokens well before they expire. Each cycle, workers claim due
 * sellers from the vault a few at a time (one instance per seller across a fleet, the claim
 * lapsing if the instance dies) and ask Square's ObtainToken for new tokens with the refresh
 * token. A refusal (4xx) is checked against the seller's access token (RetrieveTokenStatus):
 * refused too, the authorization is gone and the seller is disconnected; still valid, the fault
 * is the refresh (a wrong application secret, say), which must not disconnect every seller, so
 * it is retried like a failure to reach Square, with exponential backoff.
 */
export class TokenRefresher {
  private readonly vault: SellerVault;
  private readonly square: SquareClient;
  private readonly settings;
  private readonly now: () => Date;
  private stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private last: { outcome: 'ok' | 'failed'; endedAt: string } | undefined;

  constructor(private readonly options: RefresherOptions) {
    this.vault = options.vault;
    this.now = options.now ?? (() => new Date());
    const timeoutSeconds = options.timeoutSeconds ?? 30;
    const claimSize = options.claimSize ?? 5;
    this.settings = {
      refreshAfterMs: (options.refreshAfterDays ?? DEFAULT_REFRESH_AFTER_DAYS) * DAY_MS,
      checkEveryMs: options.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS,
      concurrency: options.concurrency ?? 8,
      claimSize,
      // Twice the longest a worker can take over its claim: each seller's ObtainToken and RetrieveTokenStatus timing out.
      leaseMs: 2 * claimSize * 2 * timeoutSeconds * 1000,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      random: options.random ?? Math.random,
    };
    // The application's calls carry no seller's token; the SDK retries nothing (a retry is the next backoff's).
    this.square = new SquareClient({ baseUrl: options.squareBaseUrl, timeoutInSeconds: timeoutSeconds, maxRetries: 0 });
  }

  /** Re-seals tokens sealed with an older key, then runs a cycle now and every `checkEveryMs` until stopped. */
  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    const { signal } = this.stopping;
    this.loop = (async () => {
      await this.vault.rotateKeys().catch((error: unknown) => this.options.onError?.(error, 'rotation'));
      while (!signal.aborted) {
        await this.runCycle(signal).catch((error: unknown) => this.options.onError?.(error, 'cycle'));
        await sleep(this.settings.checkEveryMs, undefined, { signal }).catch(() => {});
      }
    })();
  }

  /** Claims no more; renewals under way finish (each bounded by its timeout), the rest of their claims lapse. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** How the last cycle ended, and when; undefined before the first ended. */
  lastCycle(): { outcome: 'ok' | 'failed'; endedAt: string } | undefined {
    return this.last;
  }

  /** Renews every seller due now, on as many workers as `concurrency` allows, until none is left to claim; throws what stopped it. */
  async runCycle(signal?: AbortSignal): Promise<CycleReport> {
    const report: CycleReport = { startedAt: this.now().toISOString(), endedAt: '', refreshed: 0, failed: 0, rejected: 0, lost: 0 };
    const worker = async () => {
      while (!signal?.aborted) {
        const dueBefore = new Date(this.now().getTime() + ACCESS_TOKEN_LIFETIME_MS - this.settings.refreshAfterMs);
        const claims = await this.vault.claimDueRefreshes(dueBefore, this.settings.leaseMs, this.settings.claimSize);
        if (claims.length === 0) return;
        for (const claim of claims) {
          if (signal?.aborted) return;
          const outcome = await this.renew(claim);
          report[outcome]++;
          this.options.observer?.renewal(outcome);
        }
      }
    };
    // Every worker ends before the cycle does, even when one failed (the vault unreachable): no renewal outlives its cycle.
    const ended = await Promise.allSettled(Array.from({ length: this.settings.concurrency }, worker));
    const failure = ended.find((result) => result.status === 'rejected');
    report.endedAt = this.now().toISOString();
    this.last = { outcome: failure ? 'failed' : 'ok', endedAt: report.endedAt };
    this.options.observer?.cycle(this.last.outcome);
    if (failure) throw failure.reason;
    return report;
  }

  private async renew(claim: RefreshClaim): Promise<RefreshOutcome> {
    let answer;
    try {
      answer = await this.square.oAuth.obtainToken({
        clientId: this.options.application.id,
        clientSecret: this.options.application.secret,
        grantType: 'refresh_token',
        refreshToken: claim.refreshToken,
      });
    } catch (error) {
      return this.failed(claim, error);
    }
    if (!answer.accessToken || !answer.expiresAt) return this.retry(claim, 'ObtainToken answered without an access token or its expiry');
    const refreshed = await this.vault.refreshed(claim, {
      accessToken: answer.accessToken,
      // Code-flow refresh tokens come back unchanged (or not at all); PKCE ones are replaced on every renewal.
      refreshToken: answer.refreshToken ?? claim.refreshToken,
      expiresAt: answer.expiresAt,
    });
    return refreshed ? 'refreshed' : 'lost';
  }

  private async failed(claim: RefreshClaim, error: unknown): Promise<RefreshOutcome> {
    const message = describe(error, claim.refreshToken);
    if (!refused(error)) return this.retry(claim, message);
    const accessToken = await this.vault.accessToken(claim.merchantId);
    if (accessToken === undefined) return 'lost';
    try {
      await new SquareClient({ baseUrl: this.options.squareBaseUrl, token: accessToken, maxRetries: 0 }).oAuth.retrieveTokenStatus();
    } catch (statusError) {
      if (statusError instanceof SquareError && statusError.statusCode === 401) {
        return (await this.vault.refreshFailed(claim, message, undefined)) ? 'rejected' : 'lost';
      }
      return this.retry(claim, message);
    }
    return this.retry(claim, `${message} (the seller's access token still works: are the application id and secret right?)`);
  }

  private async retry(claim: RefreshClaim, message: string): Promise<RefreshOutcome> {
    const retryInMs = refreshBackoffMs(claim.failures + 1, this.settings.backoff, this.settings.random);
    return (await this.vault.refreshFailed(claim, message, retryInMs)) ? 'failed' : 'lost';
  }
}

/** Square answered, and said no: a 4xx other than a timeout or throttling. */
function refused(error: unknown): boolean {
  const status = error instanceof SquareError ? error.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** What a failed renewal answered, for the seller's status: the status and Square's first error, never a token. */
function describe(error: unknown, refreshToken: string): string {
  let message: string;
  if (error instanceof SquareError && error.statusCode !== undefined) {
    const first = error.errors[0];
    message = `${error.statusCode} ${first ? `${first.code}${first.detail ? `: ${first.detail}` : ''}` : 'without an error body'}`;
  } else message = `Square could not be reached: ${error instanceof Error ? error.message : String(error)}`;
  return message.replaceAll(refreshToken, '[refresh token]').slice(0, MAX_ERROR_LENGTH);
}
