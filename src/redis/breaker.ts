import { Redis, ReplyError, type RedisOptions } from 'ioredis';

/** What the gateway keeps in Redis, each with a fallback of its own while Redis does not answer. */
export type RedisUse = 'budget' | 'cache' | 'liveUpdates' | 'persistedQueries';

/** Why a use runs on its fallback: Redis refuses or dropped the connection, or holds it and does not answer (hung, black-holed). */
export type RedisTrouble = 'unreachable' | 'timed out';

/**
 * How long a command may go unanswered. A local Redis answers in well under a millisecond;
 * this is what a request pays, once per use, before the breaker opens on a Redis that hangs.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 1_000;
/** How often an open breaker asks Redis (PING) whether it answers again. */
const PROBE_MS = 1_000;

/**
 * A client for commands made on a request's behalf: each fails after REDIS_COMMAND_TIMEOUT_MS
 * rather than wait for a Redis that holds the connection without answering, and after one
 * reconnection attempt rather than wait out an outage.
 */
export function commandClient(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: REDIS_COMMAND_TIMEOUT_MS, ...options });
}

/** Refused at once: the breaker of this use is open, so its fallback answers. */
export class RedisUnavailable extends Error {
  constructor(use: RedisUse, trouble: RedisTrouble) {
    super(`Redis (${use}) is ${trouble}; falling back until it answers again`);
  }
}

/**
 * A circuit breaker over one Redis connection. Any failure that is not Redis answering
 * (a timeout, a closed or refused connection) opens it: from then on its uses fail at
 * once, so that each falls back without waiting, and a PING a second (half-open: one at a
 * time, never a request's command) closes it again once Redis answers. With `heartbeatMs`
 * it also PINGs while closed, for a connection nothing else would find broken (a
 * subscriber's, which only receives).
 */
export class RedisBreaker {
  private trouble: RedisTrouble | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The one PING in flight: a Redis that hangs is not sent another until it answers this one. */
  private ping: Promise<unknown> | undefined;
  private readonly listeners = new Set<(open: boolean) => void>();

  constructor(
    private readonly redis: Redis,
    readonly use: RedisUse,
    private readonly heartbeatMs?: number,
  ) {
    // Not 'close': a connection closed on purpose (quit) ends without reconnecting, and is no outage.
    redis.on('reconnecting', () => this.open('unreachable'));
    redis.on('end', () => this.stop());
    if (heartbeatMs) this.schedule(heartbeatMs);
  }

  /** Why the use runs on its fallback now; undefined while Redis serves it. */
  degraded(): RedisTrouble | undefined {
    return this.trouble ?? (this.redis.status === 'ready' ? undefined : 'unreachable');
  }

  /** Whether Redis serves the use now: connected, and the breaker closed. */
  available(): boolean {
    return this.degraded() === undefined;
  }

  /** Runs one use of Redis, or refuses at once while the breaker is open. */
  async run<T>(use: () => Promise<T>): Promise<T> {
    if (this.trouble) throw new RedisUnavailable(this.use, this.trouble);
    try {
      return await use();
    } catch (error) {
      if (!(error instanceof ReplyError)) this.open(troubleOf(error));
      throw error;
    }
  }

  /** Called with true when the breaker opens, false when it closes again. */
  onChange(listener: (open: boolean) => void): void {
    this.listeners.add(listener);
  }

  private open(trouble: RedisTrouble): void {
    if (this.trouble) return;
    this.trouble = trouble;
    this.schedule(PROBE_MS);
    for (const listener of this.listeners) listener(true);
  }

  private close(): void {
    if (!this.trouble) return;
    this.trouble = undefined;
    if (this.heartbeatMs) this.schedule(this.heartbeatMs);
    else this.stop();
    for (const listener of this.listeners) listener(false);
  }

  private schedule(everyMs: number): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.probe(), everyMs).unref();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async probe(): Promise<void> {
    if (this.redis.status === 'end') return this.stop();
    const ping = (this.ping ??= this.redis.ping().finally(() => (this.ping = undefined)));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('PING timed out')), REDIS_COMMAND_TIMEOUT_MS);
    });
    try {
      await Promise.race([ping, timedOut]);
      this.close();
    } catch (error) {
      this.open(troubleOf(error));
    } finally {
      clearTimeout(timer);
    }
  }
}

function troubleOf(error: unknown): RedisTrouble {
  return error instanceof Error && /timed out/i.test(error.message) ? 'timed out' : 'unreachable';
}

/** Each degraded use and why, for /readyz: a use served by several connections is degraded when any of them is. */
export function degradedUses(breakers: readonly RedisBreaker[]): Partial<Record<RedisUse, RedisTrouble>> {
  const degraded: Partial<Record<RedisUse, RedisTrouble>> = {};
  for (const breaker of breakers) {
    const trouble = breaker.degraded();
    if (trouble && degraded[breaker.use] !== 'timed out') degraded[breaker.use] = trouble;
  }
  return degraded;
}

/** Quits politely when connected; otherwise drops the connection attempts at once rather than wait for Redis. */
export async function release(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}
