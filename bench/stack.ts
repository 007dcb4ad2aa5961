import { SquareClient } from 'square';
import { arrangeMerchant } from '../test/support/merchant.js';
import { gatewayNodeFlags } from '../scripts/node-flags.js';
import { startProcess, type Elsewhere, type Started } from './lib.js';

/** The seeded demo seller, with as many arranged customers on top as a benchmark needs. */
export const DEMO_TOKEN = 'EMULATOR-DEMO-TOKEN';
/** Passthrough: the benchmark is a seller calling with its own token, as a partner integration would. */
export const AUTH_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${DEMO_TOKEN}` };

export function startEmulator(env: Record<string, string> = {}): Promise<Started> {
  return startProcess('src/emulator/main.ts', { EMULATOR_PORT: '0', ...env }, /listening on (http:\/\/\S+)/);
}

/**
 * A gateway process in passthrough mode in front of `emulatorUrl`. Everything a benchmark
 * measures cold is kept to the process: no Redis or PostgreSQL from the bench's own
 * environment (empty wins over it) and no cross-request cache (`CACHE_TTL_MS=0`, ignored
 * by a gateway without one) unless `env` says otherwise. Elsewhere when `at` says: another
 * checkout of the project (e.g. an older commit), or another Node, to compare against.
 */
export function startGateway(emulatorUrl: string, env: Record<string, string> = {}, at?: Elsewhere): Promise<Started> {
  return startProcess(
    'src/main.ts',
    {
      PORT: '0',
      SQUARE_BASE_URL: emulatorUrl,
      GATEWAY_AUTH: 'passthrough',
      DATABASE_URL: '',
      REDIS_URL: '',
      CACHE_TTL_MS: '0',
      ...env,
    },
    /GraphQL gateway:\s+(http:\/\/\S+)/,
    gatewayNodeFlags(at?.cwd),
    at,
  );
}

/** Makes sure the demo seller has at least `count` customers, arranged as bench/gateway-read.ts does (the plan's figures come from it). */
export async function ensureCustomers(emulatorUrl: string, count: number): Promise<string[]> {
  const square = new SquareClient({ token: DEMO_TOKEN, baseUrl: emulatorUrl });
  const existing = (await square.customers.list({ limit: 100 })).data.length;
  if (existing < count) await arrangeMerchant(square, { customers: count - existing, ordersPerCustomer: 3, giftCardsEvery: 2 });
  return (await square.customers.list({ limit: 100 })).data.slice(0, count).map((c) => c.id!);
}

export interface SquareCall {
  method: string;
  path: string;
  status: number;
  at: string;
}

/** The Square API calls the emulator has answered since the last `clearSquareCalls`. */
export async function squareCalls(emulatorUrl: string): Promise<SquareCall[]> {
  return ((await (await fetch(`${emulatorUrl}/_emulator/requests`)).json()) as { requests: SquareCall[] }).requests;
}

export async function clearSquareCalls(emulatorUrl: string): Promise<void> {
  await fetch(`${emulatorUrl}/_emulator/requests`, { method: 'DELETE' });
}

/** Calls of a kind (`GET /v2/cards`, …) in `calls`, by the method and path that identify it. */
export function countCalls(calls: SquareCall[], kinds: Record<string, RegExp>): Record<string, number> {
  return Object.fromEntries(Object.entries(kinds).map(([name, re]) => [name, calls.filter((c) => re.test(`${c.method} ${c.path}`)).length]));
}

/** The read operations of the nested query, as the emulator logs them. */
export const READ_CALLS = {
  listLocations: /^GET \/v2\/locations$/,
  listCustomers: /^GET \/v2\/customers$/,
  retrieveCustomer: /^GET \/v2\/customers\/[^/]+$/,
  listCards: /^GET \/v2\/cards$/,
  listGiftCards: /^GET \/v2\/gift-cards$/,
  searchOrders: /^POST \/v2\/orders\/search$/,
  getPayment: /^GET \/v2\/payments\/[^/]+$/,
};

export interface GraphQLBody {
  data?: unknown;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string } }>;
  /** `cost.actualQueryCost`: the Square calls the gateway says it made, where it reports them. */
  extensions?: { cost?: { actualQueryCost?: number } };
}

/** One GraphQL request; its wall time and answer. */
export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<{ ms: number; status: number; body: GraphQLBody }> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: AUTH_HEADERS, body: JSON.stringify({ query, variables }), signal });
  const body = (await response.json()) as GraphQLBody;
  return { ms: performance.now() - started, status: response.status, body };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops what a benchmark started, last first, whether or not it got far. */
export async function stopAll(started: Array<Started | undefined>): Promise<void> {
  for (const process of started.reverse()) if (process && process.child.exitCode === null) await process.stop();
}
