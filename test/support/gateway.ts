import { print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { SquareClient } from 'square';
import { afterAll, beforeAll } from 'vitest';
import type { AuthMode } from '../../src/context/authentication.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import type { ApiKeyRing } from '../../src/gateway/api-keys.js';
import type { Logger } from '../../src/gateway/logger.js';
import type { GatewayBulkOptions } from '../../src/gateway/bulk-operations.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway/server.js';
import { SqliteBulkStore, SqliteEventStore, type BulkStore, type EventStore } from '../../src/store/index.js';

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

export interface TestStack {
  emulator: Emulator;
  emulatorUrl: string;
  gateway: Gateway;
  url: string;
  /** With `webhooks: true`: the store the gateway records Square's events in. */
  store?: EventStore;
  /** With `bulk`: the store of its bulk operations. */
  bulkStore?: BulkStore;
  /** An SDK client straight to the emulator, to arrange data and to compare the gateway against. */
  square(token?: string): SquareClient;
  /** Runs a GraphQL operation over HTTP, as a client would. */
  gql<T = any, V = Record<string, unknown>>(
    document: TypedDocumentNode<T, V> | DocumentNode | string,
    variables?: V,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResult<T> & { status: number }>;
  /** Square calls the emulator received since the last clearCalls(), as "METHOD /path". */
  calls(): Promise<string[]>;
  clearCalls(): Promise<void>;
}

export const SERVER_TOKEN = 'gateway-test-token';

/** Settings of a gateway whose tests never reach Square (webhooks, CORS): its Square is the discard port. */
export const NO_SQUARE = {
  authMode: 'server',
  squareToken: 'unused',
  squareBaseUrl: 'http://127.0.0.1:9',
  squareTimeoutSeconds: 1,
  squareMaxRetries: 0,
  squareRatePerSecond: 100,
  squareBurst: 100,
  requestDeadlineMs: 1_000,
  locationsTtlMs: 0,
  logging: false,
} as const satisfies GatewayOptions;
/** The key the emulator signs its webhooks with for the test gateways (createTestGateway). */
export const WEBHOOK_KEY = 'test-webhook-signature-key';

/** The emulator and the gateway in front of it, both over real HTTP, for one test file. */
export interface TestGatewayOptions {
  authMode?: AuthMode;
  /** The seller's Square budget; generous by default, so that only tests about it meet it. */
  budget?: { ratePerSecond: number; burst: number };
  deadlineMs?: number;
  apiKeys?: ApiKeyRing;
  maxRetries?: number;
  /** How long the gateway waits for each Square call (10 s by default). */
  timeoutSeconds?: number;
  /** Where the gateway logs (test/support/logs.ts captures it); warnings to stdout by default. */
  logging?: Logger | false;
  /** Live updates over this Redis (pub/sub across instances); in-process without. */
  redisUrl?: string;
  /** Topic prefix; tests sharing a Redis use a random one so that runs never cross. */
  pubsubPrefix?: string;
  /** The server token (SERVER_TOKEN by default), e.g. the demo merchant's. */
  squareToken?: string;
  exampleVariables?: Record<string, unknown>;
  /** Square reads kept across requests for this long; off (0) unless a test is about the cache. */
  cacheTtlMs?: number;
  metricsToken?: string;
  tracerProvider?: GatewayOptions['tracerProvider'];
  /** Any other gateway option, as `npm start` would set it from its configuration. */
  gateway?: Partial<GatewayOptions>;
  /** Run bulk operations (in an in-memory store unless the test brings its own), with these settings. */
  bulk?: Omit<GatewayBulkOptions, 'store'> | true;
}

/** A gateway in front of `squareBaseUrl` as the tests configure it; `store` receives webhooks (signed with the test key). */
export function createTestGateway(squareBaseUrl: string, options: TestGatewayOptions = {}, store?: EventStore, bulkStore?: BulkStore): Gateway {
  return createGateway({
    authMode: options.authMode ?? 'server',
    squareToken: options.authMode === 'passthrough' ? undefined : (options.squareToken ?? SERVER_TOKEN),
    squareBaseUrl,
    squareTimeoutSeconds: options.timeoutSeconds ?? 10,
    squareMaxRetries: options.maxRetries ?? 0,
    squareRatePerSecond: options.budget?.ratePerSecond ?? 10_000,
    squareBurst: options.budget?.burst ?? 10_000,
    requestDeadlineMs: options.deadlineMs ?? 15_000,
    locationsTtlMs: 60_000,
    cacheTtlMs: options.cacheTtlMs ?? 0,
    apiKeys: options.apiKeys,
    logging: options.logging,
    redisUrl: options.redisUrl,
    pubsubPrefix: options.pubsubPrefix,
    exampleVariables: options.exampleVariables,
    metricsToken: options.metricsToken,
    tracerProvider: options.tracerProvider,
    ...(store ? { webhooks: { store, signatureKey: WEBHOOK_KEY } } : {}),
    ...(bulkStore ? { bulk: { ...(options.bulk === true ? {} : options.bulk), store: bulkStore } } : {}),
    ...options.gateway,
  });
}

export function useGateway(
  options: TestGatewayOptions & {
    emulator?: EmulatorOptions;
    /** Receive the emulator's webhooks into an in-memory store, as `npm start` does in demo mode. */
    webhooks?: boolean;
  } = {},
): TestStack {
  const stack = {} as TestStack;
  beforeAll(async () => {
    stack.emulator = await createEmulator({ seed: false, ...options.emulator });
    stack.emulatorUrl = await stack.emulator.listen();
    if (options.webhooks) stack.store = new SqliteEventStore(':memory:');
    if (options.bulk) stack.bulkStore = new SqliteBulkStore(':memory:');
    stack.gateway = createTestGateway(stack.emulatorUrl, options, stack.store, stack.bulkStore);
    stack.url = await stack.gateway.listen();
    if (options.webhooks) {
      stack.emulator.ctx.webhooks.configure({ url: stack.gateway.webhooks!.notificationUrl(), signatureKey: WEBHOOK_KEY, retryBaseMs: 50 });
    }
  });
  afterAll(async () => {
    await stack.gateway?.close();
    await stack.emulator?.close();
    await stack.store?.close();
    await stack.bulkStore?.close();
  });
  stack.square = (token = SERVER_TOKEN) => new SquareClient({ token, baseUrl: stack.emulatorUrl, maxRetries: 0 });
  stack.gql = async (document, variables, { token, headers = {} } = {}) => {
    const query = typeof document === 'string' ? document : print(document);
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as GraphQLResult<any>) };
  };
  stack.calls = async () => {
    const { requests } = (await (await fetch(`${stack.emulatorUrl}/_emulator/requests`)).json()) as {
      requests: Array<{ method: string; path: string }>;
    };
    return requests.map((r) => `${r.method} ${r.path}`);
  };
  stack.clearCalls = async () => {
    await fetch(`${stack.emulatorUrl}/_emulator/requests`, { method: 'DELETE' });
  };
  return stack;
}

/** Counts calls by a readable name of the Square endpoint they hit. */
export function countCalls(calls: string[]): Record<string, number> {
  const names: Array<[RegExp, string]> = [
    [/^GET \/v2\/customers$/, 'ListCustomers'],
    [/^POST \/v2\/customers\/search$/, 'SearchCustomers'],
    [/^POST \/v2\/customers\/bulk-retrieve$/, 'BulkRetrieveCustomers'],
    [/^GET \/v2\/cards$/, 'ListCards'],
    [/^GET \/v2\/gift-cards$/, 'ListGiftCards'],
    [/^POST \/v2\/orders\/search$/, 'SearchOrders'],
    [/^POST \/v2\/orders\/batch-retrieve$/, 'BatchRetrieveOrders'],
    [/^GET \/v2\/payments\/[^/]+$/, 'GetPayment'],
    [/^GET \/v2\/locations$/, 'ListLocations'],
  ];
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const name = names.find(([re]) => re.test(call))?.[1] ?? call;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
