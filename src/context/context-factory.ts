import type { Logger } from 'pino';
import { authenticator, type AuthenticationOptions, type Caller } from './authentication.js';
import { costOf } from './cost.js';
import type { BulkOperations, ChangeFeed, GatewayContext, RequestStart } from './gateway-context.js';
import type { LiveEventSource } from './live-events.js';
import { sellerReads, type ReadsOptions } from './reads.js';
import { sellerSession, type SellerSessionOptions, type SessionRequest } from './seller-session.js';

export interface ContextFactoryOptions extends AuthenticationOptions, SellerSessionOptions, ReadsOptions {
  /** Where subscriptions hear of Square's events. */
  pubsub?: LiveEventSource | undefined;
  /** The gateway's logger, for a request the HTTP server handed none of its own. */
  logger: Logger;
  /** Bulk operations and the change feed, when the gateway keeps a store for them. */
  bulk?: BulkOperations | undefined;
  changes?: ChangeFeed | undefined;
}

/** How a context's Square calls are made: interactively (a request), or in the background within a longer deadline (a bulk operation's page). */
export type ContextLane = Pick<SessionRequest, 'lane' | 'deadlineMs'>;

/**
 * Builds each request's context from its parts: who calls (authentication.ts), the seller
 * session the token opens (seller-session.ts: budget, clients, deadline, locations, merges),
 * and the reads through it (reads.ts: loaders over the cache), with the request's cost and logger.
 */
export function contextFactory(options: ContextFactoryOptions): (start: RequestStart) => GatewayContext {
  const authenticate = authenticator(options);
  const contextOf = callerContext(options);
  return (start) => contextOf(authenticate(start.request), start);
}

/**
 * A context for a caller known otherwise than by its request's headers: a bulk operation's,
 * run for the seller and key that started it, page after page, through the same parts.
 */
export function callerContext(options: ContextFactoryOptions): (caller: Caller, start: RequestStart, lane?: ContextLane) => GatewayContext {
  return ({ token, key, scopes }, start, lane = {}) => {
    const cost = costOf(start);
    const logger = start.logger ?? options.logger;
    const session = sellerSession(options, { token, request: start.request, cost, logger, ...lane });
    cost.caller = { seller: session.seller, key };
    const reads = sellerReads(session, options);
    return {
      ...reads.fresh(),
      writeRetries: options.maxRetries,
      scopes,
      merchantId: session.merchantId,
      lineage: session.lineage,
      invalidate: reads.invalidate,
      pubsub: options.pubsub,
      bulk: options.bulk,
      changes: options.changes,
      logger,
      cost,
      // graphql-yoga copies this object into its own context, so the renewal goes to whichever object it is called on.
      renewLoaders(this: GatewayContext) {
        Object.assign(this, reads.fresh());
      },
    };
  };
}
