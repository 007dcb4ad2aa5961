import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { SquareClient } from 'square';
import type { Loaders } from '../square/loaders.js';
import type { ConnectedSellers } from './connected-sellers.js';
import type { CarriesCost, RequestCost } from './cost.js';
import type { SellerLineage } from './lineage.js';
import type { LiveEventSource } from './live-events.js';
import type { Scope } from '../apis/api.js';
import type { OutboundAccess } from '../outbound/types.js';

/** What every resolver of one request sees. */
export interface GatewayContext {
  /** The SDK client for this request's seller. */
  square: SquareClient;
  /** How often a write is sent again once Square's state shows it did not take effect (SQUARE_MAX_RETRIES). */
  writeRetries: number;
  loaders: Loaders;
  /**
   * Replaces `loaders` (and `square`) with fresh ones and a new deadline: a subscription's
   * context outlives many events, and each must read fresh within its own deadline.
   */
  renewLoaders(): void;
  /** What this caller may do; checked by scope-auth on every field and mutation. */
  scopes: Record<Scope, boolean>;
  /** Square's id of the seller this request acts for (read off its locations, which carry it). */
  merchantId: () => Promise<string>;
  /** Customer merges the gateway learned from webhooks, for this seller. */
  lineage: SellerLineage;
  /** Drops the seller's cached reads a write made stale (as each API's events.ts names them). */
  invalidate(objects: readonly string[]): Promise<void>;
  /** Square's events per seller, for subscriptions; absent when this gateway receives none. */
  pubsub: LiveEventSource | undefined;
  /**
   * Told that the seller's authorization of the application ended (`oauth.authorization.revoked`):
   * a request acting for a connected seller makes no Square call from then on, and gets the
   * SELLER_DISCONNECTED error its fields fail with; undefined for one acting with a token of its own.
   */
  sellerRevoked(): GraphQLError | undefined;
  /** The connected sellers a partner's request may see and disconnect; undefined for other callers. */
  sellers: ConnectedSellers | undefined;
  /** The caller's outbound webhooks (src/outbound); undefined when the gateway delivers none. */
  outbound: OutboundAccess | undefined;
  /** This request's logger: its lines carry the request's id. */
  logger: Logger;
  /** What this request has cost so far, for `extensions.cost` and its API key's budget. */
  cost: RequestCost;
  /**
   * In a subscription: the sequence of the Square event its current result reports, sent as
   * that result's SSE id (deliveringEvent, live-event-ids.ts), so that a client resumes after it.
   */
  liveEventId?: number | undefined;
}

/**
 * A request's context before the factory adds to it. yoga builds the GraphQL context on the
 * server context the HTTP server hands over with the request (its logger, see
 * src/gateway/logger.ts), where plugins that run earlier may have begun its cost.
 */
export interface RequestStart extends CarriesCost {
  request: Request;
  logger?: Logger | undefined;
}
