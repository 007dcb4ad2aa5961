import { getIntrospectionQuery } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../../src/gateway/example-query.js';
import { QUERY_LIMITS } from '../../src/schema/query-cost.js';
import { useGateway } from '../support/gateway.js';
import { arrangeMerchant, type ArrangedMerchant } from '../support/merchant.js';

const stack = useGateway();
let merchant: ArrangedMerchant;

beforeAll(async () => {
  merchant = await arrangeMerchant(stack.square(), { customers: 3, ordersPerCustomer: 1 });
});

/** Runs `query` and returns its first error, checking that nothing was answered and no Square call made. */
async function refused(query: string) {
  await stack.clearCalls();
  const result = await stack.gql(query);
  // Refused while validating, there is no data; refused by cost, each root field is null with the error.
  expect(Object.values(result.data ?? {}).every((value) => value === null)).toBe(true);
  expect(result.errors?.length).toBeGreaterThan(0);
  expect(await stack.calls()).toEqual([]);
  return result.errors![0]!;
}

describe('what one operation may ask for', () => {
  it('runs the GraphiQL example, a page of 50 customers with everything nested, and introspection', async () => {
    for (const [query, variables] of [
      [EXAMPLE_QUERY, { customerId: merchant.customers[0]!.id }],
      [`{ customers(first: 50) { edges { node { id cards { id last4 } giftCards { gan balanceMoney { formatted } }
         orders(first: 5) { edges { node { id totalMoney { formatted } payments { id status cardDetails { card { last4 } } } } } } } } } }`],
      [getIntrospectionQuery()],
    ] as const) {
      const result = await stack.gql(query, variables);
      expect(result.errors).toBeUndefined();
    }
  });

  it('refuses a query whose pages multiply past the cost limit, before any Square call, and says by how much', async () => {
    const error = await refused(
      `{ customers(first: 100) { edges { node { orders(first: 100) { edges { node { payments { refunds { id } } } } } } } } }`,
    );
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'complexity', limit: QUERY_LIMITS.complexity });
    expect(error.extensions!.value).toBeGreaterThan(1_000_000);
    expect(error.message).toMatch(/costs \d+; the gateway allows at most 100000/);
  });

  it('counts aliases as the selections they are', async () => {
    const page = `customers(first: 100) { edges { node { orders(first: 100) { edges { node { id } } } } } }`;
    const error = await refused(`{ ${Array.from({ length: 10 }, (_, i) => `c${i}: ${page}`).join(' ')} }`);
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'complexity' });
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
