import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import { createYoga, type YogaLogger } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { schema } from '../schema/index.js';
import { LocalBucketStore, RedisBucketStore, SquareBudget } from '../square/budget.js';
import type { EventStore } from '../store/index.js';
import { DEFAULT_WEBHOOK_PATH, webhookReceiver, type EventProcessor, type WebhookReceiver } from '../webhooks/index.js';
import type { ApiKeyRing } from './api-keys.js';
import type { GatewayConfig } from './config.js';
import { contextFactory, type GatewayContext } from './context.js';
import { corsOption, type CorsPolicy } from './cors.js';
import { errorCodes } from './error-codes.js';
import { EXAMPLE_QUERY } from './example-query.js';
import { gatewayGraphiQL } from './graphiql.js';
import { health } from './health.js';
import { inputErrors } from './input-errors.js';
import { createGatewayPubSub, liveEventOf, type GatewayPubSub } from './pubsub.js';
import { requestGuards } from './request-guards.js';
import { rootPage } from './root-page.js';

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
  Partial<Pick<GatewayConfig, 'redisUrl' | 'pubsubPrefix'>> & {
  squareBaseUrl: string;
  /** Gateway API keys and their scopes; see ContextFactoryOptions.apiKeys. */
  apiKeys?: ApiKeyRing | undefined;
  /** Where yoga logs (unexpected errors, mostly); its console logger by default. */
  logging?: YogaLogger | boolean | undefined;
  /** Receive Square's webhook notifications into this store. */
  webhooks?: GatewayWebhookOptions | undefined;
  /** The variables GraphiQL opens the example query with, e.g. `{ customerId }` of a customer who has everything. */
  exampleVariables?: Record<string, unknown> | undefined;
  /** Browser pages on other origins allowed to call; none without. */
  cors?: CorsPolicy | undefined;
};

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
  close(): Promise<void>;
  /** With the `webhooks` option: the processor applying received events, and the URL they must be signed with. */
  webhooks?: { processor: EventProcessor; notificationUrl(): string };
}

/** The GraphQL gateway over one Square (real or emulated): yoga on a plain Node HTTP server. */
export function createGateway(options: GatewayOptions): Gateway {
  const webhooks = options.webhooks && gatewayWebhooks(options.webhooks, (): Server => server);
  const pubsub = livePubSub(options, () => yoga.logger);
  if (webhooks && pubsub) {
    // The processor calls this once per event across instances; Redis carries it to the others' subscribers.
    webhooks.receiver.processor.onApplied((applied) => {
      const event = liveEventOf(applied);
      if (event) pubsub.publish(applied.merchantId, event);
    });
  }
  const budget = sellerBudget(options, () => yoga.logger);
  const graphiql = gatewayGraphiQL({ query: EXAMPLE_QUERY, variables: options.exampleVariables });
  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    cors: corsOption(options.cors),
    // Nothing here takes file uploads: multipart bodies are refused (415) unparsed.
    multipart: false,
    plugins: [
      rootPage('/graphql'),
      health({ store: options.webhooks?.store, redis: budget.redis, squareBaseUrl: options.squareBaseUrl }),
      queryArmor(),
      requestGuards({ maxTokens: MAX_TOKENS }),
      inputErrors(),
      errorCodes(),
      graphiql.plugin,
      ...(webhooks ? [webhooks.receiver.plugin] : []),
    ],
    logging: options.logging ?? true,
    graphiql: { title: 'Square GraphQL gateway' },
    renderGraphiQL: graphiql.render,
    context: contextFactory({
      connection: { baseUrl: options.squareBaseUrl, timeoutInSeconds: options.squareTimeoutSeconds },
      authMode: options.authMode,
      serverToken: options.squareToken,
      budget: budget.budget,
      maxRetries: options.squareMaxRetries,
      deadlineMs: options.requestDeadlineMs,
      locationsTtlMs: options.locationsTtlMs,
      apiKeys: options.apiKeys,
      lineage: options.webhooks?.store,
      pubsub,
    }),
  });
  const server = createServer(yoga);
  void webhooks?.receiver.processor.start();
  return {
    server,
    webhooks: webhooks && { processor: webhooks.receiver.processor, notificationUrl: webhooks.notificationUrl },
    listen: (port = 0, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          resolve(`http://${host}:${address.port}/graphql`);
        });
      }),
    close: async () => {
      await webhooks?.receiver.processor.stop();
      // Subscribers' streams complete before their connections close.
      await pubsub?.close();
      await budget.close();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

/**
 * Guards checked while a document is parsed and validated, before any cost is computed:
 * a flood of tokens, aliases or directives is refused cheaply. Cost, depth and breadth
 * are the schema's own limits (src/schema/query-cost.ts), which know what `first` asks
 * for. Field suggestions stay on: introspection is open, so they reveal nothing new.
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
  server: () => Server,
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
    bodyTimeoutMs: options.bodyTimeoutMs,
  });
  return { receiver, notificationUrl };
}

/**
 * Every seller's Square budget: in this process, or in Redis so that a fleet of instances
 * spends one budget per seller rather than one each. When Redis cannot be reached the
 * instance keeps a budget of its own meanwhile, and says so once a minute at most.
 */
function sellerBudget(options: GatewayOptions, logger: () => YogaLogger): { budget: SquareBudget; redis?: Redis; close(): Promise<void> } {
  const settings = { ratePerSecond: options.squareRatePerSecond, burst: options.squareBurst };
  const local = new LocalBucketStore(settings);
  if (!options.redisUrl) return { budget: new SquareBudget(local, local), close: async () => {} };
  // Fail fast while Redis is down: a budget answer that waits out an outage would hold every call.
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
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
    redis,
    close: async () => {
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/**
 * Live updates need Square's events: received here (webhooks), or from other instances
 * over Redis. Without either no event would ever come, so subscriptions are refused.
 */
function livePubSub(options: GatewayOptions, logger: () => YogaLogger): GatewayPubSub | undefined {
  if (!options.webhooks && !options.redisUrl) return undefined;
  return createGatewayPubSub({
    redisUrl: options.redisUrl,
    prefix: options.pubsubPrefix,
    logger: { warn: (...args) => logger().warn(...args) },
  });
}
