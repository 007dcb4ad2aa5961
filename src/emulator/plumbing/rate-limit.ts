import { z } from 'zod';
import { parse } from './validation.js';

/**
 * Square throttles each seller's app at a rate it does not publish. The emulator can be
 * asked to do the same, so that a client's budgeting and back-off are tested against
 * something that throttles: a token bucket per merchant, `ratePerSecond` tokens a second
 * up to `burst` saved, one token per Square API call.
 */
export const rateLimitSchema = z.object({
  rate_per_second: z.number().positive().max(1_000_000),
  /** Calls that may be made at once after a quiet spell; the rate when absent. */
  burst: z.number().int().min(1).max(1_000_000).optional(),
});

export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private limit: RateLimit | undefined;
  private readonly buckets = new Map<string, Bucket>();
  private exempt = 0;

  constructor(
    limit?: RateLimit,
    // Throttling counts calls per real second, whatever the emulator's clock says.
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limit = limit;
  }

  get settings(): RateLimit | undefined {
    return this.limit;
  }

  /** Sets the limit from the control plane's snake_case body; every merchant's bucket starts full. */
  configure(input: unknown): void {
    const body = parse(rateLimitSchema, input);
    this.limit = { ratePerSecond: body.rate_per_second, burst: body.burst ?? defaultBurst(body.rate_per_second) };
    this.buckets.clear();
  }

  off(): void {
    this.limit = undefined;
    this.buckets.clear();
  }

  /** Runs `fn` with no merchant throttled: the emulator's own demo seed is not a client's traffic. */
  async unthrottled<T>(fn: () => Promise<T>): Promise<T> {
    this.exempt++;
    try {
      return await fn();
    } finally {
      this.exempt--;
    }
  }

  /** Spends one of the merchant's tokens; without one, the whole seconds until the next (Square's Retry-After). */
  take(merchantId: string): { retryAfterSeconds: number } | undefined {
    const limit = this.limit;
    if (!limit || this.exempt > 0) return undefined;
    const now = this.now();
    const bucket = this.buckets.get(merchantId) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.ratePerSecond);
    bucket.at = now;
    this.buckets.set(merchantId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return { retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.ratePerSecond)) };
  }
}

/** `EMULATOR_RATE_LIMIT` as `<calls>/s` (e.g. `10/s`, `0.5/s`); undefined when unset. */
export function parseRateLimit(raw: string | undefined, burst: number | undefined): RateLimit | undefined {
  if (raw === undefined || raw === '') return undefined;
  const match = /^(\d+(?:\.\d+)?)\/s$/.exec(raw.trim());
  const ratePerSecond = match ? Number(match[1]) : NaN;
  if (!(ratePerSecond > 0)) throw new Error(`EMULATOR_RATE_LIMIT must look like "10/s" (calls a second per merchant), got "${raw}"`);
  if (burst !== undefined && burst < 1) throw new Error(`EMULATOR_RATE_BURST must be at least 1, got ${burst}`);
  return { ratePerSecond, burst: burst ?? defaultBurst(ratePerSecond) };
}

/** One second's calls, as Square's own limits are stated per second. */
const defaultBurst = (ratePerSecond: number) => Math.max(1, Math.ceil(ratePerSecond));
