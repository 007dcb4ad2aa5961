import { createHash } from 'node:crypto';
import PQueue from 'p-queue';

/**
 * Runs one Square call under its seller's cap. Calls whose answers lead to more calls
 * (an orders search whose tenders name payments) take `priority: 'first'`, so the next
 * level of a query can start while the leaves of this one still wait their turn.
 */
export type CappedCall = <T>(call: () => Promise<T>, options?: { priority?: 'first' }) => Promise<T>;

/**
 * Caps concurrent Square calls per seller token across all requests, so one busy
 * query cannot exhaust a seller's rate limit. Tokens are kept hashed; the least
 * recently used are forgotten past `maxTokens`.
 */
export class TokenLimiter {
  private readonly queues = new Map<string, PQueue>();

  constructor(
    readonly concurrency: number,
    private readonly maxTokens = 10_000,
  ) {}

  for(token: string): CappedCall {
    const key = tokenKey(token);
    let queue = this.queues.get(key);
    if (queue) {
      this.queues.delete(key);
    } else {
      queue = new PQueue({ concurrency: this.concurrency });
      if (this.queues.size >= this.maxTokens) this.queues.delete(this.queues.keys().next().value!);
    }
    this.queues.set(key, queue);
    const capped = queue;
    return (call, options) => capped.add(call, { priority: options?.priority === 'first' ? 1 : 0 });
  }
}

/** A token's identity for caches and limits, so that raw tokens are never kept as keys. */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
