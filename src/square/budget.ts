import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisBreaker } from '../redis/breaker.js';

/**
 * Square throttles each seller's app at a rate it does not publish (reports put it near
 * 10 calls a second) and answers 429 past it. Every Square call the gateway makes for a
 * seller spends one token of that seller's bucket: `ratePerSecond` tokens come back each
 * second, up to `burst` saved, so one query may fan out at once while a stream of them
 * cannot drain the seller. How the rate adapts to Square's 429s: see `refuse` below.
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
  /**
   * Takes `amount` tokens (one by default): wait 0 when granted, else the milliseconds until they may be; and the bucket after.
   * With `reserve`, only while that share of the burst would be left after (see Priority `background`).
   */
  take(id: string, amount?: number, settings?: BudgetSettings, reserve?: number): Promise<Taken>;
  /** Gives back `amount` tokens taken and not used (never past the burst); the bucket after. */
  give(id: string, amount: number, settings?: BudgetSettings): Promise<BucketStatus>;
  /** Square answered 429 to one of the seller's calls, asking for `retryAfterMs` of quiet. */
  throttled(seller: string, retryAfterMs: number): Promise<void>;
  /** What a bucket holds now and may hold at most, for a client to see. */
  peek(id: string, settings?: BudgetSettings): Promise<BucketStatus>;
  /** False while the store cannot answer at once (Redis connecting, down or hanging): the fallback answers meanwhile. */
  available?(): boolean;
}

export interface BucketStatus {
  tokens: number;
  /** Tokens coming back each second now: the configured rate, or less after Square's 429s. */
  ratePerSecond: number;
  burst: number;
}

export interface Taken {
  /** 0 when the tokens were taken, else the milliseconds until they may be. */
  wait: number;
  status: BucketStatus;
}

/** Of the configured rate, what one decrease leaves of the current one, and the least it may fall to. */
const BACKOFF = 0.5;
const MIN_FACTOR = 0.25;
/** The rate's recovery after a decrease, as a fraction of the configured rate each second: full within ~15 s. */
const RECOVERY_PER_SECOND = 0.05;
/** After this long without a 429, what was learned of the last ones is forgotten. */
const EPISODE_MS = 10_000;
/** A decrease helped when Square kept accepting at least this share of the calls a second it accepted before it. */
const HELPED = 0.75;
/** During a storm, a share of 429s this much above the storm's own is Square's limit speaking too. */
const STORM_MARGIN = 0.2;

interface Bucket {
  tokens: number;
  /** Milliseconds, the clock of whoever keeps the bucket. */
  at: number;
  /** Of the configured rate, what the seller may spend now (1 until Square throttles). */
  factor: number;
  /** End of the Retry-After the 429 that opened the current window asked for: later 429s within it are one throttling. */
  window: number;
  /** When that window opened; tokens taken and calls refused since. */
  opened: number;
  sent: number;
  refused: number;
  /** Calls a second Square accepted, and the share it refused, before the last decrease; -1 when not measured. */
  accepted: number;
  share: number;
  /** The factor this episode of 429s started from. */
  base: number;
  /** Share of calls Square refuses whatever the rate (a storm, not a limit); 0 when none seen. */
  storm: number;
  /** Until when the seller's new calls wait out a 429 of its limit: nothing is taken, nor saved up. */
  paused: number;
}

const freshBucket = (settings: BudgetSettings, now: number): Bucket => ({
  tokens: settings.burst,
  at: now,
  factor: 1,
  window: 0,
  opened: now,
  sent: 0,
  refused: 0,
  accepted: -1,
  share: -1,
  base: 1,
  storm: 0,
  paused: 0,
});

/**
 * One bucket brought up to `now`; the same arithmetic as the Redis script below. Nothing
 * is saved up during a pause, so that its end brings no burst that Square would refuse again.
 */
function refill(bucket: Bucket, now: number, settings: BudgetSettings): void {
  const seconds = Math.max(0, now - bucket.at) / 1000;
  const saving = Math.max(0, now - Math.max(bucket.at, Math.min(bucket.paused, now))) / 1000;
  bucket.factor = Math.min(1, bucket.factor + RECOVERY_PER_SECOND * seconds);
  bucket.tokens = Math.min(settings.burst, bucket.tokens + saving * settings.ratePerSecond * bucket.factor);
  bucket.at = now;
}

function take(bucket: Bucket, amount: number, settings: BudgetSettings, reserve: number): number {
  if (bucket.paused > bucket.at) return Math.ceil(bucket.paused - bucket.at);
  const kept = settings.burst * reserve;
  if (bucket.tokens - amount >= kept) {
    bucket.tokens -= amount;
    bucket.sent += amount;
    return 0;
  }
  return Math.ceil(((amount + kept - bucket.tokens) / (settings.ratePerSecond * bucket.factor)) * 1000);
}

/**
 * A 429. Square may refuse because the seller is over its limit, which a lower rate
 * cures, or for reasons of its own (a storm), which it does not: 429s on a fixed share
 * of calls whatever the rate, where lowering the rate would only lose answers. Both are
 * told apart by what a decrease does: against a limit Square accepts as many calls a
 * second after it as before (its limit), fewer attempts being refused; below it (429s
 * of calls that reached Square bunched) the share refused falls with the rate; in a
 * storm Square accepts fewer calls, in proportion, and refuses the same share. So:
 * - The 429s within one Retry-After window are one throttling: the first opens it and
 *   decides, the others are only counted.
 * - A decrease halves the rate, not below MIN_FACTOR of the configured one, drops what
 *   was saved up, which Square's empty bucket would refuse too, and pauses the seller's
 *   new calls for the Retry-After: Square's limit refuses them meanwhile anyway, and the
 *   pause absorbs the bunched calls of instances that fell behind (a fleet short of CPU
 *   sends its calls late and together, and a slower rate alone does not spread them).
 * - When the calls a second Square accepted fell with the last decrease and the share it
 *   refused did not, its refusals do not follow the rate: the rate goes back to where the episode started, and no decrease
 *   follows while the share refused stays the storm's. During a storm a refused call's
 *   token comes back: Square counted it against no limit (a token bucket like the
 *   emulator's spends nothing on a call it refuses), and charging it would halve what
 *   the seller gets answered. Should Square's limit speak too, the share refused rises
 *   past the storm's and the decreases resume.
 * The call itself waits out its Retry-After before its retry (budgetedFetch), holding
 * nothing meanwhile. In a storm nothing pauses: the seller's other calls go on.
 */
function refuse(bucket: Bucket, now: number, retryAfterMs: number, settings: BudgetSettings): void {
  bucket.refused += 1;
  if (bucket.storm > 0) bucket.tokens = Math.min(settings.burst, bucket.tokens + 1);
  if (now < bucket.window) return;
  const share = bucket.refused / Math.max(bucket.sent, bucket.refused);
  const accepted = (Math.max(0, bucket.sent - bucket.refused) * 1000) / Math.max(1, now - bucket.opened);
  const fresh = bucket.window === 0 || now - bucket.window > EPISODE_MS;
  if (fresh) {
    bucket.storm = 0;
    bucket.base = bucket.factor;
  }
  if (!fresh && bucket.accepted >= 0 && accepted < bucket.accepted * HELPED && share >= bucket.share * HELPED) {
    bucket.factor = Math.max(bucket.factor, bucket.base);
    bucket.storm = share;
    bucket.accepted = -1;
  } else if (bucket.storm > 0 && share <= bucket.storm + STORM_MARGIN) {
    bucket.accepted = -1;
  } else {
    // The first decrease of an episode has nothing to be compared with: the calm before it says nothing of Square's limit.
    // A decrease the floor stops lowers nothing, so it keeps the window before the last one that did as the one to compare
    // with: beside a window at the same rate a storm never shows, and one that chance hid from a single window of a few
    // tens of calls would stay unrecognized for the rest of the episode.
    if (fresh || bucket.accepted < 0 || bucket.factor * BACKOFF >= MIN_FACTOR) {
      bucket.accepted = fresh ? -1 : accepted;
      bucket.share = share;
    }
    bucket.factor = Math.max(MIN_FACTOR, bucket.factor * BACKOFF);
    bucket.tokens = Math.min(bucket.tokens, 0);
    bucket.paused = now + retryAfterMs;
  }
  // After a pause the window lasts one Retry-After more, so that the calls at the new rate are what the next decision judges.
  bucket.opened = Math.max(now, bucket.paused);
  bucket.window = bucket.opened + retryAfterMs;
  bucket.sent = 0;
  bucket.refused = 0;
}

const statusOf = (bucket: Bucket, settings: BudgetSettings): BucketStatus => ({
  tokens: Math.max(0, bucket.tokens),
  ratePerSecond: settings.ratePerSecond * bucket.factor,
  burst: settings.burst,
});

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
      bucket = freshBucket(settings, now);
      if (this.buckets.size >= this.maxSellers) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(id, bucket);
    refill(bucket, now, settings);
    return bucket;
  }

  async take(id: string, amount = 1, settings = this.settings, reserve = 0): Promise<Taken> {
    const bucket = this.bucket(id, settings);
    const wait = take(bucket, amount, settings, reserve);
    return { wait, status: statusOf(bucket, settings) };
  }

  async give(id: string, amount: number, settings = this.settings): Promise<BucketStatus> {
    const bucket = this.bucket(id, settings);
    bucket.tokens = Math.min(settings.burst, bucket.tokens + amount);
    return statusOf(bucket, settings);
  }

  async throttled(seller: string, retryAfterMs: number): Promise<void> {
    refuse(this.bucket(seller), this.now(), retryAfterMs, this.settings);
  }

  async peek(id: string, settings = this.settings): Promise<BucketStatus> {
    return statusOf(this.bucket(id, settings), settings);
  }
}

/**
 * The same bucket in one Redis hash per seller, changed atomically by a script on Redis'
 * own clock, so that instances whose clocks differ still agree. ARGV: op, rate, burst,
 * retry-after ms, amount, reserve (a share of the burst). Returns {wait ms, tokens×1000, rate×1000}.
 */
const BUCKET_SCRIPT = `
local rate, burst, amount = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
local kept = burst * tonumber(ARGV[6])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local f = {'tokens', 'at', 'factor', 'window', 'opened', 'sent', 'refused', 'accepted', 'share', 'base', 'storm', 'paused'}
local v = redis.call('HMGET', KEYS[1], unpack(f))
local b = {tokens = burst, at = now, factor = 1, window = 0, opened = now, sent = 0, refused = 0, accepted = -1, share = -1, base = 1, storm = 0, paused = 0}
for i, name in ipairs(f) do b[name] = tonumber(v[i]) or b[name] end
local seconds = math.max(0, now - b.at) / 1000
local saving = math.max(0, now - math.max(b.at, math.min(b.paused, now))) / 1000
b.factor = math.min(1, b.factor + ${RECOVERY_PER_SECOND} * seconds)
b.tokens = math.min(burst, b.tokens + saving * rate * b.factor)
b.at = now
local wait = 0
if ARGV[1] == 'take' then
  if b.paused > now then
    wait = math.ceil(b.paused - now)
  elseif b.tokens - amount >= kept then
    b.tokens = b.tokens - amount
    b.sent = b.sent + amount
  else
    wait = math.ceil((amount + kept - b.tokens) / (rate * b.factor) * 1000)
  end
elseif ARGV[1] == 'give' then
  b.tokens = math.min(burst, b.tokens + amount)
elseif ARGV[1] == 'throttled' then
  b.refused = b.refused + 1
  if b.storm > 0 then b.tokens = math.min(burst, b.tokens + 1) end
  if now >= b.window then
    local share = b.refused / math.max(b.sent, b.refused)
    local accepted = math.max(0, b.sent - b.refused) * 1000 / math.max(1, now - b.opened)
    local fresh = b.window == 0 or now - b.window > ${EPISODE_MS}
    if fresh then
      b.storm = 0
      b.base = b.factor
    end
    if not fresh and b.accepted >= 0 and accepted < b.accepted * ${HELPED} and share >= b.share * ${HELPED} then
      b.factor = math.max(b.factor, b.base)
      b.storm = share
      b.accepted = -1
    elseif b.storm > 0 and share <= b.storm + ${STORM_MARGIN} then
      b.accepted = -1
    else
      if fresh or b.accepted < 0 or b.factor * ${BACKOFF} >= ${MIN_FACTOR} then
        if fresh then b.accepted = -1 else b.accepted = accepted end
        b.share = share
      end
      b.factor = math.max(${MIN_FACTOR}, b.factor * ${BACKOFF})
      b.tokens = math.min(b.tokens, 0)
      b.paused = now + tonumber(ARGV[4])
    end
    b.opened = math.max(now, b.paused)
    b.window = b.opened + tonumber(ARGV[4])
    b.sent = 0
    b.refused = 0
  end
end
if ARGV[1] ~= 'peek' then
  local args = {}
  for _, name in ipairs(f) do
    args[#args + 1] = name
    args[#args + 1] = tostring(b[name])
  end
  redis.call('HSET', KEYS[1], unpack(args))
  -- A bucket that would be full again by then, and whose 429s are forgotten, carries no state worth keeping.
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst / (rate * ${MIN_FACTOR}) * 1000) + math.max(0, b.window - now) + ${EPISODE_MS})
end
return {wait, math.floor(math.max(0, b.tokens) * 1000), math.floor(rate * b.factor * 1000)}
`;

export class RedisBucketStore implements BucketStore {
  /** Open while Redis fails or hangs: the budget then falls back to the instance's own at once. */
  readonly breaker: RedisBreaker;

  constructor(
    private readonly redis: Redis,
    private readonly settings: BudgetSettings,
    private readonly prefix = '',
  ) {
    redis.defineCommand('squareBudget', { numberOfKeys: 1, lua: BUCKET_SCRIPT });
    this.breaker = new RedisBreaker(redis, 'budget');
  }

  available(): boolean {
    return this.breaker.available();
  }

  private async run(id: string, op: 'take' | 'give' | 'throttled' | 'peek', settings: BudgetSettings, retryAfterMs = 0, amount = 1, reserve = 0): Promise<Taken> {
    const command = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>).squareBudget!;
    const key = `${this.prefix}square-budget:${id}`;
    const [wait, tokens, rate] = (await this.breaker.run(() =>
      command.call(this.redis, key, op, settings.ratePerSecond, settings.burst, retryAfterMs, amount, reserve),
    )) as [number, number, number];
    return { wait, status: { tokens: tokens / 1000, ratePerSecond: rate / 1000, burst: settings.burst } };
  }

  take(id: string, amount = 1, settings = this.settings, reserve = 0): Promise<Taken> {
    return this.run(id, 'take', settings, 0, amount, reserve);
  }

  async give(id: string, amount: number, settings = this.settings): Promise<BucketStatus> {
    return (await this.run(id, 'give', settings, 0, amount)).status;
  }

  async throttled(seller: string, retryAfterMs: number): Promise<void> {
    await this.run(seller, 'throttled', this.settings, Math.ceil(retryAfterMs));
  }

  async peek(id: string, settings = this.settings): Promise<BucketStatus> {
    return (await this.run(id, 'peek', settings)).status;
  }
}

/**
 * Where a call waits in its seller's queue: calls that lead to more calls (`first`) ahead of
 * the leaves, and `background` work (bulk operations) behind both, taking a token only while
 * BACKGROUND_RESERVE of the seller's burst would be left: a background run keeps the budget
 * busy at its rate, and an interactive request arriving meanwhile still finds that reserve.
 */
export type Priority = 'first' | 'leaf' | 'background';

/** Of a seller's burst, what background calls leave for interactive ones. */
export const BACKGROUND_RESERVE = 0.5;

/** Where a waiter of `priority` goes in a queue ordered first, leaf, background: behind those of its own and higher priorities. */
const RANK: Record<Priority, number> = { first: 0, leaf: 1, background: 2 };

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
  resolve(status: BucketStatus): void;
  reject(refusal: BudgetRefusal): void;
}

/** How long a queue sleeps between asking a shared store again, at most: other instances spend the same bucket. */
const MAX_POLL_MS = 250;

/**
 * The gateway's spending of every seller's budget. Calls of one seller wait in one queue
 * per instance, calls that lead to more calls (`first`) ahead of leaves, and are let go
 * one token at a time. A call that could not get a token before its request's deadline
 * (counting the calls ahead of it in the queue) is refused at once (`spent`), rather than
 * wait only to be dropped.
 */
export class SquareBudget {
  private readonly queues = new Map<string, Waiter[]>();
  /** Per seller whose queue sleeps with a background call at its head: ends the sleep, for a call that may not wait behind it. */
  private readonly wakers = new Map<string, () => void>();

  constructor(
    readonly store: BucketStore,
    /** Used when the shared store cannot be reached, so that a Redis outage slows no one down to nothing. */
    private readonly fallback: BucketStore,
    private readonly onStoreError: (error: unknown) => void = () => {},
  ) {}

  /**
   * Waits for one of the seller's tokens, and resolves with the seller's bucket once it is
   * taken; rejects with a BudgetRefusal when the call should not be made.
   */
  acquire(seller: string, priority: Priority, signal: AbortSignal, deadline: number): Promise<BucketStatus> {
    if (signal.aborted) return Promise.reject(refusalFor(signal));
    return new Promise<BucketStatus>((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        deadline,
        resolve: (status) => {
          signal.removeEventListener('abort', onAbort);
          resolve(status);
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
      const at = queue.findIndex((w) => RANK[w.priority] > RANK[priority]);
      queue.splice(at < 0 ? queue.length : at, 0, waiter);
      // A background call at the head waits for the reserve, which this one need not leave.
      if (at === 0 && queue[1]?.priority === 'background') this.wakers.get(seller)?.();
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
   * cost) at once, without queueing: wait 0 when taken, else the milliseconds until they may be.
   */
  spend(id: string, amount: number, settings: BudgetSettings): Promise<Taken> {
    return this.use((store) => store.take(id, amount, settings));
  }

  /** Gives back to such a bucket `amount` tokens spent and not used; a negative amount takes them, below empty if need be. */
  give(id: string, amount: number, settings: BudgetSettings): Promise<BucketStatus> {
    return this.use((store) => store.give(id, amount, settings));
  }

  private take(seller: string, priority: Priority): Promise<Taken> {
    return this.use((store) => store.take(seller, 1, undefined, priority === 'background' ? BACKGROUND_RESERVE : 0));
  }

  /** Sleeps `ms`, or until a call that may not wait behind a background one joins the seller's queue. */
  private pause(seller: string, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakers.set(seller, done);
    }).finally(() => this.wakers.delete(seller));
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
        const priority = queue[0]!.priority;
        const { wait, status } = await this.take(seller, priority);
        if (queue.length === 0) break;
        if (wait === 0) {
          queue.shift()!.resolve(status);
          continue;
        }
        // A call that need not leave the reserve came ahead of the background one this take was for: its turn now.
        if (queue[0]!.priority !== priority) continue;
        // Those who cannot be served before their deadline hear so now, not when it passes: the
        // next token comes after `wait`, and each waiter ahead takes one at the seller's rate
        // (other instances spending the same bucket only make it later).
        const next = performance.now() + wait;
        const interval = status.ratePerSecond > 0 ? 1000 / status.ratePerSecond : Infinity;
        const now = performance.now();
        const late = queue.flatMap((waiter, place) => {
          const ready = next + place * interval;
          return waiter.deadline < ready ? [{ waiter, ready }] : [];
        });
        for (const { waiter, ready } of late) {
          queue.splice(queue.indexOf(waiter), 1);
          waiter.reject(new BudgetRefusal('spent', Math.max(1, Math.ceil((ready - now) / 1000))));
        }
        if (queue.length > 0) await this.pause(seller, Math.min(wait, MAX_POLL_MS));
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
