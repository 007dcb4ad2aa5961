import { setMaxListeners } from 'node:events';
import { GraphQLError } from 'graphql';
import type { SquareClient } from 'square';
import { tokenKey, type BucketStatus, type SquareBudget } from '../square/budget.js';
import { budgetedFetch } from '../square/budgeted-fetch.js';
import { createSquareClient, type SquareConnection } from '../square/client.js';
import { UNCACHED, type SquareCache } from '../square/cache.js';
import { createLoaders, type Loaders } from '../square/loaders.js';
import type { SquareCallOutcome, SquareEpisodes } from '../square/episodes.js';
import { LocationsCache } from '../square/locations-cache.js';
import type { SquareObserver } from '../square/observer.js';
import { squareFetch } from '../square/transport.js';
import { authenticator, type AuthenticationOptions } from '../context/authentication.js';
import { costOf, type CarriesCost, type RequestCost } from '../context/cost.js';
import type { Scope } from '../context/scopes.js';
import type { EventStore } from '../store/index.js';
import { requestLogger, type CarriesLogger, type Logger } from './logger.js';
import type { LiveEventSource } from '../context/live-events.js';

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
  /** Drops the seller's cached reads a write made stale (as src/square/staleness.ts names them). */
  invalidate(objects: readonly string[]): Promise<void>;
  /** Square's events per seller, for subscriptions; absent when this gateway receives none. */
  pubsub: LiveEventSource | undefined;
  /** This request's logger: its lines carry the request's id. */
  logger: Logger;
  /** What this request has cost so far, for `extensions.cost` and its API key's budget. */
  cost: RequestCost;
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

export interface ContextFactoryOptions extends AuthenticationOptions {
  connection: SquareConnection;
  /** Every seller's Square budget, shared by all requests (and, over Redis, all instances). */
  budget: SquareBudget;
  /** Retries of a Square call that is safe to repeat. */
  maxRetries: number;
  /** How long one request (or one subscription event) may wait for Square in all. */
  deadlineMs: number;
  locationsTtlMs: number;
  /** Square reads kept across requests; absent, every read goes to Square. */
  cache?: SquareCache | undefined;
  /** Merges recorded from webhooks; absent when the gateway receives none. */
  lineage?: LineageStore | undefined;
  /** Where subscriptions hear of Square's events. */
  pubsub?: LiveEventSource | undefined;
  /** The gateway's logger; a request gets the child carrying its id. */
  logger: Logger;
  /** Square's failures, logged once per episode; shared by every request. */
  episodes: SquareEpisodes;
  /** Metrics and traces of every Square call. */
  observer?: SquareObserver | undefined;
}

/**
 * Builds each request's context: picks the seller token (the server's, or the
 * caller's own in passthrough mode), and makes a client and loaders for it alone.
 */
export function contextFactory(options: ContextFactoryOptions) {
  const locationsCache = new LocationsCache(options.locationsTtlMs);

  const authenticate = authenticator(options);

  return (yogaContext: { request: Request } & CarriesCost & CarriesLogger): GatewayContext => {
    const { request } = yogaContext;
    const { token, key, scopes } = authenticate(request);
    const seller = tokenKey(token);
    const cost = costOf(yogaContext);
    cost.caller = { seller, key };
    const onCall = () => cost.squareCalls++;
    const logger = requestLogger(yogaContext, options.logger);
    const onOutcome = (outcome: SquareCallOutcome) => options.episodes.observe(seller, outcome, logger);
    const onBudget = (status: BucketStatus) => (cost.sellerBudget = status);
    /** The request's Square clients: one whose calls wait their turn, one whose calls go first; both under one deadline. */
    const clients = () => {
      const deadline = performance.now() + options.deadlineMs;
      let signal: AbortSignal | undefined;
      const budgeted = {
        budget: options.budget,
        seller,
        maxRetries: options.maxRetries,
        attemptTimeoutMs: options.connection.timeoutInSeconds * 1000,
        onCall,
        onOutcome,
        onBudget,
        observer: options.observer,
        deadline,
        // Made on the first Square call: a request the cache answers whole needs no timer.
        get signal() {
          return (signal ??= deadlineSignal(request.signal, deadline));
        },
      };
      return {
        square: createSquareClient(options.connection.baseUrl, token, budgetedFetch(squareFetch, budgeted), options.deadlineMs),
        first: createSquareClient(options.connection.baseUrl, token, budgetedFetch(squareFetch, budgeted, 'first'), options.deadlineMs),
      };
    };
    const initial = clients();
    // A client of its own each time the cache must ask Square, so that a subscription's listing has a deadline of its own too.
    const locations = () => locationsCache.get(seller, () => clients().square);
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
    const cache = options.cache?.forSeller(merchantId, seller) ?? UNCACHED;
    const loaders = ({ square, first }: ReturnType<typeof clients>) =>
      createLoaders({ square, first, locations, lineages: lineage.mergedFrom, mergedInto: lineage.mergedInto, cache });
    const context: GatewayContext = {
      square: initial.square,
      writeRetries: options.maxRetries,
      scopes,
      merchantId,
      lineage,
      invalidate: async (objects) => {
        if (options.cache) await options.cache.invalidate(await merchantId(), objects);
      },
      pubsub: options.pubsub,
      logger,
      cost,
      loaders: loaders(initial),
      // graphql-yoga copies this object into its own context, so the renewal goes to whichever object it is called on.
      renewLoaders(this: GatewayContext) {
        const renewed = clients();
        this.square = renewed.square;
        this.loaders = loaders(renewed);
      },
    };
    return context;
  };
}

/** Aborts when the client goes away or at `deadline` (performance.now()); Node's timeout signals hold nothing once unreachable. */
function deadlineSignal(clientSignal: AbortSignal, deadline: number): AbortSignal {
  // On Node 24 the server adapter's request signal is not Node's own AbortSignal, which AbortSignal.any
  // refuses (ERR_INVALID_ARG_TYPE); a native signal follows it instead.
  const gone = new AbortController();
  if (clientSignal.aborted) gone.abort(clientSignal.reason);
  else clientSignal.addEventListener('abort', () => gone.abort(clientSignal.reason), { once: true });
  // Made at a request's first Square call, which may come after its deadline: then it is aborted already, as its timer would be.
  const left = Math.ceil(deadline - performance.now());
  const timer = left > 0 ? AbortSignal.timeout(left) : AbortSignal.abort(new DOMException('The request deadline passed.', 'TimeoutError'));
  const signal = AbortSignal.any([gone.signal, timer]);
  // Every call of the request waiting for budget or in flight listens to it: a page of 50 customers is 100 and more.
  setMaxListeners(0, signal);
  return signal;
}
