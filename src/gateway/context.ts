import { GraphQLError } from 'graphql';
import type { SquareClient } from 'square';
import { createSquareClient, type SquareConnection } from '../square/client.js';
import { createLoaders, type Loaders } from '../square/loaders.js';
import { TokenLimiter } from '../square/limiter.js';
import { LocationsCache } from '../square/locations-cache.js';
import { presentedKey, SCOPES, type ApiKeyRing, type Scope } from './api-keys.js';
import type { EventStore } from '../store/index.js';
import type { AuthMode } from './config.js';
import type { GatewayPubSub } from './pubsub.js';

/** What every resolver of one request sees. */
export interface GatewayContext {
  /** The SDK client for this request's seller. */
  square: SquareClient;
  loaders: Loaders;
  /** Replaces `loaders` with empty ones: a subscription's context outlives many events, and each must read fresh. */
  renewLoaders(): void;
  /** What this caller may do; checked by scope-auth on every field and mutation. */
  scopes: Record<Scope, boolean>;
  /** Square's id of the seller this request acts for (read off its locations, which carry it). */
  merchantId: () => Promise<string>;
  /** Customer merges the gateway learned from webhooks, for this seller. */
  lineage: SellerLineage;
  /** Square's events per seller, for subscriptions; absent when this gateway receives none. */
  pubsub: GatewayPubSub | undefined;
}

/** What the webhook store knows of merged customer profiles (see src/store). */
export type LineageStore = Pick<EventStore, 'mergedFrom' | 'mergedInto'>;

export interface SellerLineage {
  /** For each customer: every profile merged, directly or through earlier merges, into it. */
  mergedFrom(customerIds: readonly string[]): Promise<Map<string, string[]>>;
  /** The profile a merged-away customer lives on as; undefined when it was never merged away. */
  mergedInto(customerId: string): Promise<string | undefined>;
}

/** Without a webhook store the gateway has seen no merges. */
const NO_LINEAGE: SellerLineage = {
  mergedFrom: async (customerIds) => new Map(customerIds.map((id) => [id, []])),
  mergedInto: async () => undefined,
};

export interface ContextFactoryOptions {
  connection: SquareConnection;
  authMode: AuthMode;
  /** Serves every caller in `server` mode. */
  serverToken: string | undefined;
  concurrency: number;
  locationsTtlMs: number;
  /**
   * Gateway API keys. When given (server mode), every caller must present one and gets
   * its scopes; without them every caller gets every scope (demo mode), and in
   * passthrough mode Square's own token permissions decide.
   */
  apiKeys?: ApiKeyRing | undefined;
  /** Merges recorded from webhooks; absent when the gateway receives none. */
  lineage?: LineageStore | undefined;
  /** Where subscriptions hear of Square's events. */
  pubsub?: GatewayPubSub | undefined;
}

const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

const ALL_SCOPES = Object.fromEntries(SCOPES.map((s) => [s, true])) as Record<Scope, boolean>;

function scopesOf(granted: ReadonlySet<Scope>): Record<Scope, boolean> {
  return Object.fromEntries(SCOPES.map((s) => [s, granted.has(s)])) as Record<Scope, boolean>;
}

/**
 * Builds each request's context: picks the seller token (the server's, or the
 * caller's own in passthrough mode), and makes a client and loaders for it alone.
 */
export function contextFactory(options: ContextFactoryOptions) {
  const limiter = new TokenLimiter(options.concurrency);
  const locationsCache = new LocationsCache(options.locationsTtlMs);

  const grantedScopes = (request: Request): Record<Scope, boolean> => {
    if (options.authMode === 'passthrough' || !options.apiKeys) return ALL_SCOPES;
    const presented = presentedKey(request);
    if (!presented) throw unauthenticated('Send a gateway API key as "x-api-key: gk_…" or "Authorization: Bearer gk_…".');
    const key = options.apiKeys.find(presented);
    if (!key) throw unauthenticated('This gateway API key is not valid.');
    return scopesOf(key.scopes);
  };

  return ({ request }: { request: Request }): GatewayContext => {
    const token = options.authMode === 'passthrough' ? bearerToken(request) : options.serverToken;
    if (!token) {
      throw unauthenticated(
        options.authMode === 'passthrough'
          ? 'Send your Square access token as "Authorization: Bearer <token>".'
          : 'The gateway has no Square access token configured.',
      );
    }
    const scopes = grantedScopes(request);
    const square = createSquareClient(options.connection, token);
    const locations = () => locationsCache.get(token, square);
    const merchantId = async () => {
      const id = (await locations())[0]?.merchantId;
      if (!id) throw new GraphQLError('Square did not say which seller this token belongs to.', { extensions: { code: 'UPSTREAM_ERROR' } });
      return id;
    };
    const store = options.lineage;
    const lineage: SellerLineage = store
      ? {
          mergedFrom: async (customerIds) => store.mergedFrom(await merchantId(), customerIds),
          mergedInto: async (customerId) => store.mergedInto(await merchantId(), customerId),
        }
      : NO_LINEAGE;
    const loaders = () => createLoaders({ square, limit: limiter.for(token), locations, lineages: lineage.mergedFrom });
    const context: GatewayContext = {
      square,
      scopes,
      merchantId,
      lineage,
      pubsub: options.pubsub,
      loaders: loaders(),
      // graphql-yoga copies this object into its own context, so the renewal goes to whichever object it is called on.
      renewLoaders(this: GatewayContext) {
        this.loaders = loaders();
      },
    };
    return context;
  };
}

function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
}
