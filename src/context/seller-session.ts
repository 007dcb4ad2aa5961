import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Square, SquareClient } from 'square';
import { type BucketStatus, type Priority, type SquareBudget } from '../square/budget.js';
import { budgetedFetch } from '../square/budgeted-fetch.js';
import { createSquareClient, createSquareReader, type SquareConnection } from '../square/client.js';
import type { SquareCallOutcome, SquareEpisodes } from '../square/episodes.js';
import type { LocationsCache } from '../square/locations-cache.js';
import type { SquareObserver } from '../square/observer.js';
import type { SquareReader } from '../square/reader.js';
import { squareFetch } from '../square/transport.js';
import type { Acting } from './authentication.js';
import type { RequestCost } from './cost.js';
import { deadlineSignal } from './deadline.js';
import { sellerLineage, type LineageStore, type SellerLineage } from './lineage.js';
import { sellerLink } from './seller-link.js';

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
  /** Every seller's locations, listed once per partition (shared by all requests; the server drops what changes make stale). */
  locationsCache: LocationsCache;
}

/** The seller's SDK clients under one deadline: one whose calls wait their turn, one whose calls go first. */
export interface SellerClients {
  square: SquareClient;
  first: SquareClient;
  /** The hot reads over each client's transport (reader.ts). */
  reader: SquareReader;
  firstReader: SquareReader;
}

/** One request's dealings with the seller it acts for. */
export interface SellerSession {
  /** Names the seller's budget (never a token: see SellerLink); undefined when the request names no seller. */
  seller: string | undefined;
  /** Names the seller's cached reads (SellerLink). */
  partition: string;
  /** Clients under a deadline of their own: the request's, then each of a subscription's events'. */
  clients(): SellerClients;
  /** The seller's locations, listed once per partition across requests (LocationsCache). */
  locations(): Promise<Square.Location[]>;
  /** Square's id of the seller (a connected seller's is known; others' is read off their locations, which carry it). */
  merchantId(): Promise<string>;
  /** Told that the seller revoked the application (SellerLink.revoked). */
  revoked(): GraphQLError | undefined;
  lineage: SellerLineage;
}

/** What of the request the session serves: its Square calls count in its cost and log on its logger. */
export interface SessionRequest {
  acting: Acting;
  request: Request;
  cost: RequestCost;
  logger: Logger;
  /** Told once when Square refuses a connected seller's access token (revoked, expired): the seller is disconnected from then on. */
  onTokenRejected?: ((merchantId: string) => Promise<void>) | undefined;
  /** `background` (a bulk operation's pages): every call waits behind the seller's interactive ones and leaves them a reserve (SquareBudget). */
  lane?: 'interactive' | 'background' | undefined;
  /** How long it may wait for Square in all, when not the gateway's request deadline (a bulk page's many calls at the seller's rate). */
  deadlineMs?: number | undefined;
}

/** The seller session a request opens: its budget, clients and deadline, locations and merge lineage. */
export function sellerSession(
  options: SellerSessionOptions,
  { acting, request, cost, logger, onTokenRejected, lane, deadlineMs = options.deadlineMs }: SessionRequest,
): SellerSession {
  const link = sellerLink(acting, onTokenRejected);
  const { seller, partition } = link;
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
    const transport = (priority: Priority) => link.gate(budgetedFetch(squareFetch, budgeted, lane === 'background' ? 'background' : priority));
    const leaf = transport('leaf');
    const first = transport('first');
    return {
      square: createSquareClient(options.connection, link.token, leaf),
      first: createSquareClient(options.connection, link.token, first),
      reader: createSquareReader(options.connection, link.token, leaf),
      firstReader: createSquareReader(options.connection, link.token, first),
    };
  };
  // A client of its own each time the cache must ask Square, so that a subscription's listing has a deadline of its own too.
  const locations = () => {
    const refusal = link.refusal();
    return refusal ? Promise.reject(refusal) : options.locationsCache.get(partition, () => clients().square);
  };
  const merchantId = async () => {
    const refusal = link.refusal();
    if (refusal) throw refusal;
    const id = link.merchantId ?? (await locations())[0]?.merchantId;
    if (!id) throw new GraphQLError('Square did not say which seller this token belongs to.', { extensions: { code: 'UPSTREAM_ERROR' } });
    return id;
  };
  return {
    seller: link.named ? seller : undefined,
    partition,
    clients,
    locations,
    merchantId,
    revoked: link.revoked,
    lineage: sellerLineage(options.lineage, merchantId),
  };
}
