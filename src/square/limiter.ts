import { createHash } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Caps concurrent Square calls per seller token across all requests, so one busy
 * query cannot exhaust a seller's rate limit. Tokens are kept hashed; the least
 * recently used are forgotten past `maxTokens`.
 */
export class TokenLimiter {
  private readonly limits = new Map<string, LimitFunction>();

  constructor(
    readonly concurrency: number,
    private readonly maxTokens = 10_000,
  ) {}

  for(token: string): LimitFunction {
    const key = tokenKey(token);
    let limit = this.limits.get(key);
    if (limit) {
      this.limits.delete(key);
    } else {
      limit = pLimit(this.concurrency);
      if (this.limits.size >= this.maxTokens) this.limits.delete(this.limits.keys().next().value!);
    }
    this.limits.set(key, limit);
    return limit;
  }
}

/** A token's identity for caches and limits, so that raw tokens are never kept as keys. */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
