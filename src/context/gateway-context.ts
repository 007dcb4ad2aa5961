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
import type { BulkOperationRecord } from '../store/index.js';

/** Bounds on an operation's cost, depth and breadth (selected fields) checked before it runs; a bound left out is not checked. */
export interface QueryLimits {
  complexity?: number;
  depth?: number;
  breadth?: number;
}

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
  /** Bulk operations (src/bulk) and the change feed (src/changes); absent when the gateway keeps no store for them. */
  bulk: BulkOperations | undefined;
  changes: ChangeFeed | undefined;
  /**
   * The query limits this context's operations are held to, when not the gateway's (src/schema/query-cost.ts):
   * a bulk operation's pages are bounded by the seller's Square budget, not by their cost.
   */
  queryLimits?: QueryLimits | undefined;
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

/**
 * Bulk operations as the schema's resolvers use them (src/bulk/operations.ts). Each call acts
 * for the request's caller: its seller, and its API key when it has one; an operation of
 * another seller or key is, to it, an operation that does not exist.
 */
export interface BulkOperations {
  /** Checks `query` and starts running it in the background; refusals are thrown as the mutation's typed errors. */
  run(ctx: GatewayContext, query: string): Promise<BulkOperationRecord>;
  /** The caller's operation with this id. */
  find(ctx: GatewayContext, id: string): Promise<BulkOperationRecord | undefined>;
  /** The caller's most recent operation. */
  current(ctx: GatewayContext): Promise<BulkOperationRecord | undefined>;
  /** Cancels the caller's operation if it is CREATED or RUNNING (a typed error otherwise); undefined when there is none. */
  cancel(ctx: GatewayContext, id: string): Promise<BulkOperationRecord | undefined>;
  /** Whether the operation is the caller's. */
  owns(ctx: GatewayContext, operation: BulkOperationRecord): boolean;
  /** A signed URL of the operation's file, under `origin`, valid for a while; undefined when it has none to give. */
  fileUrl(operation: BulkOperationRecord, origin: string, partial: boolean): string | undefined;
}

/** One change of the seller's data: a Square event the gateway received and applied (src/changes). */
export interface Change {
  /** Its place in the feed: the order events were applied in (EventStore.markApplied). */
  sequence: number;
  eventId: string;
  /** Square's event type, e.g. `payment.updated`. */
  type: string;
  /** What the event is about, as Square names it (`data.type`, `data.id`). */
  objectType: string | undefined;
  objectId: string | undefined;
  /** ISO 8601: when it happened at Square (the event's `created_at`), and when the gateway applied it. */
  occurredAt: string | undefined;
  appliedAt: string;
}

export interface ChangePage {
  edges: Array<{ cursor: string; node: Change }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** The change feed as the schema's resolvers use it: the caller's seller's changes, of the types its scopes may read. */
export interface ChangeFeed {
  page(ctx: GatewayContext, args: { after?: string | null; types?: readonly string[] | null; first?: number | null }): Promise<ChangePage>;
  /** The opaque cursor of a place in the feed (a bulk operation's start). */
  cursorAt(sequence: number): string;
}
