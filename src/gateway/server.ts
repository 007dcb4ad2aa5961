import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import { createYoga, type YogaLogger } from 'graphql-yoga';
import type { TracerProvider } from '@opentelemetry/api';
import { disconnectOnRevocation } from '../apis/oauth/revocations.js';
import { createLoaders, HEARD_EVENTS, SCOPES, staleAfterEvent } from '../apis/registry.js';
import { EventChangeFeed } from '../changes/feed.js';
import { keyCaller } from '../context/authentication.js';
import { callerContext, contextFactory, type ContextFactoryOptions } from '../context/context-factory.js';
import type { GatewayContext } from '../context/gateway-context.js';
import { commandClient, degradedUses, release, type RedisBreaker } from '../redis/breaker.js';
import { schema } from '../schema/index.js';
import { LocalBucketStore, RedisBucketStore, SquareBudget } from '../square/budget.js';
import { MemoryCacheStore, RedisCacheStore } from '../square/cache-store.js';
import { authorizationRevoker, type SquareApplication } from '../square/application.js';
import { SquareCache } from '../square/cache.js';
import { SQUARE_VERSION } from '../square/client.js';
import { SquareEpisodes } from '../square/episodes.js';
import { LocationsCache } from '../square/locations-cache.js';
import type { OutboundWebhooks } from '../outbound/index.js';
import type { EventStore } from '../store/index.js';
import type { SellerVault } from '../vault/index.js';
import { TokenRefresher, type RefresherOptions } from '../vault/refresher.js';
import { DEFAULT_WEBHOOK_PATH, webhookReceiver, type EventProcessor, type WebhookReceiver } from '../webhooks/index.js';
import type { ApiKeyRing } from './api-keys.js';
import { bulkFiles, bulkOperations, DAY_MS, type GatewayBulkOptions } from './bulk-operations.js';
import { connectRoutes, type SquareConnectOptions } from './connect-routes.js';
import { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, type GatewayConfig } from './config.js';
import { corsOption, type CorsPolicy } from './cors.js';
import { costExtension } from './cost-extension.js';
import { csrfPrevention } from './csrf.js';
import { errorCodes, loggedByErrorCodes, maskUnexpected } from './error-codes.js';
import { EXAMPLE_QUERY } from './example-query.js';
import { gatewayGraphiQL } from './graphiql.js';
import { tourTabs, type TourData } from './tour.js';
import { health } from './health.js';
import { incrementalDelivery } from './incremental-delivery.js';
import { inputErrors } from './input-errors.js';
import { createLogger, requestLogger, withRequestLogs, yogaLogger, type CarriesLogger, type Logger } from './logger.js';
import { GatewayMetrics } from './metrics.js';
import { metricsPlugin } from './metrics-plugin.js';
import { introspectionOff } from './introspection.js';
import { keyDocumentRegistry, keyDocumentRoutes, type DocumentPipeline, type KeyDocumentRegistry, type KeyDocumentsOptions } from './key-documents.js';
import { endRevokedSubscriptions } from './key-revocation.js';
import { liveEventIds } from './live-event-ids.js';
import { LiveReplay } from './live-replay.js';
import { persistedOperations } from './persisted-operations.js';
import { createPersistedQueryStore } from './persisted-query-store.js';
import { createGatewayPubSub, liveEventOf, type GatewayPubSub } from './pubsub.js';
import { responseHeaders } from './response-headers.js';
import { repeatedFieldsBound } from './repeated-fields.js';
import { requestGuards } from './request-guards.js';
import { rootPage } from './root-page.js';
import { tracing } from './tracing.js';
import { TrustedDocuments } from './trusted-documents.js';

export type GatewayOptions = Pick<
  GatewayConfig,
  | 'authMode'
  | 'squareToken'
  | 'squareTimeoutSeconds'
  | 'squareMaxRetries'
  | 'squareRatePerSecond'
  | 'squareBurst'
  | 'requestDeadlineMs'
  | 'locationsTtlMs'
> &
  Partial<Pick<GatewayConfig, 'squareVersion' | 'redisUrl' | 'pubsubPrefix' | 'cacheTtlMs' | 'cacheMaxEntries'>> &
  Partial<Pick<GatewayConfig, 'persistedQueriesMax' | 'persistedQueriesTtlSeconds' | 'metricsToken'>> &
  Partial<Pick<GatewayConfig, 'liveReplayWindowSeconds' | 'liveReplayMaxEvents' | 'maxBodyBytes' | 'bodyTimeoutMs' | 'graphiql' | 'introspection'>> &
  Partial<Pick<GatewayConfig, 'changesRetentionDays'>> & {
  /** The documents a `trustedDocumentsOnly` key may run; the checked-in manifest by default. */
  trustedDocuments?: TrustedDocuments | undefined;
  /** Where API keys' own trusted documents are kept: registered at /trusted-documents (with API keys) and run by id. */
  keyDocuments?: KeyDocumentsOptions | undefined;
  squareBaseUrl: string;
  /** Gateway API keys and their scopes; see ContextFactoryOptions.apiKeys. */
  apiKeys?: ApiKeyRing | undefined;
  /** Where the gateway logs (src/gateway/logger.ts); `false`: nowhere. By default warnings and errors, as JSON to stdout. */
  logging?: Logger | false | undefined;
  /** Receive Square's webhook notifications into this store. */
  webhooks?: GatewayWebhookOptions | undefined;
  /** Run bulk operations, kept in this store. */
  bulk?: GatewayBulkOptions | undefined;
  /** The variables GraphiQL opens the example query with, e.g. `{ customerId }` of a customer who has everything. */
  exampleVariables?: Record<string, unknown> | undefined;
  /** Demo data for the README's tour: GraphiQL then opens its flows as tabs beside the example (a first visit only). */
  tour?: TourData | undefined;
  /** Browser pages on other origins allowed to call; none without. */
  cors?: CorsPolicy | undefined;
  /** Adds the process's metrics (CPU, memory, event loop, GC) to /metrics: for the one gateway of a process. */
  processMetrics?: boolean | undefined;
  /** Where the gateway's spans go (see tracing.ts); no spans are made without. */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Sellers connected through Square OAuth, whom partner keys act for (README, Partners: acting for sellers):
   * their vault, in /readyz and /metrics, and the renewal of their tokens.
   */
  vault?: GatewayVaultOptions | undefined;
  /** Sellers connect at /oauth/square/connect to the `vault` option's application, into its vault. */
  oauth?: SquareConnectOptions | undefined;
  /**
   * Partners' outbound webhooks (src/outbound), opened on the `webhooks` store: the gateway starts
   * their deliveries, serves their subscriptions, and stops them when it closes.
   */
  outbound?: OutboundWebhooks | undefined;
};

export interface GatewayVaultOptions {
  vault: SellerVault;
  /**
   * The application the sellers authorized: they connect to it, the refresher renews their tokens as it, and
   * `disconnectSeller` revokes at Square with its secret (a public PKCE client has none, so it only forgets the tokens).
   */
  application?: SquareApplication | undefined;
  /** Renew the sellers' tokens from this instance (every instance of a fleet may: each token is renewed by one); not without. */
  refresher?: Omit<RefresherOptions, 'vault' | 'application' | 'squareBaseUrl' | 'observer' | 'onError' | 'now'> | undefined;
  /** The clock tokens fall due and age by (the vault's own); the system's by default. */
  now?: (() => Date) | undefined;
}

export interface GatewayWebhookOptions {
  store: EventStore;
  signatureKey: string;
  /** The URL Square signs notifications with; absent, the gateway's own loopback address (a Square on this machine, like the demo emulator). */
  notificationUrl?: string | undefined;
  path?: string | undefined;
  /** How long a notification's body may take to arrive (Square's own 10 s by default). */
  bodyTimeoutMs?: number | undefined;
}

export interface Gateway {
  server: Server;
  /** Starts listening; returns the GraphQL endpoint's URL. */
  listen(port?: number, host?: string): Promise<string>;
  /**
   * Stops accepting, lets requests in flight finish for up to `graceMs` (then cuts them),
   * ends live-update streams with `complete`, and lets go of the stores' connections.
   * Webhook events received but not yet applied stay stored and are applied at the next start.
   * From the call on `/readyz` answers 503; with `drainDelayMs` the gateway first goes on serving
   * that long, so that load balancers probing it stop sending requests before it refuses them.
   */
  close(options?: { graceMs?: number; drainDelayMs?: number }): Promise<void>;
  /** Forgets every cached Square read, for when Square's data was replaced without events (the demo emulator's reset). */
  forgetCachedReads(): Promise<void>;
  /** With the `webhooks` option: the processor applying received events, and the URL they must be signed with. */
  webhooks?: { processor: EventProcessor; notificationUrl(): string };
  /** With the `keyDocuments` option: the keys' trusted documents, checked as this gateway checks a request's. */
  keyDocuments?: KeyDocumentRegistry;
}

/** The GraphQL gateway over one Square (real or emulated): yoga on a plain Node HTTP server. */
export function createGateway(options: GatewayOptions): Gateway {
  if (options.oauth && !options.vault?.application) throw new Error('connecting sellers (the oauth option) needs the vault option, with the application they authorize');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const [graphiqlOn, introspection] = [options.graphiql ?? true, options.introspection ?? true];
  const logger =
    options.logging === false
      ? createLogger({ level: 'silent', format: 'json' })
      : (options.logging ?? createLogger({ level: 'warn', format: 'json' }));
  const metrics = new GatewayMetrics({ processMetrics: options.processMetrics });
  const traces = options.tracerProvider && tracing(options.tracerProvider, metrics);
  const webhooks = options.webhooks && gatewayWebhooks(options.webhooks, { maxBodyBytes, bodyTimeoutMs }, (): Server => server, metrics, logger);
  const pubsub = livePubSub(options, () => yoga.logger);
  const { cache, breaker: cacheBreaker } = squareCache(options, () => yoga.logger, metrics);
  const locationsCache = new LocationsCache(options.locationsTtlMs);
  const connection = { baseUrl: options.squareBaseUrl, timeoutInSeconds: options.squareTimeoutSeconds, squareVersion: options.squareVersion ?? SQUARE_VERSION };
  const application = options.vault?.application;
  const revokeAuthorization = application?.secret !== undefined ? authorizationRevoker(connection, { id: application.id, secret: application.secret }) : undefined;
  if (webhooks && options.vault) webhooks.receiver.processor.onApplied(disconnectOnRevocation(options.vault.vault));
  if (webhooks) {
    // Registered before the live updates' listener, so that subscribers read the object after its stale copies are gone.
    webhooks.receiver.processor.onApplied(async (applied) => {
      const stale = staleAfterEvent(applied.type, applied.body);
      locationsCache.invalidate(applied.merchantId, stale);
      await cache?.invalidate(applied.merchantId, stale);
    });
  }
  if (webhooks && pubsub) {
    // The processor calls this once per event across instances: this instance's subscribers get it at once, Redis carries it to the others'.
    webhooks.receiver.processor.onApplied((applied) => {
      const event = liveEventOf(applied);
      if (event) pubsub.publish(applied.merchantId, event);
    });
  }
  const budget = sellerBudget(options, () => yoga.logger);
  const vault = options.vault && sellerVault(options.vault, options.squareBaseUrl, metrics, logger);
  const persistedQueries = createPersistedQueryStore({
    redisUrl: options.redisUrl,
    prefix: options.pubsubPrefix,
    maxDocuments: options.persistedQueriesMax ?? 1000,
    ttlSeconds: options.persistedQueriesTtlSeconds ?? 86_400,
  });
  const redisBreakers = [budget.redis?.breaker, cacheBreaker, ...(pubsub?.breakers ?? []), persistedQueries.breaker].filter(
    (breaker): breaker is RedisBreaker => breaker !== undefined,
  );
  const keyDocuments: KeyDocumentRegistry | undefined = options.keyDocuments && keyDocumentRegistry(options.keyDocuments, (): DocumentPipeline => yoga.getEnveloped);
  const changes =
    options.webhooks &&
    new EventChangeFeed({ store: options.webhooks.store, types: HEARD_EVENTS, retentionMs: (options.changesRetentionDays ?? 28) * DAY_MS, logger });
  const contextOptions: ContextFactoryOptions = {
    connection,
    authMode: options.authMode,
    scopes: SCOPES,
    serverToken: options.squareToken,
    budget: budget.budget,
    maxRetries: options.squareMaxRetries,
    deadlineMs: options.requestDeadlineMs,
    locationsCache,
    cache,
    createLoaders,
    apiKeys: options.apiKeys,
    vault: options.vault?.vault,
    revokeAuthorization,
    lineage: options.webhooks?.store,
    pubsub,
    changes,
    logger,
    episodes: new SquareEpisodes(),
    observer: traces ? traces.squareCalls(metrics.square) : metrics.square,
    outbound: options.outbound && ((caller, merchantId) => options.outbound!.forCaller(caller, merchantId)),
  };
  const graphiql = gatewayGraphiQL({ query: EXAMPLE_QUERY, variables: options.exampleVariables }, options.tour && tourTabs(options.tour));
  const trustedDocuments = options.trustedDocuments ?? TrustedDocuments.load();
  const bulk =
    options.bulk &&
    bulkOperations(options.bulk, contextOptions, {
      events: options.webhooks?.store,
      authMode: options.authMode,
      apiKeys: options.apiKeys,
      pubsub,
      outbound: options.outbound,
      trustedDocuments,
      logger,
    });
  // The bulk operations build their pages' contexts from the same parts as a request's, themselves among them.
  contextOptions.bulk = bulk;
  const yoga = createYoga<CarriesLogger, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    cors: corsOption(options.cors),
    // Nothing here takes file uploads: multipart bodies are refused (415) unparsed.
    multipart: false,
    // requestGuards bounds the body (maxBodyBytes, a code of ours); yoga's own 25 MB bound would stream every body through a second copy.
    maxRequestBodySize: false,
    plugins: [
      responseHeaders(),
      metricsPlugin(metrics, options.metricsToken),
      ...(traces ? [traces.plugin] : []),
      rootPage('/graphql', { graphiql: graphiqlOn }),
      ...(options.oauth && options.vault && application
        ? [connectRoutes({ ...options.oauth, application, vault: options.vault.vault, squareBaseUrl: options.squareBaseUrl, timeoutInSeconds: options.squareTimeoutSeconds, logger })]
        : []),
      csrfPrevention(),
      health({
        store: options.webhooks?.store,
        redis: budget.redis && { ping: budget.redis.ping, degraded: () => degradedUses(redisBreakers) },
        vault: vault?.health,
        squareBaseUrl: options.squareBaseUrl,
        draining: () => draining,
      }),
      ...persistedOperations({
        trusted: trustedDocuments,
        store: persistedQueries,
        apiKeys: options.authMode === 'server' ? options.apiKeys : undefined,
        keyDocuments: options.keyDocuments?.store,
      }),
      ...(keyDocuments && options.apiKeys && options.authMode === 'server'
        ? [keyDocumentRoutes(keyDocuments, { apiKeys: options.apiKeys, maxBodyBytes, logger })]
        : []),
      queryArmor(),
      ...(introspection ? [] : [introspectionOff()]),
      requestGuards({ maxTokens: MAX_TOKENS, maxBodyBytes, bodyTimeoutMs }),
      repeatedFieldsBound(),
      inputErrors({ hideSuggestions: !introspection }),
      errorCodes(logger),
      costExtension(budget.budget),
      ...incrementalDelivery(),
      ...(graphiqlOn ? [graphiql.plugin] : []),
      ...(webhooks ? [webhooks.receiver.plugin] : []),
      ...(bulk ? [bulkFiles(bulk)] : []),
      ...(options.apiKeys && options.authMode === 'server' ? [endRevokedSubscriptions(options.apiKeys)] : []),
      // Last: it numbers each subscription result as the other plugins left it.
      liveEventIds(),
    ],
    logging: yogaLogger(logger, loggedByErrorCodes),
    maskedErrors: { maskError: maskUnexpected },
    graphiql: graphiqlOn && { title: 'Square GraphQL gateway' },
    renderGraphiQL: graphiql.render,
    context: contextFactory(contextOptions),
  });
  // Slow headers get Node's own 408; a slow body gets requestGuards' (or the webhook receiver's) 408 first, and
  // Node's past twice the time as a backstop. Node checks its timers each `connectionsCheckingInterval`.
  const server = createServer(
    { headersTimeout: bodyTimeoutMs, requestTimeout: 2 * bodyTimeoutMs, connectionsCheckingInterval: Math.min(1_000, bodyTimeoutMs / 4) },
    withRequestLogs(yoga, logger),
  );
  let draining = false;
  if (options.outbound) {
    const { outbound } = options;
    // After the commit that enqueued an applied event's deliveries: this instance looks for them at once.
    webhooks?.receiver.processor.onApplied(() => outbound.applied());
    void outbound
      .start({ schema, caller: keyCaller(contextOptions), context: callerContext(contextOptions), observer: metrics.outbound })
      .catch((error: unknown) => logger.error({ err: error }, 'outbound webhook deliveries could not start'));
  }
  void webhooks?.receiver.processor.start();
  bulk?.start();
  changes?.start();
  vault?.refresher?.start();
  return {
    server,
    webhooks: webhooks && { processor: webhooks.receiver.processor, notificationUrl: webhooks.notificationUrl },
    ...(keyDocuments ? { keyDocuments } : {}),
    forgetCachedReads: async () => {
      await cache?.clear();
    },
    listen: (port = 0, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          resolve(`http://${host}:${address.port}/graphql`);
        });
      }),
    close: async ({ graceMs = DEFAULT_GRACE_MS, drainDelayMs = 0 } = {}) => {
      draining = true;
      if (drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
      // No new connections from here; idle keep-alive ones close now, busy ones when their response is sent.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Subscribers' streams complete, so that their connections end like any finished response.
      await pubsub?.close();
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(cut);
      // After the last request: a webhook being received is stored (and acknowledged) before the processor stops.
      await webhooks?.receiver.processor.stop();
      // Runs stop at their last checkpoint, left for another instance (or the next start) to resume.
      await bulk?.close();
      changes?.close();
      await options.outbound?.stop();
      await vault?.refresher?.stop();
      await budget.close();
      await persistedQueries.close();
      await cache?.close();
    },
  };
}

/** How long a closing gateway waits for requests in flight (SIGTERM in `npm start`). */
const DEFAULT_GRACE_MS = 10_000;

/**
 * Guards checked while a document is parsed and validated, before any cost is computed:
 * a flood of tokens, aliases or directives is refused cheaply. Cost, depth and breadth
 * are the schema's own limits (src/schema/query-cost.ts), which know what `first` asks
 * for. Field suggestions ("Did you mean …?") are hidden with introspection by
 * introspectionOff and inputErrors, not by armor: its mask misses the variables' errors.
 */
const MAX_TOKENS = 5_000;

function queryArmor() {
  // Reported as validation errors with our code, rather than thrown as armor's untyped "Syntax Error".
  const tooComplex = { propagateOnRejection: false, onReject: [reportTooComplex] };
  return EnvelopArmorPlugin({
    maxTokens: { n: MAX_TOKENS },
    maxAliases: { n: 30, ...tooComplex },
    maxDirectives: { n: 50, ...tooComplex },
    maxDepth: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  });
}

const reportTooComplex = (context: ValidationContext | null, error: GraphQLError) =>
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'QUERY_TOO_COMPLEX' } }));

function gatewayWebhooks(
  options: GatewayWebhookOptions,
  { maxBodyBytes, bodyTimeoutMs }: { maxBodyBytes: number; bodyTimeoutMs: number },
  server: () => Server,
  metrics: GatewayMetrics,
  logger: Logger,
): { receiver: WebhookReceiver; notificationUrl: () => string } {
  const path = options.path ?? DEFAULT_WEBHOOK_PATH;
  const notificationUrl = () => {
    if (options.notificationUrl) return options.notificationUrl;
    const address = server().address() as AddressInfo | null;
    if (!address) throw new Error('the gateway is not listening, so it has no webhook URL yet');
    return `http://127.0.0.1:${address.port}${path}`;
  };
  const receiver = webhookReceiver({
    store: options.store,
    signatureKey: options.signatureKey,
    notificationUrl,
    path,
    maxBodyBytes,
    bodyTimeoutMs: options.bodyTimeoutMs ?? bodyTimeoutMs,
    observer: metrics.webhooks,
    requestLogger: (serverContext) => {
      const log = requestLogger(serverContext, logger);
      return { error: (message: string, error: unknown) => log.error({ err: error }, message) };
    },
  });
  return { receiver, notificationUrl };
}

/** The vault in /readyz and /metrics, and its refresher (when asked for), which counts into the metrics and logs what stops a cycle. */
function sellerVault(options: GatewayVaultOptions, squareBaseUrl: string, metrics: GatewayMetrics, logger: Logger) {
  const now = options.now ?? (() => new Date());
  if (options.refresher && !options.application) throw new Error("renewing the sellers' tokens (the vault's refresher) needs the application they authorized");
  const refresher =
    options.refresher &&
    options.application &&
    new TokenRefresher({
      ...options.refresher,
      application: options.application,
      vault: options.vault,
      squareBaseUrl,
      now,
      observer: metrics.vaultRefresher,
      onError: (error, during) =>
        logger.error(
          { err: error },
          during === 'cycle'
            ? "a renewal cycle of the sellers' tokens failed; the next one tries again"
            : "re-sealing the vault's tokens with the current key failed; each is re-sealed at its next renewal, or run npm run vault:rotate",
        ),
    });
  metrics.watchVault(() => options.vault.summary(), now);
  return { refresher, health: { summary: () => options.vault.summary(), lastCycle: () => refresher?.lastCycle()?.outcome, now } };
}

/**
 * Every seller's Square budget: in this process, or in Redis so that a fleet of instances
 * spends one budget per seller rather than one each. When Redis cannot be reached, or does
 * not answer, the instance keeps a budget of its own meanwhile, and says so once a minute at most.
 */
function sellerBudget(
  options: GatewayOptions,
  logger: () => YogaLogger,
): { budget: SquareBudget; redis?: { ping(): Promise<unknown>; breaker: RedisBreaker }; close(): Promise<void> } {
  const settings = { ratePerSecond: options.squareRatePerSecond, burst: options.squareBurst };
  const local = new LocalBucketStore(settings);
  if (!options.redisUrl) return { budget: new SquareBudget(local, local), close: async () => {} };
  // Fail fast while Redis is down: a budget answer that waits out an outage would hold every call.
  const redis = commandClient(options.redisUrl, { enableOfflineQueue: false });
  let warnedAt = -Infinity;
  const onStoreError = (error: unknown) => {
    if (performance.now() - warnedAt < 60_000) return;
    warnedAt = performance.now();
    logger().warn('the shared Square budget in Redis cannot be reached; this instance budgets on its own meanwhile:', error);
  };
  redis.on('error', onStoreError);
  const store = new RedisBucketStore(redis, settings, options.pubsubPrefix);
  return {
    budget: new SquareBudget(store, local, onStoreError),
    // A PING that fails opens the budget's breaker too: an idle instance finds a hung Redis before its next request does.
    redis: { ping: () => store.breaker.run(() => redis.ping()), breaker: store.breaker },
    close: () => release(redis),
  };
}

/** How long cached reads live when CACHE_TTL_MS is unset and the gateway receives webhooks. */
export const DEFAULT_CACHE_TTL_MS = 300_000;

/**
 * Square reads kept across requests: in this process (an LRU), or in Redis, shared by
 * every instance, with no copy in front of it, so that an invalidation made by any
 * instance holds for all at once. Only webhooks tell the gateway of changes made
 * elsewhere, so without them there is no cache unless CACHE_TTL_MS asks for one.
 */
function squareCache(options: GatewayOptions, logger: () => YogaLogger, metrics: GatewayMetrics): { cache?: SquareCache; breaker?: RedisBreaker } {
  const ttlMs = options.cacheTtlMs ?? (options.webhooks ? DEFAULT_CACHE_TTL_MS : 0);
  if (ttlMs === 0) return {};
  const settings = { ttlMs, maxEntries: options.cacheMaxEntries ?? 50_000 };
  if (!options.redisUrl) return { cache: new SquareCache(new MemoryCacheStore(settings), metrics.cache) };
  // Reads go to Square while Redis is not connected or does not answer (RedisCacheStore.lookup); invalidations then fail at once.
  const redis = commandClient(options.redisUrl, { enableAutoPipelining: true });
  let warnedAt = -Infinity;
  redis.on('error', (error) => {
    if (performance.now() - warnedAt < 60_000) return;
    warnedAt = performance.now();
    logger().warn('the shared Square cache in Redis cannot be reached; reads go to Square meanwhile:', error);
  });
  const store = new RedisCacheStore(redis, settings, options.pubsubPrefix ?? '', Math.max(options.requestDeadlineMs * 2, 60_000));
  return { cache: new SquareCache(store, metrics.cache), breaker: store.breaker };
}

/**
 * Live updates need Square's events: received here (webhooks), or from other instances
 * over Redis. Without either no event would ever come, so subscriptions are refused.
 */
function livePubSub(options: GatewayOptions, logger: () => YogaLogger): GatewayPubSub | undefined {
  if (!options.webhooks && !options.redisUrl) return undefined;
  const store = options.webhooks?.store;
  return createGatewayPubSub({
    redisUrl: options.redisUrl,
    prefix: options.pubsubPrefix,
    logger: { warn: (...args) => logger().warn(...args) },
    replay:
      store &&
      new LiveReplay(store, { windowMs: (options.liveReplayWindowSeconds ?? 86_400) * 1000, maxEvents: options.liveReplayMaxEvents ?? 1000 }),
  });
}
