import { randomUUID } from 'node:crypto';
import { SquareClient } from 'square';
import { arrangeStorefront } from '../test/support/catalog.js';
import { percentile, roundTo } from './lib.js';
import { LATENCY_MS, webhookStack } from './webhook-stack.js';

const TOKEN = 'bench-storefront-token';
const ITEMS = 50;

const QUERY = /* GraphQL */ `
  query Storefront($locationId: ID!) {
    catalogItems(first: ${ITEMS}) {
      edges {
        node {
          id
          name
          category { name }
          images { url }
          modifierLists { name modifiers { name price { amount } } }
          variations { name price { amount currency } inventory(locationId: $locationId) { state quantity } }
        }
      }
    }
  }
`;

const customerPage = (loyalty: boolean) => /* GraphQL */ `
  query CustomerPage($id: ID!) {
    customer(id: $id) {
      id
      givenName
      cards { last4 cardBrand }
      orders(first: 5) { edges { node { id totalMoney { amount } } } }
      ${loyalty ? 'loyaltyAccount { balance lifetimePoints }' : ''}
    }
  }
`;

/** The seller's loyalty program (set up in the Seller Dashboard on Square, so through the emulator's control API here). */
async function arrangeProgram(emulatorUrl: string): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/loyalty/program`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      accrual_rules: [{ accrual_type: 'SPEND', points: 1, spend_data: { amount_money: { amount: 100, currency: 'USD' }, tax_mode: 'BEFORE_TAX' } }],
      reward_tiers: [{ name: 'Free coffee', points: 10, pricing_rule_reference: { object_id: 'PR-COFFEE' } }],
    }),
  });
  if (!response.ok) throw new Error(`loyalty program refused: ${response.status} ${await response.text()}`);
}

/** A loyalty member with a few points: a customer, and an account enrolled with the customer's phone number. */
async function member(square: SquareClient, locationId: string, phone: string): Promise<string> {
  const { customer } = await square.customers.create({ idempotencyKey: randomUUID(), givenName: 'Member', phoneNumber: phone });
  const program = (await square.loyalty.programs.get({ programId: 'main' })).program!;
  const { loyaltyAccount } = await square.loyalty.accounts.create({ idempotencyKey: randomUUID(), loyaltyAccount: { programId: program.id!, mapping: { phoneNumber: phone } } });
  await square.loyalty.accounts.accumulatePoints({ accountId: loyaltyAccount!.id!, idempotencyKey: randomUUID(), locationId, accumulatePoints: { points: 7 } });
  return customer!.id!;
}

/**
 * A storefront page: 50 catalog items with their variations, prices, category, images,
 * modifier lists and stock at one location, behind a 20 ms emulator, the cache on and
 * webhooks applied. Square calls and latency cold (after a start; the seller's one
 * ListLocations apart) and warm (`repeats` times within the TTL). Then a customer page
 * (profile, cards, orders) cold, for two members alike, one without and one with its
 * loyalty balance: the Square calls the balance adds.
 */
export async function benchStorefront(repeats: number) {
  const stack = await webhookStack({ seed: false, token: TOKEN });
  const { emulatorUrl, url } = stack;
  try {
    const square = new SquareClient({ token: TOKEN, baseUrl: emulatorUrl });
    const locationId = (await square.locations.list()).locations![0]!.id!;
    await arrangeStorefront(square, locationId, ITEMS);
    stack.deliverWebhooks();
    const squareCalls = async () => {
      const { requests } = (await (await fetch(`${emulatorUrl}/_emulator/requests`)).json()) as { requests: Array<{ method: string; path: string }> };
      await fetch(`${emulatorUrl}/_emulator/requests`, { method: 'DELETE' });
      return requests.map((r) => `${r.method} ${r.path}`);
    };
    const post = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
    };
    const run = async () => {
      const started = performance.now();
      const body = (await post(QUERY, { locationId })) as { data?: { catalogItems: { edges: unknown[] } }; errors?: unknown };
      if (body.errors || body.data?.catalogItems.edges.length !== ITEMS) throw new Error(`storefront failed: ${JSON.stringify(body).slice(0, 500)}`);
      return performance.now() - started;
    };
    await squareCalls();
    const coldMs = await run();
    const cold = (await squareCalls()).filter((c) => c !== 'GET /v2/locations');
    const warm: number[] = [];
    let warmCalls = 0;
    for (let i = 0; i < repeats; i++) {
      warm.push(await run());
      warmCalls += (await squareCalls()).length;
    }
    warm.sort((a, b) => a - b);

    await arrangeProgram(emulatorUrl);
    const [plain, withLoyalty] = [await member(square, locationId, '+14155550101'), await member(square, locationId, '+14155550102')];
    const customerPageCalls = async (id: string, loyalty: boolean) => {
      await squareCalls();
      const body = await post(customerPage(loyalty), { id });
      const customer = body.data?.customer as { loyaltyAccount?: { balance: number } | null } | undefined;
      if (body.errors || !customer || (loyalty && customer.loyaltyAccount?.balance !== 7)) throw new Error(`customer page failed: ${JSON.stringify(body).slice(0, 500)}`);
      return (await squareCalls()).filter((c) => c !== 'GET /v2/locations');
    };
    const withoutCalls = await customerPageCalls(plain, false);
    const withCalls = await customerPageCalls(withLoyalty, true);
    return {
      items: ITEMS,
      squareLatencyMs: LATENCY_MS,
      cold: { squareCalls: cold.length, calls: cold, ms: roundTo(coldMs) },
      warm: { repeats, squareCallsPerRun: warmCalls / repeats, p50Ms: percentile(warm, 50), p99Ms: percentile(warm, 99) },
      customerPageCold: {
        withoutLoyalty: { squareCalls: withoutCalls.length, calls: withoutCalls },
        withLoyalty: { squareCalls: withCalls.length, calls: withCalls },
        extraSquareCalls: withCalls.length - withoutCalls.length,
      },
    };
  } finally {
    await stack.close();
  }
}
