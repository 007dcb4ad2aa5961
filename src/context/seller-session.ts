import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Square, SquareClient } from 'square';
import { tokenKey, type BucketStatus, type SquareBudget } from '../square/budget.js';
import { budgetedFetch } from '../square/budgeted-fetch.js';
import { createSquareClient, type SquareConnection } from '../square/client.js';
import type { SquareCallOutcome, SquareEpisodes } from '../square/episodes.js';
import type { LocationsCache } from '../square/locations-cache.js';
import type { SquareObserver } from '../square/observer.js';
import { squareFetch } from '../square/transport.js';
import type { RequestCost } from './cost.js';
import { deadlineSignal } from './deadline.js';
import { sellerLineage, type LineageStore, type SellerLineage } from './lineage.js';

export interface SellerSessionOptions {
  connection: SquareConnection;
  /** Every seller's Square budget, shared by all requests (and, over Redis, all instances). */
  budget: SquareBudget;
  /** Retries of a Square call that is safe to repeat. */
  maxRetries: number;
  /** How long one request (or one subscription event) may wait for Square in all. */
  deadlineMs: number;
  /** Square's failures, logged once per episode; shared by every request. */
  episodes: SquareEpisodes;
  /** Metrics and traces of every Square call. */
  observer?: SquareObserver | undefined;
  /** Merges recorded from webhooks; absent when the gateway receives none. */
  lineage?: LineageStore | undefined;
  /** Every seller's locations, listed once per token (shared by all requests; the server drops what changes make stale). */
  locationsCache: LocationsCache;
}

/** The seller's SDK clients under one deadline: one whose calls wait their turn, one whose calls go first. */
export interface SellerClients {
  square: SquareClient;
  first: SquareClient;
}

/** One request's dealings with the seller its token acts for. */
export interface SellerSession {
  /** The token's key (tokenKey): names the seller's budget and cached reads, never the token itself. */
  seller: string;
  /** Clients under a deadline of their own: the request's, then each of a subscription's events'. */
  clients(): SellerClients;
  /** The seller's locations, listed once per token across requests (LocationsCache). */
  locations(): Promise<Square.Location[]>;
  /** Square's id of the seller (read off its locations, which carry it). */
  merchantId(): Promise<string>;
  lineage: SellerLineage;
}

/** What of the request the session serves: its Square calls count in its cost and log on its logger. */
export interface SessionRequest {
  token: string;
  request: Request;
  cost: RequestCost;
  logger: Logger;
  /** `background` (a bulk operation's pages): every call waits behind the seller's interactive ones and leaves them a reserve (SquareBudget). */
  lane?: 'interactive' | 'background' | undefined;
  /** How long it may wait for Square in all, when not the gateway's request deadline (a bulk page's many calls at the seller's rate). */
  deadlineMs?: number | undefined;
}

/** The seller session a request's token opens: its budget, clients and deadline, locations and merge lineage. */
export function sellerSession(options: SellerSessionOptions, { token, request, cost, logger, lane, deadlineMs = options.deadlineMs }: SessionRequest): SellerSession {
  const seller = tokenKey(token);
  const onCall = () => cost.squareCalls++;
  const onOutcome = (outcome: SquareCallOutcome) => options.episodes.observe(seller, outcome, logger);
  const onBudget = (status: BucketStatus) => (cost.sellerBudget = status);
  const clients = (): SellerClients => {
    const deadline = performance.now() + deadlineMs;
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
    const background = lane === 'background';
    return {
      square: createSquareClient(options.connection.baseUrl, token, budgetedFetch(squareFetch, budgeted, background ? 'background' : 'leaf'), deadlineMs),
      first: createSquareClient(options.connection.baseUrl, token, budgetedFetch(squareFetch, budgeted, background ? 'background' : 'first'), deadlineMs),
    };
  };
  // A client of its own each time the cache must ask Square, so that a subscription's listing has a deadline of its own too.
  const locations = () => options.locationsCache.get(seller, () => clients().square);
  const merchantId = async () => {
    const id = (await locations())[0]?.merchantId;
    if (!id) throw new GraphQLError('Square did not say which seller this token belongs to.', { extensions: { code: 'UPSTREAM_ERROR' } });
    return id;
  };
  return { seller, clients, locations, merchantId, lineage: sellerLineage(options.lineage, merchantId) };
}
