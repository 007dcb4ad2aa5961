import type { Logger } from 'pino';
import { authenticator, type AuthenticationOptions } from './authentication.js';
import { costOf } from './cost.js';
import type { GatewayContext, RequestStart } from './gateway-context.js';
import type { LiveEventSource } from './live-events.js';
import { sellerReads, type ReadsOptions } from './reads.js';
import { sellerSession, type SellerSessionOptions } from './seller-session.js';

export interface ContextFactoryOptions extends AuthenticationOptions, SellerSessionOptions, ReadsOptions {
  /** Where subscriptions hear of Square's events. */
  pubsub?: LiveEventSource | undefined;
  /** The gateway's logger, for a request the HTTP server handed none of its own. */
  logger: Logger;
}

/**
 * Builds each request's context from its parts: who calls (authentication.ts), the seller
 * session the token opens (seller-session.ts: budget, clients, deadline, locations, merges),
 * and the reads through it (reads.ts: loaders over the cache), with the request's cost and logger.
 */
export function contextFactory(options: ContextFactoryOptions): (start: RequestStart) => GatewayContext {
  const authenticate = authenticator(options);

  return (start) => {
    const { token, key, scopes } = authenticate(start.request);
    const cost = costOf(start);
    const logger = start.logger ?? options.logger;
    const session = sellerSession(options, { token, request: start.request, cost, logger });
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
      logger,
      cost,
      // graphql-yoga copies this object into its own context, so the renewal goes to whichever object it is called on.
      renewLoaders(this: GatewayContext) {
        Object.assign(this, reads.fresh());
      },
    };
  };
}
