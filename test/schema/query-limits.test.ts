import { getIntrospectionQuery, isObjectType, print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../../src/gateway/example-query.js';
import { globalId } from '../../src/schema/ids.js';
import { schema } from '../../src/schema/index.js';
import { MAX_NODE_IDS, QUERY_LIMITS, SQUARE_CALL_COST } from '../../src/schema/query-cost.js';
import { NodeLookupDocument, NodesInFragmentDocument, NodesTwiceDocument, PaymentsWithRefundsByIdsDocument } from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import { countCalls, useGateway } from '../support/gateway.js';
import { arrangeMerchant, type ArrangedMerchant } from '../support/merchant.js';

const stack = useGateway();
let merchant: ArrangedMerchant;

beforeAll(async () => {
  merchant = await arrangeMerchant(stack.square(), { customers: 3, ordersPerCustomer: 1 });
});

/** Runs `query` and returns its first error, checking that nothing was answered and no Square call made. */
async function refused(query: Parameters<typeof stack.gql>[0], variables?: Record<string, unknown>) {
  await stack.clearCalls();
  const result = await stack.gql(query, variables);
  // Refused while validating or measuring, there is no data; refused by a root field (too many ids), it is null with the error.
  expect(Object.values(result.data ?? {}).every((value) => value === null)).toBe(true);
  expect(result.errors?.length).toBeGreaterThan(0);
  expect(await stack.calls()).toEqual([]);
  return result.errors![0]!;
}

describe('what one operation may ask for', () => {
  it('runs the GraphiQL example, a page of 50 customers with everything nested, and introspection', async () => {
    for (const [query, variables] of [
      [EXAMPLE_QUERY, { customerId: merchant.customers[0]!.id }],
      [print(graphql(`query LimitsFullPage { customers(first: 50) { edges { node { id cards { id last4 } giftCards { gan balanceMoney { formatted } }
         orders(first: 5) { edges { node { id totalMoney { formatted } payments { id status cardDetails { card { last4 } } } } } } } } } }`))],
      // An order's payments are its tenders, counted at two: 20 customers' 50 orders with their payments run.
      [print(graphql(`query LimitsOrdersPayments { customers(first: 20) { edges { node { id cards { id last4 } giftCards { gan balanceMoney { formatted } }
         orders(first: 50) { edges { node { id totalMoney { formatted } payments { id status createdAt cardDetails { card { last4 } } } } } } } } } }`))],
      [getIntrospectionQuery()],
    ] as const) {
      const result = await stack.gql(query, variables);
      expect(result.errors).toBeUndefined();
    }
  });

  it('refuses a query whose pages multiply past the cost limit, before any Square call, and says by how much', async () => {
    const error = await refused(
      graphql(`query LimitsPagesMultiplied { customers(first: 100) { edges { node { orders(first: 100) { edges { node { payments { refunds { id } } } } } } } } }`),
    );
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'complexity', limit: QUERY_LIMITS.complexity });
    expect(error.extensions!.value).toBeGreaterThan(1_000_000);
    expect(error.message).toMatch(new RegExp(`costs \\d+; the gateway allows at most ${QUERY_LIMITS.complexity}\\.`));
  });

  it('refuses 100 customers’ 100 orders’ payments, counted at two an order', async () => {
    const error = await refused(graphql(`query LimitsOrdersPaymentsMultiplied { customers(first: 100) { edges { node { orders(first: 100) { edges { node { payments { id } } } } } } } }`));
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'complexity' });
    expect(error.extensions!.value).toBeGreaterThan(1_000_000);
  });

  it('counts aliases as the selections they are', async () => {
    const page = `customers(first: 100) { edges { node { orders(first: 100) { edges { node { id } } } } } }`;
    const error = await refused(`{ ${Array.from({ length: 10 }, (_, i) => `c${i}: ${page}`).join(' ')} }`);
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'complexity' });
  });

  it('counts the Square calls of every field below the root that makes its own, as the README’s call plan says', () => {
    const declared = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) => Object.values(type.getFields()).flatMap((field) => (field.extensions.squareCalls ? [`${type.name}.${field.name}:${String(field.extensions.squareCalls)}`] : [])));
    expect(declared.sort()).toEqual(
      [
        'Customer.cards:once',
        'Customer.customAttributes:once',
        'Customer.giftCards:once',
        'Customer.loyaltyAccount:once',
        'Customer.orders:once',
        'Customer.payments:perItem',
        'CustomerGroup.customers:once',
        'CustomerSegment.customers:once',
        'GiftCard.activities:once',
        'GiftCardActivity.payment:once',
        'LoyaltyAccount.events:once',
        'Order.payments:perItem',
        'Order.refunds:perItem',
        'Payment.refunds:perItem',
        'Refund.payment:once',
        'Tender.payment:once',
      ].sort(),
    );
  });

  it('refuses nesting deeper than the depth limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 5; i++) selection = `orders(first: 1) { edges { node { customer { ${selection} } } } }`;
    const error = await refused(`{ customers(first: 1) { edges { node { ${selection} } } } }`);
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'depth', limit: QUERY_LIMITS.depth });
  });

  it('refuses floods of aliases and of tokens while parsing', async () => {
    const aliases = await refused(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: locations { id }`).join(' ')} }`);
    expect(aliases).toMatchObject({ message: 'Aliases limit of 30 exceeded, found 31.', extensions: { code: 'QUERY_TOO_COMPLEX' } });
    const tokens = await refused(`{ locations { ${Array.from({ length: 5_001 }, () => 'id').join(' ')} } }`);
    expect(tokens).toMatchObject({ message: 'Syntax Error: Token limit of 5000 exceeded.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });
});

describe('what nodes may ask Square for', () => {
  /** Well-formed ids of payments the seller does not have: each would be a GetPayment. */
  const paymentIds = (count: number) => Array.from({ length: count }, (_, i) => globalId('Payment', `nopayment${i}`));
  const literal = (ids: string[]) => `[${ids.map((id) => JSON.stringify(id)).join(' ')}]`;

  it('takes 100 ids, each one GetPayment', async () => {
    await stack.clearCalls();
    const result = await stack.gql(NodeLookupDocument, { ids: paymentIds(MAX_NODE_IDS) });
    expect(result.errors).toBeUndefined();
    expect(result.data!.nodes).toEqual(Array(MAX_NODE_IDS).fill(null));
    expect(countCalls(await stack.calls())).toEqual({ GetPayment: MAX_NODE_IDS });
  });

  it('refuses more than 100 ids — as a variable, aliased, in a fragment or literal — before any Square call', async () => {
    const ids = paymentIds(5_000);
    for (const [document, variables] of [
      [NodeLookupDocument, { ids }],
      [NodesTwiceDocument, { ids }],
      [NodesInFragmentDocument, { ids }],
      [`{ nodes(ids: ${literal(paymentIds(MAX_NODE_IDS + 1))}) { id } }`, undefined],
    ] as const) {
      const error = await refused(document, variables);
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'ids', limit: MAX_NODE_IDS });
      expect(error.message).toMatch(/^nodes takes at most 100 ids; this operation passes (5000|101)\. Split them over several requests\.$/);
    }
  });

  it('counts each id as the Square call it is, and what each payment’s refunds cost, in variables and literals alike', async () => {
    const ids = paymentIds(MAX_NODE_IDS);
    // Four nodes of 100 payments with their refunds: 400 GetPayment and up to 4,000 GetPaymentRefund.
    const perPayment = 1 + SQUARE_CALL_COST * 10 + 10;
    const cost = 4 * (1 + SQUARE_CALL_COST * MAX_NODE_IDS + MAX_NODE_IDS * perPayment);
    const nodes = `nodes(ids: ${literal(ids)}) { ... on Payment { refunds { id } } }`;
    for (const [document, variables] of [
      [PaymentsWithRefundsByIdsDocument, { ids }],
      [`{ a: ${nodes} b: ${nodes} c: ${nodes} d: ${nodes} }`, undefined],
    ] as const) {
      const error = await refused(document, variables);
      expect(error.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', measure: 'complexity', value: cost, limit: QUERY_LIMITS.complexity });
    }
  });
});
