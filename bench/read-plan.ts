import { roundTo, type Started } from './lib.js';
import { clearSquareCalls, countCalls, ensureCustomers, postGraphQL, READ_CALLS, squareCalls, startEmulator, startGateway, stopAll } from './stack.js';

/** Payment fields only GetPayment has (receiptUrl), so every payment costs a call under any plan. */
export const FULL_PAYMENT = 'id status totalMoney { amount } receiptUrl';
/** Payment fields an order's tender already holds (issue 11): a plan may answer them without GetPayment. */
const TENDER_PAYMENT = 'id squareId amountMoney { amount currency } status cardDetails { card { cardBrand last4 } }';

export const nestedQuery = (customers: number, paymentFields: string) => /* GraphQL */ `
  query ReadPlan {
    customers(first: ${customers}) {
      edges {
        node {
          id
          givenName
          cards { last4 cardBrand }
          giftCards { gan balanceMoney { amount } }
          orders(first: 5) { edges { node { id totalMoney { amount } payments { ${paymentFields} } } } }
        }
      }
    }
  }
`;

/** Issue 11's goals: today's plan for the full query, tender planning's for tender-held fields only. */
const GOALS = { full: { 20: 81, 50: 224 }, tenderOnly: { 20: 45, 50: 110 } } as const;

export interface NestedAnswer {
  customers: { edges: Array<{ node: { orders: { edges: Array<{ node: { payments: unknown[] } }> } } }> };
}

/** Customers and payments an answer to `nestedQuery` shows. */
export function shownBy(answer: NestedAnswer) {
  const edges = answer.customers.edges;
  return { customers: edges.length, payments: edges.reduce((n, e) => n + e.node.orders.edges.reduce((m, o) => m + o.node.payments.length, 0), 0) };
}

/**
 * One cold query on a gateway of its own: its locations are read first (the per-token
 * location list every plan reuses across requests), then the query is the first to touch
 * customers, cards, gift cards, orders and payments.
 */
async function coldCalls(emulatorUrl: string, customers: number, paymentFields: string) {
  const gateway = await startGateway(emulatorUrl, { SQUARE_RATE_PER_SECOND: '1000000', SQUARE_BURST: '1000000' });
  try {
    await postGraphQL(gateway.url, '{ locations { id } }');
    await clearSquareCalls(emulatorUrl);
    const { body } = await postGraphQL(gateway.url, nestedQuery(customers, paymentFields));
    if (body.errors) throw new Error(`query failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
    const calls = await squareCalls(emulatorUrl);
    const shown = shownBy(body.data as NestedAnswer);
    return {
      calls: calls.length,
      byOperation: countCalls(calls, READ_CALLS),
      reportedActualQueryCost: body.extensions?.cost?.actualQueryCost ?? 'not reported',
      customers: shown.customers,
      paymentsShown: shown.payments,
    };
  } finally {
    await gateway.stop();
  }
}

/**
 * Square calls of one cold nested query (customers with cards, gift cards, five orders
 * and their payments), for 20 and 50 customers: once selecting a payment field only
 * GetPayment has, once selecting only fields an order's tender holds. Each measurement
 * is a fresh gateway process, so that no cache of any kind answers for Square.
 */
export async function benchReadPlan() {
  let emulator: Started | undefined;
  try {
    emulator = await startEmulator();
    await ensureCustomers(emulator.url, 50);
    const results: Record<string, unknown> = {};
    for (const customers of [20, 50] as const) {
      const full = await coldCalls(emulator.url, customers, FULL_PAYMENT);
      const tenderOnly = await coldCalls(emulator.url, customers, TENDER_PAYMENT);
      // Today's plan: ListCustomers, per customer ListCards and ListGiftCards, SearchOrders per 10 customers, GetPayment per payment.
      const perRequestPlan = 1 + customers * 2 + Math.ceil(customers / 10) + full.paymentsShown;
      results[`customers${customers}`] = {
        fullPayment: { ...full, goal: GOALS.full[customers], perRequestPlanForThisData: perRequestPlan },
        tenderHeldPaymentFieldsOnly: { ...tenderOnly, goal: GOALS.tenderOnly[customers], savedVsFull: roundTo(1 - tenderOnly.calls / full.calls, 2) },
      };
    }
    return {
      query: 'customers(first: N) { cards, giftCards, orders(first: 5) { payments } } — cold, a fresh gateway per figure',
      fullPaymentFields: FULL_PAYMENT,
      tenderHeldPaymentFields: TENDER_PAYMENT,
      ...results,
    };
  } finally {
    await stopAll([emulator]);
  }
}
