import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { percentile, roundTo, type Started } from './lib.js';
import { CUSTOMER_QUERY } from './storm.js';
import { clearSquareCalls, ensureCustomers, postGraphQL, sleep, squareCalls, startEmulator, startGateway, stopAll } from './stack.js';

const INSTANCES = 3;
const CLIENTS = 32;
/** The seller's limit the emulator enforces, as Square would (calls a second; a second's worth of burst). */
const SQUARE_LIMIT_PER_SECOND = 20;
/**
 * The budget an operator would give the fleet for that limit: a little under the rate,
 * so that the clocks of Redis and Square never disagree into a 429, and half of Square's
 * burst, so that the fleet's first second cannot outspend it.
 */
const BUDGET = { ratePerSecond: 19, burst: 10 };
const WARM_UP_SECONDS = 2;

/**
 * A fleet sharing one seller's budget through Redis: three gateway processes, 32 clients
 * spread over them (each asking again and again for its own customer's cards, gift cards
 * and orders), the emulator limiting the seller to 20 calls a second. Reports the share of
 * Square's answers that were 429 and the seller's achieved call rate against the limit,
 * over a window in which every client is busy; clients still waiting at its end are cut off.
 */
export async function benchFleet(seconds: number) {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) return { skipped: 'REDIS_URL is not set: a fleet shares its budget through Redis' };
  const started: Started[] = [];
  try {
    // The limit is set once the bench has arranged its customers (through PUT /_emulator/rate-limit, as EMULATOR_RATE_LIMIT
    // would), since both the emulator's demo seed and the arranging would be throttled too; every bucket starts full then.
    const emulator = await startEmulator();
    started.push(emulator);
    const customerIds = await ensureCustomers(emulator.url, CLIENTS);
    await fetch(`${emulator.url}/_emulator/rate-limit`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate_per_second: SQUARE_LIMIT_PER_SECOND }),
    });

    // A prefix of its own: the budget's Redis keys start with PUBSUB_PREFIX, so that this run shares nothing with others.
    const shared = {
      REDIS_URL: redisUrl,
      PUBSUB_PREFIX: `bench-fleet-${randomUUID().slice(0, 8)}:`,
      SQUARE_RATE_PER_SECOND: String(BUDGET.ratePerSecond),
      SQUARE_BURST: String(BUDGET.burst),
    };
    const gateways = await Promise.all(Array.from({ length: INSTANCES }, () => startGateway(emulator.url, shared)));
    started.push(...gateways);

    const stop = new AbortController();
    const latencies: number[] = [];
    const rates: number[] = [];
    let measuring = false;
    const outcomes = { complete: 0, partial: 0, failed: 0 };
    const clients = customerIds.map(async (id, i) => {
      const url = gateways[i % INSTANCES]!.url;
      while (!stop.signal.aborted) {
        try {
          const { ms, status, body } = await postGraphQL(url, CUSTOMER_QUERY, { id }, stop.signal);
          if (!measuring) continue;
          latencies.push(ms);
          const rate = (body.extensions?.cost as { throttleStatus?: { restoreRate: number } } | undefined)?.throttleStatus?.restoreRate;
          if (rate !== undefined) rates.push(rate);
          const shown = status === 200 && (body.data as { customer: unknown } | undefined)?.customer;
          outcomes[!shown ? 'failed' : body.errors ? 'partial' : 'complete']++;
        } catch (error) {
          if ((error as Error).name !== 'AbortError') throw error;
        }
      }
    });

    await sleep(WARM_UP_SECONDS * 1000);
    const warmUp429 = (await squareCalls(emulator.url)).filter((c) => c.status === 429).length;
    await clearSquareCalls(emulator.url);
    measuring = true;
    const from = performance.now();
    await sleep(seconds * 1000);
    const calls = await squareCalls(emulator.url);
    const window = (performance.now() - from) / 1000;
    measuring = false;
    stop.abort();
    await Promise.all(clients);

    const throttled = calls.filter((c) => c.status === 429).length;
    const answered = calls.length - throttled;
    latencies.sort((a, b) => a - b);
    rates.sort((a, b) => a - b);
    return {
      instances: INSTANCES,
      clients: CLIENTS,
      query: 'customer(id) { cards, giftCards, orders(first: 5) }, a different customer per client',
      emulatorLimit: `${SQUARE_LIMIT_PER_SECOND} calls/s per seller, burst ${SQUARE_LIMIT_PER_SECOND}`,
      gatewayBudget: `SQUARE_RATE_PER_SECOND=${BUDGET.ratePerSecond} SQUARE_BURST=${BUDGET.burst}, shared through Redis`,
      windowSeconds: roundTo(window),
      squareCalls: calls.length,
      squareAnswered429: throttled,
      share429Percent: roundTo((throttled / Math.max(1, calls.length)) * 100, 2),
      goalShare429Percent: 1,
      achievedCallsPerSecond: roundTo(answered / window),
      achievedVsLimit: roundTo(answered / window / SQUARE_LIMIT_PER_SECOND, 2),
      goalAchievedVsLimit: 0.9,
      squareAnswered429InWarmUp: warmUp429,
      // `extensions.cost.throttleStatus.restoreRate` of the answers: the shared rate as the fleet adapted it.
      sellerRatePerSecond: { min: rates[0] ?? 0, p50: percentile(rates, 50) },
      // The machine's load over the last minute: when the gateways' own CPU is short, they cannot spend the budget.
      loadAverage: roundTo(loadavg()[0]!),
      requests: { ...outcomes, perSecond: roundTo((outcomes.complete + outcomes.partial) / window, 1), p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    };
  } finally {
    await stopAll(started);
  }
}
