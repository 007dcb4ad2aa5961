import { randomUUID } from 'node:crypto';
import { GraphQLError, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { ApiKey, AuthMode, Caller } from '../context/authentication.js';
import type { GatewayContext, RequestStart } from '../context/gateway-context.js';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '../store/index.js';
import { openPool, type PoolOptions } from '../store/postgres-connection.js';
import type { VaultKeyRing } from '../vault/cipher.js';
import { Deliverer, type DeliveryObserver, type Rendered, type RetryPolicy } from './deliverer.js';
import { graphileJobs } from './graphile-jobs.js';
import type { DeliveryJobs } from './jobs.js';
import { PostgresOutboundStore } from './postgres-store.js';
import { poster } from './post.js';
import { defaultSelection, missingScopes, operationText, render, selectionDocument, SelectionRefused } from './selection.js';
import { newSecret } from './signature.js';
import { SqliteDeliveryQueue } from './sqlite-queue.js';
import { SqliteOutboundStore } from './sqlite-store.js';
import { eventIdOf, hears, sellerCheck, type OutboundStore, type SellerCheck } from './store.js';
import { BULK_OPERATION_FINISHED, isLiveTopic, LIVE_TOPICS } from './topics.js';
import { callbackUrlRefusal, type CallbackPolicy } from './url-guard.js';
import {
  SubscriptionRefused,
  type DueDelivery,
  type OutboundAccess,
  type SubscriptionSellers,
  type TopicName,
  type WebhookSubscription,
  type WithSecret,
} from './types.js';

export type { CallbackPolicy } from './url-guard.js';
export type { DeliveryObserver, RetryPolicy } from './deliverer.js';
export { SIGNATURE_HEADER, verifySignature } from './signature.js';
export type { OutboundAccess, TopicName } from './types.js';

/** How often each PostgreSQL instance looks for deliveries whose job was lost (see PostgresOutboundStore.stranded). */
const STRANDED_CHECK_MS = 60_000;
/** A head of line this long overdue, and not taken, has lost its job. */
const STRANDED_AFTER_MS = 5 * 60_000;

export interface OutboundSettings {
  /** Where callback URLs may point (OUTBOUND_WEBHOOK_URLS). */
  policy: CallbackPolicy;
  /** A receiver's time to answer (OUTBOUND_WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** Deliveries attempted at once by this instance (OUTBOUND_WEBHOOK_CONCURRENCY). */
  concurrency: number;
  /** How long a rotated secret keeps signing beside the new one (OUTBOUND_WEBHOOK_SECRET_GRACE_HOURS). */
  secretGraceMs: number;
  retry?: RetryPolicy | undefined;
}

export interface OutboundOptions extends OutboundSettings {
  /** The event store: deliveries are kept beside its events and enqueued in the commits that apply them. */
  events: EventStore;
  /** With a PostgreSQL event store: its connection, for the outbound tables' own pool. */
  postgres?: PoolOptions | undefined;
  /** The schema the queue library keeps its jobs in; its own default otherwise. */
  jobsSchema?: string | undefined;
  /** Seals subscriptions' secrets at rest (VAULT_KEYS). */
  keys: VaultKeyRing;
  authMode: AuthMode;
  /** The gateway's API keys: a subscription is its owner key's; undefined without API keys. */
  apiKeys?: { bySha256(sha256: string): ApiKey | undefined } | undefined;
  logger: Logger;
  now?: (() => Date) | undefined;
}

/** What the gateway serving the subscriptions lends the deliveries (src/gateway/server.ts): its schema, and how an owner key acts. */
export interface OutboundGateway {
  /** The caller an owner key is when it acts for a seller on its own (authentication.ts keyCaller). */
  caller(key: ApiKey | undefined, seller: string | undefined): Promise<Caller>;
  /** A caller's context, as a request's (context-factory.ts callerContext). */
  context(caller: Caller, start: RequestStart): GatewayContext;
  schema: GraphQLSchema;
  observer?: DeliveryObserver | undefined;
}

/** What the bulk operations' finish publishes (BULK_OPERATION_FINISHED): enqueued like an applied Square event's deliveries. */
export interface PublishedEvent {
  topic: typeof BULK_OPERATION_FINISHED;
  merchantId: string;
  /** The object it tells of (the bulk operation's id): deliveries of one object go out in order. */
  objectId: string;
  /** The same for the same event published again: it is enqueued once per subscription. */
  eventId: string;
  /** The payload's `data`. */
  data: unknown;
}

/** Parsed subscription queries kept; past this they are parsed again. */
const MAX_DOCUMENTS = 1000;

/** Errors of a Square read worth trying again: Square may answer later. */
const TRANSIENT = new Set(['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR']);

/**
 * Outbound webhooks: partners' subscriptions to the graph's events, and their deliveries, signed,
 * retried and never lost. Deliveries are enqueued in the commit that applies Square's event (see
 * the stores), attempted by a queue (on PostgreSQL a job queue shared by the fleet, on SQLite the
 * store's table polled by its one instance), each attempt made by `Deliverer`.
 */
export class OutboundWebhooks {
  private readonly deliverer: Deliverer;
  private readonly now: () => Date;
  private gateway: OutboundGateway | undefined;
  private readonly documents = new Map<string, DocumentNode>();
  private readonly mayActFor: SellerCheck;
  private strandedTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: OutboundOptions,
    private readonly store: OutboundStore,
    private readonly queue: { sqlite: SqliteDeliveryQueue } | { jobs: DeliveryJobs; store: PostgresOutboundStore },
    private readonly http: ReturnType<typeof poster>,
  ) {
    this.now = options.now ?? (() => new Date());
    this.mayActFor = sellerCheck(options.apiKeys);
    this.deliverer = new Deliverer({
      store,
      secrets: (subscription, now) => this.secretsOf(subscription.id, now),
      render: (subscription, delivery) => this.render(subscription, delivery),
      post: http.post,
      retry: options.retry,
      leaseMs: options.timeoutMs * 3,
      now: this.now,
      observer: { attempted: (...args) => this.gateway?.observer?.attempted(...args), delivered: (...args) => this.gateway?.observer?.delivered(...args) },
    });
  }

  static async open(options: OutboundOptions): Promise<OutboundWebhooks> {
    const mayActFor = sellerCheck(options.apiKeys);
    const http = poster({ policy: options.policy, timeoutMs: options.timeoutMs });
    const now = options.now ?? (() => new Date());
    let outbound: OutboundWebhooks;
    const attempt = (id: string) => outbound.deliverer.attempt(id);
    if (options.events instanceof SqliteEventStore) {
      const store = new SqliteOutboundStore(options.events, mayActFor, now);
      const sqlite = new SqliteDeliveryQueue(store, attempt, {
        concurrency: options.concurrency,
        now,
        onError: (error) => options.logger.error({ err: error }, 'an outbound webhook delivery failed to be recorded; it is tried again'),
      });
      outbound = new OutboundWebhooks(options, store, { sqlite }, http);
      return outbound;
    }
    if (!(options.events instanceof PostgresEventStore) || !options.postgres) throw new Error('Outbound webhooks need the event store: SQLite, or PostgreSQL with its connection');
    const logger = { warn: (message: string) => options.logger.warn(message), error: (message: string) => options.logger.error(message) };
    const pool = openPool({ ...options.postgres, poolSize: options.concurrency + 2 });
    const jobs = await graphileJobs({ pool, schema: options.jobsSchema, concurrency: options.concurrency, logger });
    const store = await PostgresOutboundStore.open({ ...options.postgres, events: options.events, jobs, mayActFor, now });
    outbound = new OutboundWebhooks(options, store, { jobs, store }, http);
    return outbound;
  }

  /** Starts attempting deliveries (those left from before too), rendered through the gateway's schema as its callers. */
  async start(gateway: OutboundGateway): Promise<void> {
    this.gateway = gateway;
    if ('sqlite' in this.queue) return this.queue.sqlite.start();
    const { jobs, store } = this.queue;
    await jobs.start((id) => this.deliverer.attempt(id));
    const rescue = () =>
      void store
        .stranded(this.now(), STRANDED_AFTER_MS, 1000)
        .then((stranded) => store.addJobs(stranded))
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'looking for outbound webhook deliveries whose job was lost failed; tried again in a minute'));
    this.strandedTimer = setInterval(rescue, STRANDED_CHECK_MS);
    this.strandedTimer.unref();
  }

  /** Square's events were applied (their deliveries enqueued in that commit): the instance that applied them looks for due deliveries at once. */
  applied(): void {
    if ('sqlite' in this.queue) this.queue.sqlite.wake();
    else this.queue.jobs.wake?.();
  }

  /** Stops attempting; attempts under way finish. Deliveries not yet made stay queued for the next start. */
  async stop(): Promise<void> {
    clearInterval(this.strandedTimer);
    if ('sqlite' in this.queue) await this.queue.sqlite.stop();
    else await this.queue.jobs.stop();
    await this.store.close();
    await this.http.close();
  }

  /**
   * Enqueues the deliveries of an event the gateway itself tells of (BULK_OPERATION_FINISHED) to every
   * enabled subscription of its seller and topic, in a commit of its own: once this resolves the event
   * will be delivered. Publishing the same event (by `eventId`) again enqueues nothing more.
   */
  async publish(event: PublishedEvent): Promise<void> {
    const now = this.now().toISOString();
    const owners = await this.subscribersTo(event.topic, event.merchantId);
    const data = JSON.stringify(event.data ?? null);
    await this.store.enqueue(
      owners.map((s) => ({
        subscriptionId: s.id,
        eventId: eventIdOf(s.id, event.eventId, event.objectId),
        topic: event.topic,
        merchantId: event.merchantId,
        objectKey: event.objectId,
        squareEventId: null,
        squareEventType: null,
        receivedAt: now,
        data,
      })),
      now,
    );
    this.applied();
  }

  private async subscribersTo(topic: TopicName, merchantId: string): Promise<WebhookSubscription[]> {
    return (await this.store.subscribersOf(topic)).filter((s) => s.enabled && hears(s, merchantId, this.mayActFor));
  }

  /** The caller's outbound webhooks (its request's context carries them). */
  forCaller(caller: Caller, merchantId: () => Promise<string>): OutboundAccess {
    const owner = caller.key?.sha256 ?? '';
    const mine = async (id: string, field: string) => {
      const subscription = await this.store.subscription(id);
      if (!subscription || subscription.owner !== owner) throw new SubscriptionRefused('No webhook subscription of this API key has this id.', field, 'NOT_FOUND');
      return subscription;
    };
    const ownDelivery = async (id: string) => {
      const delivery = await this.store.delivery(id);
      if (!delivery || (await this.store.subscription(delivery.subscriptionId))?.owner !== owner) {
        throw new SubscriptionRefused('No delivery of a webhook subscription of this API key has this id.', 'id', 'NOT_FOUND');
      }
      return delivery;
    };
    return {
      subscriptions: () => this.store.subscriptions(owner),
      create: async (input) => {
        const sellers = await this.sellersOf(caller, merchantId);
        this.checkUrl(input.callbackUrl, 'input.callbackUrl');
        const query = await this.queryFor(input.topic, input.query ?? undefined, caller, 'input.query');
        const id = `whsub_${randomUUID().replaceAll('-', '')}`;
        const secret = newSecret();
        const subscription = await this.store.createSubscription({
          id,
          owner,
          sellers,
          topic: input.topic,
          callbackUrl: input.callbackUrl,
          query,
          secret: this.options.keys.seal(secret, sealedFor(id)),
          now: this.now().toISOString(),
        });
        return { subscription, secret };
      },
      update: async (id, update) => {
        const subscription = await mine(id, 'input.id');
        if (update.callbackUrl != null) this.checkUrl(update.callbackUrl, 'input.callbackUrl');
        const query = update.query == null ? undefined : await this.queryFor(subscription.topic, update.query, caller, 'input.query');
        const now = this.now();
        const secret = update.rotateSecret ? newSecret() : null;
        const changed = await this.store.updateSubscription(id, {
          callbackUrl: update.callbackUrl ?? undefined,
          query,
          enabled: update.enabled == null ? undefined : update.enabled ? { on: true } : { on: false, reason: 'Disabled by its owner.' },
          rotated: secret
            ? { secret: this.options.keys.seal(secret, sealedFor(id)), previousExpiresAt: new Date(now.getTime() + this.options.secretGraceMs).toISOString() }
            : undefined,
          now: now.toISOString(),
        });
        if (!changed) throw new SubscriptionRefused('No webhook subscription of this API key has this id.', 'input.id', 'NOT_FOUND');
        return { subscription: changed, secret } satisfies WithSecret;
      },
      delete: async (id) => {
        const subscription = await mine(id, 'input.id');
        await this.store.deleteSubscription(id);
        return subscription;
      },
      deliveries: async (subscriptionId, status, first, beforeSeq) => {
        const subscription = await this.store.subscription(subscriptionId);
        if (subscription?.owner !== owner) return undefined;
        return this.store.deliveries(subscriptionId, status, first, beforeSeq);
      },
      attempts: async (deliveryId) => this.store.attempts(deliveryId),
      resend: async (id) => {
        const delivery = await ownDelivery(id);
        const subscription = await this.store.subscription(delivery.subscriptionId);
        if (!subscription?.enabled) {
          throw new SubscriptionRefused('Its subscription is disabled: enable it (webhookSubscriptionUpdate with enabled: true) first.', 'id', 'SUBSCRIPTION_DISABLED');
        }
        const again = (await this.store.resend(id, this.now().toISOString()))!;
        this.applied();
        return again;
      },
    };
  }

  /** Whom a new subscription of this caller acts for: the seller its request names, every seller of its partner key, or the gateway's own. */
  private async sellersOf(caller: Caller, merchantId: () => Promise<string>): Promise<SubscriptionSellers> {
    if (this.options.authMode === 'passthrough') {
      throw new GraphQLError('Outbound webhooks act for their API key’s sellers, which passthrough mode does not keep: they need server mode.', {
        extensions: { code: 'FORBIDDEN' },
      });
    }
    const { acting } = caller;
    if (acting.kind === 'connected') return { kind: 'seller', merchantId: acting.merchantId };
    if (acting.kind === 'none') return { kind: 'all' };
    return { kind: 'server', merchantId: await merchantId() };
  }

  private checkUrl(url: string, field: string): void {
    const refusal = callbackUrlRefusal(this.options.policy, url);
    if (refusal) throw new SubscriptionRefused(refusal, field, 'INVALID_VALUE');
  }

  /** The query a subscription keeps: the one given, validated, or the default selection of what the key may read. */
  private async queryFor(topic: TopicName, query: string | undefined, caller: Caller, field: string): Promise<string> {
    if (!isLiveTopic(topic)) {
      if (query !== undefined) throw new SubscriptionRefused(`${BULK_OPERATION_FINISHED} carries the bulk operation as its publisher gives it: it takes no query.`, field, 'INVALID_VALUE');
      return '';
    }
    const { field: liveField } = LIVE_TOPICS[topic];
    const scoped = await missingScopes(this.bound.schema, parse(operationText(this.bound.schema, liveField, '{ __typename }')), caller.scopes);
    if (scoped.length > 0) throw new SubscriptionRefused(`This API key lacks the scope ${scoped.join(' and ')} that ${topic} needs.`, 'input.topic', 'FORBIDDEN');
    const selection = query ?? (await defaultSelection(this.bound.schema, liveField, caller.scopes));
    try {
      await selectionDocument(this.bound.schema, liveField, selection, caller.scopes);
    } catch (error) {
      if (error instanceof SelectionRefused) throw new SubscriptionRefused(error.message, field, error.code);
      throw error;
    }
    return selection.trim();
  }

  private get bound(): OutboundGateway {
    if (!this.gateway) throw new Error('outbound webhooks are used before their gateway started them');
    return this.gateway;
  }

  private async secretsOf(id: string, now: Date): Promise<string[]> {
    const sealed = await this.store.secrets(id);
    if (!sealed) return [];
    const secrets = [this.options.keys.open(sealed.current, sealedFor(id))];
    if (sealed.previous && Date.parse(sealed.previous.expiresAt) > now.getTime()) secrets.push(this.options.keys.open(sealed.previous, sealedFor(id)));
    return secrets;
  }

  /** The body of a delivery: the changed object through its subscription's query, read as the owner key acting for the event's seller. */
  private async render(subscription: WebhookSubscription, delivery: DueDelivery): Promise<Rendered> {
    const envelope = {
      id: delivery.eventId,
      topic: delivery.topic,
      merchantId: delivery.merchantId,
      createdAt: delivery.receivedAt,
      squareEvent: delivery.squareEventId === null ? null : { id: delivery.squareEventId, type: delivery.squareEventType },
    };
    if (delivery.data !== null || !isLiveTopic(delivery.topic)) return { kind: 'body', body: JSON.stringify({ ...envelope, data: JSON.parse(delivery.data ?? 'null') as unknown }) };
    const onlyThisSeller = subscription.sellers.kind !== 'all';
    const key = subscription.owner === '' ? undefined : this.options.apiKeys?.bySha256(subscription.owner);
    if (subscription.owner !== '' && !key) return { kind: 'fail', error: 'The API key that owns the subscription was revoked.', disable: 'The API key that owns it was revoked.' };
    let caller: Caller;
    try {
      caller = await this.bound.caller(key, subscription.sellers.kind === 'server' ? undefined : delivery.merchantId);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const reason = `The API key may not act for seller ${delivery.merchantId} (${String(error.extensions.code)}).`;
      return { kind: 'fail', error: reason, disable: onlyThisSeller ? reason : undefined };
    }
    const topic = LIVE_TOPICS[delivery.topic];
    const document = this.documentOf(subscription);
    const missing = await missingScopes(this.bound.schema, document, caller.scopes);
    if (missing.length > 0) {
      const reason = `The API key no longer holds the scope ${missing.join(' and ')} the subscription reads.`;
      return { kind: 'fail', error: reason, disable: reason };
    }
    const ctx = this.bound.context(caller, { request: new Request('http://outbound.invalid/webhook'), logger: this.options.logger });
    let object: unknown;
    try {
      object = await topic.load(ctx, delivery.objectKey);
    } catch (error) {
      const code = error instanceof GraphQLError ? String(error.extensions.code) : 'INTERNAL_SERVER_ERROR';
      if (code === 'SELLER_DISCONNECTED') return { kind: 'fail', error: 'The seller is disconnected.', disable: onlyThisSeller ? 'The seller is disconnected.' : undefined };
      return { kind: 'retry', error: `The object could not be read from Square (${code}).` };
    }
    if (object === null || object === undefined) return { kind: 'body', body: JSON.stringify({ ...envelope, data: null }) };
    const result = await render(this.bound.schema, document, ctx, object, 0);
    const errors = (result.errors ?? []).map((e) => ({ message: e.message, path: e.path?.slice(1), code: e.extensions.code }));
    const transient = errors.find((e) => TRANSIENT.has(String(e.code)));
    if (transient) return { kind: 'retry', error: `A field could not be read from Square (${String(transient.code)}).` };
    const data = (result.data as Record<string, unknown> | null | undefined)?.[topic.field] ?? null;
    return { kind: 'body', body: JSON.stringify({ ...envelope, data, ...(errors.length > 0 ? { errors } : {}) }) };
  }

  /** The subscription's query as a document, parsed once per query. */
  private documentOf(subscription: WebhookSubscription): DocumentNode {
    const text = operationText(this.bound.schema, LIVE_TOPICS[subscription.topic as keyof typeof LIVE_TOPICS].field, subscription.query);
    let document = this.documents.get(text);
    if (!document) {
      if (this.documents.size >= MAX_DOCUMENTS) this.documents.clear();
      document = parse(text);
      this.documents.set(text, document);
    }
    return document;
  }
}

/** What a subscription's secret is bound to when sealed: a sealed secret copied onto another subscription does not open. */
const sealedFor = (id: string) => `webhook:${id}`;
