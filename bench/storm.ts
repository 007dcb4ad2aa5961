import { loadavg } from 'node:os';
import { gatewayConfig } from '../src/gateway/config.js';
import { percentile, roundTo, type Started } from './lib.js';
import { clearSquareCalls, ensureCustomers, postGraphQL, sleep, squareCalls, startEmulator, startGateway, stopAll } from './stack.js';

const CLIENTS = 16;
/**
 * The warm-up lasts until the budget's saved-up burst is spent, so that calm and storm
 * both run on the seller's steady rate; on a loaded machine the gateway's own CPU may
 * spend it slowly. At most this long.
 */
const MAX_WARM_UP_SECONDS = 30;
/** Clients give up after this, as the clients did. */
const CLIENT_TIMEOUT_MS = 30_000;
/** For calls in flight when the last client was answered to land in the emulator's log. */
const SETTLE_MS = 250;
/** Longer than the storm's Retry-After, so that a retry waiting it out would show. */
const WATCH_MS = 3_000;

/** A customer's cards, gift cards and orders: four Square calls when nothing is cached. */
export const CUSTOMER_QUERY = /* GraphQL */ `
  query StormCustomer($id: ID!) {
    customer(id: $id) {
      id
      givenName
      cards { last4 cardBrand }
      giftCards { gan balanceMoney { amount } }
      orders(first: 5) { edges { node { id totalMoney { amount } } } }
    }
  }
`;

type Outcome = 'complete' | 'partialRateLimited' | 'failed' | 'abandoned';

interface Phase {
  seconds: number;
  /** `extensions.cost.throttleStatus.restoreRate` of the answers: the seller's rate as the gateway adapted it. */
  sellerRatePerSecond: { min: number; p50: number };
  answeredPerSecond: number;
  outcomes: Record<Outcome, number>;
  /** extensions.code of the errors of failed answers. */
  failedCodes: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}

async function ask(url: string, id: string): Promise<{ ms: number; outcome: Outcome; codes: string[]; sellerRate?: number }> {
  const started = performance.now();
  try {
    const { status, body } = await postGraphQL(url, CUSTOMER_QUERY, { id }, AbortSignal.timeout(CLIENT_TIMEOUT_MS));
    const codes = (body.errors ?? []).map((e) => e.extensions?.code ?? 'NONE');
    const shown = status === 200 && (body.data as { customer: unknown } | undefined)?.customer;
    const outcome: Outcome = !shown ? 'failed' : codes.length === 0 ? 'complete' : codes.every((c) => c === 'RATE_LIMITED') ? 'partialRateLimited' : 'failed';
    const sellerRate = (body.extensions?.cost as { throttleStatus?: { restoreRate: number } } | undefined)?.throttleStatus?.restoreRate;
    return { ms: performance.now() - started, outcome, codes, sellerRate };
  } catch (error) {
    if ((error as Error).name !== 'TimeoutError') throw error;
    return { ms: performance.now() - started, outcome: 'abandoned', codes: [] };
  }
}

/** Each client asks for its own customer, again as soon as answered, until `seconds` have passed; the phase ends when the last is answered. */
async function phase(url: string, customerIds: string[], seconds: number): Promise<Phase> {
  const outcomes: Record<Outcome, number> = { complete: 0, partialRateLimited: 0, failed: 0, abandoned: 0 };
  const failedCodes: Record<string, number> = {};
  const latencies: number[] = [];
  const rates: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    customerIds.map(async (id) => {
      while (performance.now() < end) {
        const { ms, outcome, codes, sellerRate } = await ask(url, id);
        latencies.push(ms);
        if (sellerRate !== undefined) rates.push(sellerRate);
        outcomes[outcome]++;
        if (outcome === 'failed') for (const code of codes) failedCodes[code] = (failedCodes[code] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  rates.sort((a, b) => a - b);
  return {
    seconds: roundTo(elapsed),
    sellerRatePerSecond: { min: rates[0] ?? 0, p50: percentile(rates, 50) },
    answeredPerSecond: roundTo((outcomes.complete + outcomes.partialRateLimited) / elapsed),
    outcomes,
    failedCodes,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
  };
}

/** Clients ask, a second at a time, until the seller's calls have caught up with the budget's burst and rate since the first. */
async function spendBurst(url: string, emulatorUrl: string, customerIds: string[], settings: { squareBurst: number; squareRatePerSecond: number }) {
  await clearSquareCalls(emulatorUrl);
  const started = performance.now();
  for (;;) {
    await phase(url, customerIds, 1);
    const seconds = (performance.now() - started) / 1000;
    const calls = (await squareCalls(emulatorUrl)).length;
    const burstSpent = calls >= settings.squareBurst + settings.squareRatePerSecond * seconds;
    if (burstSpent || seconds > MAX_WARM_UP_SECONDS) return { seconds: roundTo(seconds), squareCalls: calls, burstSpent };
  }
}

/**
 * A 429 storm: 16 clients, each asking again and again for a different customer's cards,
 * gift cards and orders, first with a calm Square, then with half of Square's answers 429
 * with Retry-After 1. Reports answers a second (complete, or partial with RATE_LIMITED on
 * the refused fields) against the calm rate, p99 against the request deadline, and the
 * Square calls made after every client had its answer. Clients keep asking in the storm for
 * longer than one request deadline, so that its rate is not one round of answers. The gateway runs with its default
 * settings and no cross-request cache, so that every request asks Square.
 */
export async function benchStorm(seconds: number) {
  let emulator: Started | undefined;
  let gateway: Started | undefined;
  try {
    emulator = await startEmulator();
    const customerIds = await ensureCustomers(emulator.url, CLIENTS);
    gateway = await startGateway(emulator.url);
    const url = gateway.url;
    const defaults = gatewayConfig({});

    const warmUp = await spendBurst(url, emulator.url, customerIds, defaults);
    await clearSquareCalls(emulator.url);
    const calm = await phase(url, customerIds, seconds);
    const calmCalls = (await squareCalls(emulator.url)).length;

    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/v2/**', status: 429, retry_after_seconds: 1, probability: 0.5 }),
    });
    await clearSquareCalls(emulator.url);
    // Each client starts a second request even when its first runs to the deadline.
    const stormSeconds = Math.max(seconds, defaults.requestDeadlineMs / 1000 + 1);
    const storm = await phase(url, customerIds, stormSeconds);
    const duringStorm = await squareCalls(emulator.url);
    await sleep(SETTLE_MS);
    const inSettle = (await squareCalls(emulator.url)).length - duringStorm.length;
    await clearSquareCalls(emulator.url);
    await sleep(WATCH_MS);
    const afterSettle = (await squareCalls(emulator.url)).length;
    await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });

    return {
      clients: CLIENTS,
      query: 'customer(id) { cards, giftCards, orders(first: 5) }, a different customer per client',
      warmUp,
      gatewaySettings: {
        squareRatePerSecond: defaults.squareRatePerSecond,
        squareBurst: defaults.squareBurst,
        requestDeadlineMs: defaults.requestDeadlineMs,
        squareMaxRetries: defaults.squareMaxRetries,
        crossRequestCache: 'off (CACHE_TTL_MS=0)',
      },
      calm: { ...calm, squareCalls: calmCalls },
      storm: {
        ...storm,
        squareCalls: duringStorm.length,
        squareAnswered429: duringStorm.filter((c) => c.status === 429).length,
      },
      stormVsCalm: roundTo(storm.answeredPerSecond / calm.answeredPerSecond, 2),
      // The machine's load over the last minute: when the gateway's own CPU is short, the calm rate falls below the budget's.
      loadAverage: roundTo(loadavg()[0]!),
      goalStormVsCalm: 0.5,
      p99VsDeadline: roundTo(storm.p99 / defaults.requestDeadlineMs, 2),
      squareCallsAfterAllAnswered: { withinSettleMs: SETTLE_MS, inSettle, [`next${WATCH_MS}Ms`]: afterSettle, goal: 0 },
    };
  } finally {
    await stopAll([emulator, gateway]);
  }
}
