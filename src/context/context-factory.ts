import type { Logger } from 'pino';
import { authenticator, type AuthenticationOptions, type Caller } from './authentication.js';
import { connectedSellers, disconnectRejected, type ConnectedSellersOptions } from './connected-sellers.js';
import { costOf } from './cost.js';
import type { BulkOperations, ChangeFeed, GatewayContext, RequestStart } from './gateway-context.js';
import type { LiveEventSource } from './live-events.js';
import type { OutboundAccess } from '../outbound/types.js';
import { sellerReads, type ReadsOptions } from './reads.js';
import { sellerSession, type SellerSessionOptions, type SessionRequest } from './seller-session.js';

export interface ContextFactoryOptions extends AuthenticationOptions, SellerSessionOptions, ReadsOptions, ConnectedSellersOptions {
  /** Where subscriptions hear of Square's events. */
  pubsub?: LiveEventSource | undefined;
  /** A caller's outbound webhooks (src/outbound), given the caller and its seller; none when the gateway delivers none. */
  outbound?: ((caller: Caller, merchantId: () => Promise<string>) => OutboundAccess) | undefined;
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
 * session it opens (seller-session.ts: budget, clients, deadline, locations, merges), the
 * reads through it (reads.ts: loaders over the cache), and the connected sellers a partner
 * may see (connected-sellers.ts), with the request's cost and logger.
 */
export function contextFactory(options: ContextFactoryOptions): (start: RequestStart) => Promise<GatewayContext> {
  const authenticate = authenticator(options);
  const forCaller = callerContext(options);
  return async (start) => forCaller(await authenticate(start.request), start);
}

/**
 * The context of a caller already known: a request's once authenticated, or an API key acting on
 * its own outside any request (an outbound webhook's delivery, src/outbound, whose `start` is made up;
 * a bulk operation's page, run for the seller and key that started it, in the background `lane`).
 */
export function callerContext(options: ContextFactoryOptions): (caller: Caller, start: RequestStart, lane?: ContextLane) => GatewayContext {
  return (caller, start, lane = {}) => {
    const { acting, key, scopes, sellers } = caller;
    const cost = costOf(start);
    const logger = start.logger ?? options.logger;
    const { vault } = options;
    const onTokenRejected = vault && ((merchantId: string) => disconnectRejected(vault, merchantId, logger));
    const session = sellerSession(options, { acting, request: start.request, cost, logger, onTokenRejected, ...lane });
    cost.caller = { seller: session.seller, key };
    const reads = sellerReads(session, options);
    return {
      ...reads.fresh(),
      writeRetries: options.maxRetries,
      scopes,
      merchantId: session.merchantId,
      lineage: session.lineage,
      invalidate: reads.invalidate,
      sellerRevoked: session.revoked,
      pubsub: options.pubsub,
      sellers: connectedSellers(options, sellers),
      outbound: options.outbound?.(caller, session.merchantId),
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
