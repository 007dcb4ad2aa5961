import { randomUUID } from 'node:crypto';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Scope } from '../apis/api.js';
import { callerScopes, SELLER_HEADER, type ApiKey, type AuthMode, type Caller } from '../context/authentication.js';
import { bearerToken } from '../context/bearer.js';
import type { ContextLane } from '../context/context-factory.js';
import type { BulkOperations, GatewayContext, QueryLimits, RequestStart } from '../context/gateway-context.js';
import { BULK_OPERATION_FINISHED, type LiveEvent } from '../context/live-events.js';
import { connectedSellerKey } from '../context/seller-link.js';
import type { PublishedEvent } from '../outbound/index.js';
import { ValidationError } from '../schema/errors.js';
import { globalId } from '../schema/ids.js';
import { QUERY_LIMITS } from '../schema/query-cost.js';
import { tokenKey } from '../square/budget.js';
import type { BulkLimits, BulkOperationRecord, BulkStore, EventStore } from '../store/index.js';
import { BulkOperationLimitError, BulkOperationStateError } from './errors.js';
import { planBulkQuery } from './plan.js';
import { BulkFailure, runBulkOperation } from './runner.js';
import { URL_LIFETIME_MS, type BulkSecrets } from './secrets.js';

/** Where files are served: `/bulk-operations/<id>.jsonl`, and `/bulk-operations/<id>/partial.jsonl` for what a run that ended early wrote. */
export const FILE_PATH = /^\/bulk-operations\/([0-9a-f-]{36})(\/partial)?\.jsonl$/;

/** A bulk operation's pages are bounded by the seller's Square budget, not by their cost; their shape stays bounded. */
const PAGE_LIMITS: QueryLimits = { depth: QUERY_LIMITS.depth, breadth: QUERY_LIMITS.breadth };
/** How long one page may wait for Square in all: a hundred customers with their cards, gift cards and orders at 20 calls a second take about 11 s. */
const PAGE_DEADLINE_MS = 5 * 60_000;
/** Chunks read from the store at a time while a file is served. */
const CHUNKS_PER_READ = 16;

export interface BulkOperationsOptions {
  store: BulkStore;
  /** Where the change feed stands when an operation starts: its changesCursor. Without webhooks there are no changes, and it is 0. */
  events?: Pick<EventStore, 'lastAppliedSequence'> | undefined;
  schema: GraphQLSchema;
  secrets: BulkSecrets;
  limits: BulkLimits;
  /** How long an operation and its file are kept after it ended. */
  retentionMs: number;
  authMode: AuthMode;
  /** Every scope, for a passthrough caller. */
  scopes: readonly Scope[];
  /**
   * The caller a key (undefined without API keys) is when it acts, outside a request, for the connected seller
   * `seller` or (undefined) the gateway's own (src/context/authentication.ts, keyCaller); refused as a request would be.
   */
  callerOf(key: ApiKey | undefined, seller: string | undefined): Promise<Caller>;
  /** The API key with this SHA-256 as it now stands (its scopes); undefined once it is revoked. */
  keyOf(sha256: string): ApiKey | undefined;
  /** Whether `query` is one of the trusted documents, the only ones a `trustedDocumentsOnly` key may run. */
  trusted(query: string): boolean;
  /** A context for a caller, as the gateway makes one for a request (src/context/context-factory.ts, callerContext). */
  contexts(caller: Caller, start: RequestStart, lane: ContextLane): GatewayContext;
  /** Tells the seller's subscribers of an operation that ended (bulkOperationFinished), on every instance. */
  publish?: ((merchantId: string, event: LiveEvent) => void) | undefined;
  /** Enqueues an operation's end for the seller's outbound webhooks (src/outbound); absent when the gateway delivers none. */
  outbound?: ((event: PublishedEvent) => Promise<void>) | undefined;
  logger: Logger;
  /** How long a claimed run is this instance's without a renewal: after a crash, another instance resumes it this long after. */
  leaseMs?: number | undefined;
  /** How often this instance looks for operations to run (created elsewhere, or left by an instance that stopped). */
  pollMs?: number | undefined;
  /** Operations this instance runs at once. */
  maxRuns?: number | undefined;
}

/** How long a run is its instance’s without a renewal when not set otherwise: after a crash, another resumes it this long after. */
const DEFAULT_LEASE_MS = 30_000;

/** What a request's caller is to its bulk operations: its seller, and its key. The one place they are read from the context. */
function callerOf(ctx: GatewayContext): { seller: string; key?: ApiKey | undefined } {
  const { caller } = ctx.cost;
  if (!caller) throw new Error('a bulk operation is asked for before its caller is known');
  const { seller, key } = caller;
  // A partner's request that names no seller has none to run for, nor to look up: refused as its Square reads are.
  if (seller === undefined) throw new GraphQLError(`Name the seller this request acts for with ${SELLER_HEADER}.`, { extensions: { code: 'SELLER_REQUIRED' } });
  return { seller, key };
}

/**
 * The gateway’s bulk operations (BulkOperations, src/context/gateway-context.ts) and their runs on this
 * instance: an operation is run by the instance that created it, and, should that one stop or
 * crash, resumed by whichever instance sees its lease run out first. Finished operations and
 * their files are deleted after the retention.
 */
export class BulkOperationService implements BulkOperations {
  private readonly owner = randomUUID();
  private readonly runs = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly leaseMs: number;
  private poller: NodeJS.Timeout | undefined;
  private expiredAt = 0;
  private sweptAt = 0;
  private closed = false;

  constructor(private readonly options: BulkOperationsOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Starts looking for operations to run, and for expired ones to delete. */
  start(): void {
    const pollMs = this.options.pollMs ?? 2_000;
    this.poller = setInterval(() => void this.poll(), pollMs);
    this.poller.unref();
    void this.poll();
  }

  /** Stops this instance's runs where their last checkpoint left them, and lets another instance take them over at once. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poller);
    for (const { controller } of this.runs.values()) controller.abort();
    await Promise.all([...this.runs.values()].map((run) => run.done));
  }

  async run(ctx: GatewayContext, query: string): Promise<BulkOperationRecord> {
    const { seller, key } = callerOf(ctx);
    if (key?.trustedDocumentsOnly && !this.options.trusted(query)) {
      throw new ValidationError('This API key runs trusted documents only: its bulk query must be one of them, as written there.', 'query', 'PERSISTED_QUERY_ONLY');
    }
    const plan = planBulkQuery(this.options.schema, query);
    if ('problem' in plan) throw new ValidationError(plan.problem.message, 'query', plan.problem.code);
    const shape = complexityFromQuery(plan.root, { schema: this.options.schema, ctx, variables: {} });
    for (const measure of ['depth', 'breadth'] as const) {
      if (shape[measure] > QUERY_LIMITS[measure]) {
        throw new ValidationError(`This bulk query's pages would be ${shape[measure]} ${measure === 'depth' ? 'levels deep' : 'fields broad'}; the gateway allows at most ${QUERY_LIMITS[measure]}.`, 'query', 'QUERY_TOO_COMPLEX');
      }
    }
    const merchantId = await ctx.merchantId();
    const created = await this.options.store.create(
      {
        id: randomUUID(),
        seller,
        merchantId,
        keySha256: key?.sha256 ?? null,
        query,
        sealedToken: this.options.authMode === 'passthrough' ? this.options.secrets.seal(passthroughToken(ctx, seller)) : null,
        changesCursor: (await this.options.events?.lastAppliedSequence()) ?? 0,
      },
      this.options.limits,
    );
    if ('limited' in created) throw new BulkOperationLimitError(created.limited === 'seller' ? 'SELLER' : 'API_KEY', created.limit);
    // Run here at once; should this instance be too busy, another (or this one, later) claims it.
    void this.claim(created.created.id);
    return created.created;
  }

  async find(ctx: GatewayContext, id: string): Promise<BulkOperationRecord | undefined> {
    const operation = await this.options.store.operation(id);
    return operation && this.owns(ctx, operation) ? operation : undefined;
  }

  current(ctx: GatewayContext): Promise<BulkOperationRecord | undefined> {
    const { seller, key } = callerOf(ctx);
    return this.options.store.latest(seller, key?.sha256 ?? null);
  }

  async cancel(ctx: GatewayContext, id: string): Promise<BulkOperationRecord | undefined> {
    const found = await this.find(ctx, id);
    if (!found) return undefined;
    const canceled = await this.options.store.cancel(id);
    if (!canceled) throw new BulkOperationStateError((await this.options.store.operation(id))?.status ?? found.status);
    // Its run, here or on another instance, stops at its next renewal or chunk; here it stops at once.
    this.runs.get(id)?.controller.abort();
    this.finished(canceled);
    return canceled;
  }

  owns(ctx: GatewayContext, operation: BulkOperationRecord): boolean {
    const { seller, key } = callerOf(ctx);
    return operation.seller === seller && operation.keySha256 === (key?.sha256 ?? null);
  }

  fileUrl(operation: BulkOperationRecord, origin: string, partial: boolean): string | undefined {
    const available = partial ? (operation.status === 'FAILED' || operation.status === 'CANCELED') && operation.objectCount > 0 : operation.status === 'COMPLETED';
    if (!available) return undefined;
    const query = this.options.secrets.sign(operation.id, partial, Date.now() + URL_LIFETIME_MS);
    return `${origin}/bulk-operations/${operation.id}${partial ? '/partial' : ''}.jsonl?${query}`;
  }

  /**
   * The file a signed URL names, as its chunks, read from the store a few at a time as they are
   * sent (never held whole); undefined when the URL is not one the gateway signed, has expired,
   * or names a file there is not (any more).
   */
  async file(path: string, query: URLSearchParams): Promise<{ size: number; chunks: AsyncIterable<string> } | undefined> {
    const [, id, partial] = FILE_PATH.exec(path) ?? [];
    if (!id || !this.options.secrets.verify(id, Boolean(partial), query)) return undefined;
    const operation = await this.options.store.operation(id);
    if (!operation || !this.fileUrl(operation, '', Boolean(partial))) return undefined;
    const { store } = this.options;
    return {
      size: operation.fileSize,
      chunks: (async function* () {
        for (let from = 0; ; from += CHUNKS_PER_READ) {
          const chunks = await store.chunks(id, from, CHUNKS_PER_READ);
          yield* chunks;
          if (chunks.length < CHUNKS_PER_READ) return;
        }
      })(),
    };
  }

  /** Claims an operation (the one named, or any left without a live lease) and runs it here, if this instance has room. */
  private async claim(id?: string): Promise<boolean> {
    if (this.closed || this.runs.size >= (this.options.maxRuns ?? 4)) return false;
    const operation = await this.options.store.claim(this.owner, this.leaseMs, id).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'bulk operations could not be claimed');
      return undefined;
    });
    if (!operation) return false;
    const controller = new AbortController();
    const done = runBulkOperation(
      {
        store: this.options.store,
        schema: this.options.schema,
        owner: this.owner,
        leaseMs: this.leaseMs,
        logger: this.options.logger,
        contextFor: (op, signal) => this.contextFor(op, signal),
        onFinished: (ended) => this.finished(ended),
      },
      operation,
      controller.signal,
    ).finally(async () => {
      this.runs.delete(operation.id);
      // A run this instance stops before its end (the gateway closing) is left for another to take over now, not after its lease.
      if (this.closed) await this.options.store.renew(operation.id, this.owner, 0).catch(() => undefined);
    });
    this.runs.set(operation.id, { controller, done });
    return true;
  }

  private async poll(): Promise<void> {
    while (await this.claim());
    await this.publishLeftEnds();
    if (Date.now() - this.expiredAt < 60 * 60_000) return;
    this.expiredAt = Date.now();
    await this.options.store.expire(new Date(Date.now() - this.options.retentionMs)).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'expired bulk operations could not be deleted');
    });
  }

  /** A page's context: the operation's seller (its token) and key (its scopes now), its Square calls in the background lane. */
  private async contextFor(operation: BulkOperationRecord, signal: AbortSignal): Promise<GatewayContext> {
    const key = operation.keySha256 === null ? undefined : this.options.keyOf(operation.keySha256);
    if (operation.keySha256 !== null && !key) throw new BulkFailure('UNAUTHENTICATED', 'The API key that started this operation has been revoked.');
    const caller = await this.callerFor(operation, key);
    const request = new Request('http://bulk-operation.invalid/', { signal });
    const ctx = this.options.contexts(
      caller,
      { request, logger: this.options.logger.child({ bulkOperation: operation.id }) },
      { lane: 'background', deadlineMs: PAGE_DEADLINE_MS },
    );
    ctx.queryLimits = PAGE_LIMITS;
    return ctx;
  }

  /** Who an operation's pages run as: its passthrough caller's sealed token, the connected seller it acts for, or the gateway's own seller. */
  private async callerFor(operation: BulkOperationRecord, key: ApiKey | undefined): Promise<Caller> {
    if (operation.sealedToken) {
      const token = this.options.secrets.unseal(operation.sealedToken);
      if (!token || tokenKey(token) !== operation.seller) {
        throw new BulkFailure('UNAUTHENTICATED', "This operation's Square token could not be unsealed here: every instance needs the same BULK_SECRET.");
      }
      return { acting: { kind: 'token', token }, key, scopes: callerScopes(this.options.scopes, key), sellers: undefined };
    }
    const connected = operation.seller === connectedSellerKey(operation.merchantId);
    const caller = await this.options.callerOf(key, connected ? operation.merchantId : undefined).catch((error: unknown) => {
      // Refused as a request naming the seller would be: the key may no longer act for it, or the seller is gone.
      if (error instanceof GraphQLError) throw new BulkFailure(String(error.extensions.code ?? 'UNAUTHENTICATED'), error.message);
      throw error;
    });
    if (!connected && (caller.acting.kind !== 'token' || tokenKey(caller.acting.token) !== operation.seller)) {
      throw new BulkFailure('UNAUTHENTICATED', "The gateway's Square token is no longer the one this operation started with.");
    }
    return caller;
  }

  private finished(operation: BulkOperationRecord): void {
    this.options.logger.info({ bulkOperation: operation.id, status: operation.status, objects: operation.objectCount }, 'bulk operation ended');
    this.options.publish?.(operation.merchantId, { type: BULK_OPERATION_FINISHED, objectId: operation.id, eventId: operation.id, sequence: 0 });
    void this.publishEnd(operation);
  }

  /**
   * Enqueues an ended operation's BULK_OPERATION_FINISHED for outbound webhooks, then marks its end published.
   * Until then the poll publishes it again (the enqueue is idempotent per subscription): an instance that stops
   * between recording an end and publishing it, or a store that refuses either, delays the webhook, never loses it.
   */
  private async publishEnd(operation: BulkOperationRecord): Promise<void> {
    const { id, status, errorCode, errorMessage, createdAt, completedAt, objectCount, rootObjectCount, fileSize } = operation;
    try {
      const data = { id: globalId('BulkOperation', id), status, errorCode, errorMessage, createdAt, completedAt, objectCount, rootObjectCount, fileSize };
      await this.options.outbound?.({ topic: 'BULK_OPERATION_FINISHED', merchantId: operation.merchantId, objectId: id, eventId: `${id}:finished`, data });
      await this.options.store.endPublished(id);
    } catch (error) {
      this.options.logger.warn({ err: error, bulkOperation: id }, "a bulk operation's end could not be published for outbound webhooks: it is published again later");
    }
  }

  /** Publishes the ends some instance recorded but did not publish, once they are a lease old (their instance had its chance): looked for once a lease. */
  private async publishLeftEnds(): Promise<void> {
    if (Date.now() - this.sweptAt < this.leaseMs) return;
    this.sweptAt = Date.now();
    const left = await this.options.store.unpublishedEnds(new Date(Date.now() - this.leaseMs), 100).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, "bulk operations' unpublished ends could not be read");
      return [];
    });
    for (const operation of left) await this.publishEnd(operation);
  }
}

/** A passthrough caller's own Square token, as its request brought it (the one its seller key was made from). */
function passthroughToken(ctx: GatewayContext, seller: string): string {
  const token = bearerToken((ctx as GatewayContext & Partial<YogaInitialContext>).request?.headers.get('authorization'));
  if (!token || tokenKey(token) !== seller) throw new Error("a passthrough request's token is not its seller's");
  return token;
}
