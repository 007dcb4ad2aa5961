import type { Logger } from 'pino';
import { authenticator, type AuthenticationOptions } from './authentication.js';
import { connectedSellers, disconnectRejected, type ConnectedSellersOptions } from './connected-sellers.js';
import { costOf } from './cost.js';
import type { GatewayContext, RequestStart } from './gateway-context.js';
import type { LiveEventSource } from './live-events.js';
import { sellerReads, type ReadsOptions } from './reads.js';
import { sellerSession, type SellerSessionOptions } from './seller-session.js';

export interface ContextFactoryOptions extends AuthenticationOptions, SellerSessionOptions, ReadsOptions, ConnectedSellersOptions {
  /** Where subscriptions hear of Square's events. */
  pubsub?: LiveEventSource | undefined;
  /** The gateway's logger, for a request the HTTP server handed none of its own. */
  logger: Logger;
}

/**
 * Builds each request's context from its parts: who calls (authentication.ts), the seller
 * session it opens (seller-session.ts: budget, clients, deadline, locations, merges), the
 * reads through it (reads.ts: loaders over the cache), and the connected sellers a partner
 * may see (connected-sellers.ts), with the request's cost and logger.
 */
export function contextFactory(options: ContextFactoryOptions): (start: RequestStart) => Promise<GatewayContext> {
  const authenticate = authenticator(options);

  return async (start) => {
    const { acting, key, scopes, sellers } = await authenticate(start.request);
    const cost = costOf(start);
    const logger = start.logger ?? options.logger;
    const { vault } = options;
    const onTokenRejected = vault && ((merchantId: string) => disconnectRejected(vault, merchantId, logger));
    const session = sellerSession(options, { acting, request: start.request, cost, logger, onTokenRejected });
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
      logger,
      cost,
      // graphql-yoga copies this object into its own context, so the renewal goes to whichever object it is called on.
      renewLoaders(this: GatewayContext) {
        Object.assign(this, reads.fresh());
      },
    };
  };
}
