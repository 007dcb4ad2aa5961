import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Square throttles each seller's app at a rate it does not publish (reports put it near
 * 10 calls a second) and answers 429 past it. Every Square call the gateway makes for a
 * seller spends one token of that seller's bucket: `ratePerSecond` tokens come back each
 * second, up to `burst` saved, so one query may fan out at once while a stream of them
 * cannot drain the seller. A 429 halves the seller's rate and stops its calls for the
 * Retry-After; the rate then recovers by `RECOVERY_PER_SECOND` of itself each second.
 */
export interface BudgetSettings {
  ratePerSecond: number;
  burst: number;
}

/**
 * Where buckets live: this process, or Redis so that every gateway instance spends one budget.
 * A bucket is a seller's (one token a Square call, the store's own settings) or, with
 * `settings` given, any other, e.g. an API key's budget of query cost.
 */
export interface BucketStore {
  /** Takes `amount` tokens (one by default): 0 when granted, else the milliseconds until they may be. */
  take(id: string, amount?: number, settings?: BudgetSettings): Promise<number>;
  /** Square answered 429: no call for `retryAfterMs`, and a slower rate that recovers. */
  throttled(seller: string, retryAfterMs: number): Promise<void>;
  /** What a bucket holds now and may hold at most, for a client to see. */
  peek(id: string, settings?: BudgetSettings): Promise<BucketStatus>;
  /** False while the store cannot answer at once (Redis connecting, or down): the fallback answers meanwhile. */
  available?(): boolean;
}

export interface BucketStatus {
  tokens: number;
  /** Tokens coming back each second now: the configured rate, or less after Square's 429s. */
  ratePerSecond: number;
  burst: number;
}

/** Of the configured rate, what a 429 leaves and the least it may fall to. */
const BACKOFF = 0.5;
const MIN_FACTOR = 0.05;
/** The rate's recovery after a 429, as a fraction of the configured rate each second: full within ~10 s. */
const RECOVERY_PER_SECOND = 0.05;

interface Bucket {
  tokens: number;
  /** Milliseconds, the clock of whoever keeps the bucket. */
  at: number;
  /** Of the configured rate, what the seller may spend now (1 until Square throttles). */
  factor: number;
  blockedUntil: number;
}

/**
 * One bucket brought up to `now`; the same arithmetic as the Redis script below. Nothing
 * is saved up while Square's Retry-After runs, so that its end brings no burst that Square
 * would throttle again.
 */
function refill(bucket: Bucket, now: number, settings: BudgetSettings): void {
  bucket.factor = Math.min(1, bucket.factor + (RECOVERY_PER_SECOND * Math.max(0, now - bucket.at)) / 1000);
  const saving = Math.max(0, now - Math.max(bucket.at, Math.min(bucket.blockedUntil, now))) / 1000;
  bucket.tokens = Math.min(settings.burst, bucket.tokens + saving * settings.ratePerSecond * bucket.factor);
  bucket.at = now;
}

export class LocalBucketStore implements BucketStore {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: BudgetSettings,
    private readonly now: () => number = () => performance.now(),
    private readonly maxSellers = 10_000,
  ) {}

  private bucket(id: string, settings = this.settings): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(id);
    if (bucket) {
      this.buckets.delete(id);
    } else {
      bucket = { tokens: settings.burst, at: now, factor: 1, blockedUntil: 0 };
      if (this.buckets.size >= this.maxSellers) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(id, bucket);
    refill(bucket, now, settings);
    return bucket;
  }

  async take(id: string, amount = 1, settings = this.settings): Promise<number> {
    const bucket = this.bucket(id, settings);
    if (bucket.blockedUntil > bucket.at) return Math.ceil(bucket.blockedUntil - bucket.at);
    if (bucket.tokens >= amount) {
      bucket.tokens -= amount;
      return 0;
    }
    return Math.ceil(((amount - bucket.tokens) / (settings.ratePerSecond * bucket.factor)) * 1000);
  }

  async throttled(seller: string, retryAfterMs: number): Promise<void> {
    const bucket = this.bucket(seller);
    bucket.blockedUntil = Math.max(bucket.blockedUntil, bucket.at + retryAfterMs);
    bucket.factor = Math.max(MIN_FACTOR, bucket.factor * BACKOFF);
    bucket.tokens = Math.min(bucket.tokens, 0);
  }

  async peek(id: string, settings = this.settings): Promise<BucketStatus> {
    const bucket = this.bucket(id, settings);
    return { tokens: Math.max(0, bucket.tokens), ratePerSecond: settings.ratePerSecond * bucket.factor, burst: settings.burst };
  }
}

/**
 * The same bucket in one Redis hash per seller, changed atomically by a script on Redis'
 * own clock, so that instances whose clocks differ still agree. ARGV: op, rate, burst,
 * retry-after ms, amount. Returns the wait in ms (take), or tokens×1000 and rate×1000 (peek).
 */
const BUCKET_SCRIPT = `
local rate, burst, amount = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'factor', 'blocked')
local tokens, at, factor, blocked = tonumber(b[1]) or burst, tonumber(b[2]) or now, tonumber(b[3]) or 1, tonumber(b[4]) or 0
factor = math.min(1, factor + ${RECOVERY_PER_SECOND} * math.max(0, now - at) / 1000)
local saving = math.max(0, now - math.max(at, math.min(blocked, now))) / 1000
tokens = math.min(burst, tokens + saving * rate * factor)
local result = 0
if ARGV[1] == 'take' then
  if blocked > now then
    result = blocked - now
  elseif tokens >= amount then
    tokens = tokens - amount
  else
    result = math.ceil((amount - tokens) / (rate * factor) * 1000)
  end
elseif ARGV[1] == 'throttled' then
  blocked = math.max(blocked, now + tonumber(ARGV[4]))
  factor = math.max(${MIN_FACTOR}, factor * ${BACKOFF})
  tokens = math.min(tokens, 0)
else
  return {math.floor(math.max(0, tokens) * 1000), math.floor(rate * factor * 1000)}
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now, 'factor', tostring(factor), 'blocked', blocked)
-- A bucket that would be full again by then carries no state worth keeping.
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / (rate * ${MIN_FACTOR}) * 1000) + math.max(0, blocked - now) + 1000)
return result
`;

export class RedisBucketStore implements BucketStore {
  constructor(
    private readonly redis: Redis,
    private readonly settings: BudgetSettings,
    private readonly prefix = '',
  ) {
    redis.defineCommand('squareBudget', { numberOfKeys: 1, lua: BUCKET_SCRIPT });
  }

  available(): boolean {
    return this.redis.status === 'ready';
  }

  private run(id: string, op: 'take' | 'throttled' | 'peek', settings: BudgetSettings, retryAfterMs = 0, amount = 1): Promise<unknown> {
    const command = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>).squareBudget!;
    return command.call(this.redis, `${this.prefix}square-budget:${id}`, op, settings.ratePerSecond, settings.burst, retryAfterMs, amount);
  }

  async take(id: string, amount = 1, settings = this.settings): Promise<number> {
    return Number(await this.run(id, 'take', settings, 0, amount));
  }

  async throttled(seller: string, retryAfterMs: number): Promise<void> {
    await this.run(seller, 'throttled', this.settings, Math.ceil(retryAfterMs));
  }

  async peek(id: string, settings = this.settings): Promise<BucketStatus> {
    const [tokens, rate] = (await this.run(id, 'peek', settings)) as [number, number];
    return { tokens: tokens / 1000, ratePerSecond: rate / 1000, burst: settings.burst };
  }
}

export type Priority = 'first' | 'leaf';

/** Why a call waiting for the budget was not made. */
export class BudgetRefusal extends Error {
  constructor(
    readonly reason: 'spent' | 'deadline' | 'gone',
    /** With `spent`: seconds until the seller's budget has a token again. */
    readonly retryAfterSeconds = 0,
  ) {
    super(
      reason === 'spent'
        ? `The seller's Square budget is spent for now; retry after ${retryAfterSeconds} s.`
        : reason === 'deadline'
          ? "The request's deadline passed before Square could be called."
          : 'The client went away before Square was called.',
    );
  }
}

interface Waiter {
  priority: Priority;
  /** performance.now() past which the waiter's request has given up. */
  deadline: number;
  resolve(): void;
  reject(refusal: BudgetRefusal): void;
}

/** How long a queue sleeps between asking a shared store again, at most: other instances spend the same bucket. */
const MAX_POLL_MS = 250;

/**
 * The gateway's spending of every seller's budget. Calls of one seller wait in one queue
 * per instance, calls that lead to more calls (`first`) ahead of leaves, and are let go
 * one token at a time. A call that could not get a token before its request's deadline
 * is refused at once (`spent`), rather than wait only to be dropped.
 */
export class SquareBudget {
  private readonly queues = new Map<string, Waiter[]>();

  constructor(
    readonly store: BucketStore,
    /** Used when the shared store cannot be reached, so that a Redis outage slows no one down to nothing. */
    private readonly fallback: BucketStore,
    private readonly onStoreError: (error: unknown) => void = () => {},
  ) {}

  /** Waits for one of the seller's tokens; rejects with a BudgetRefusal when the call should not be made. */
  acquire(seller: string, priority: Priority, signal: AbortSignal, deadline: number): Promise<void> {
    if (signal.aborted) return Promise.reject(refusalFor(signal));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        deadline,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (refusal) => {
          signal.removeEventListener('abort', onAbort);
          reject(refusal);
        },
      };
      const onAbort = () => {
        const queue = this.queues.get(seller);
        const at = queue?.indexOf(waiter) ?? -1;
        if (at >= 0) queue!.splice(at, 1);
        waiter.reject(refusalFor(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const queue = this.queues.get(seller);
      if (!queue) {
        const fresh = [waiter];
        this.queues.set(seller, fresh);
        void this.drain(seller, fresh);
        return;
      }
      // First-priority waiters go behind the other first ones, ahead of every leaf.
      const at = priority === 'first' ? queue.findIndex((w) => w.priority === 'leaf') : -1;
      queue.splice(at < 0 ? queue.length : at, 0, waiter);
    });
  }

  throttled(seller: string, retryAfterMs: number): Promise<void> {
    return this.use((store) => store.throttled(seller, retryAfterMs));
  }

  /** A seller's bucket, or with `settings` another one kept in the same stores (an API key's). */
  peek(id: string, settings?: BudgetSettings): Promise<BucketStatus> {
    return this.use((store) => store.peek(id, settings));
  }

  /**
   * Takes `amount` tokens of a bucket other than a seller's (an API key's budget of query
   * cost) at once, without queueing: 0 when taken, else the milliseconds until they may be.
   */
  spend(id: string, amount: number, settings: BudgetSettings): Promise<number> {
    return this.use((store) => store.take(id, amount, settings));
  }

  private take(seller: string): Promise<number> {
    return this.use((store) => store.take(seller));
  }

  /** The shared store when it can answer, else this instance's own. */
  private async use<T>(op: (store: BucketStore) => Promise<T>): Promise<T> {
    if (this.store.available?.() === false) return op(this.fallback);
    try {
      return await op(this.store);
    } catch (error) {
      this.onStoreError(error);
      return op(this.fallback);
    }
  }

  private async drain(seller: string, queue: Waiter[]): Promise<void> {
    try {
      while (queue.length > 0) {
        const wait = await this.take(seller);
        if (queue.length === 0) break;
        if (wait === 0) {
          queue.shift()!.resolve();
          continue;
        }
        // Those who cannot be served before their deadline hear so now, not when it passes.
        const ready = performance.now() + wait;
        for (const waiter of queue.filter((w) => w.deadline < ready)) {
          queue.splice(queue.indexOf(waiter), 1);
          waiter.reject(new BudgetRefusal('spent', Math.max(1, Math.ceil(wait / 1000))));
        }
        if (queue.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, MAX_POLL_MS)));
      }
    } finally {
      this.queues.delete(seller);
    }
  }
}

/** A request's signal aborts with a TimeoutError at its deadline, with anything else when its client left. */
function refusalFor(signal: AbortSignal): BudgetRefusal {
  return new BudgetRefusal((signal.reason as Error | undefined)?.name === 'TimeoutError' ? 'deadline' : 'gone');
}

/** A token's identity for caches and budgets, so that raw tokens are never kept as keys. */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
