import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { MAX_VARIABLE_VALUES } from '../../src/gateway/input-errors.js';
import { MAX_REPEATED_FIELDS } from '../../src/gateway/repeated-fields.js';
import { graphql } from '../gql/index.js';
import { fanOut } from '../support/hostile-documents.js';
import { useGateway, type GraphQLResult } from '../support/gateway.js';

// Any key will do: what is refused here is refused before anything it may read.
const reader = generateKey('reader', ['CUSTOMERS_READ', 'ORDERS_READ', 'PAYMENTS_READ']);
const stack = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [reader.entry] }), 'test keys') });

async function post(body: string): Promise<GraphQLResult<unknown>> {
  const response = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': reader.key }, body });
  return (await response.json()) as GraphQLResult<unknown>;
}

/*
 * How fast a refusal comes is not asserted here: that depends on the machine (`npm run bench -- hostile-documents` measures it).
 * What is asserted is what makes it fast on any machine: each document is refused by the check that
 * counts without expanding, before validation; walking every expansion took seconds at 20 levels and
 * hours at 30, and a gateway that did so would answer none of these within the test's timeout.
 */

/** What an operation selecting one field too often in one place gets. */
const repeatedRefusal = (name: string) => ({
  message: `This operation selects "${name}" more than ${MAX_REPEATED_FIELDS} times in one place (its fragments included); the gateway allows at most ${MAX_REPEATED_FIELDS}. Select it once.`,
  extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'repeatedFields', limit: MAX_REPEATED_FIELDS },
});

/**
 * Sends `heavy`, and `{ __typename }` beside it, five times, each a document not seen before
 * (the gateway keeps parsed documents): what each answered.
 */
async function besideTypename(heavy: (attempt: number) => unknown) {
  const attempts = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const [heavyResult, light] = await Promise.all([post(JSON.stringify(heavy(attempt))), post(JSON.stringify({ query: '{ __typename }' }))]);
    attempts.push({ heavyResult, light });
  }
  return { light: attempts[0]!.light, heavyErrors: attempts.map((a) => a.heavyResult.errors) };
}

describe('documents whose fragments spread each other twice (2^levels selections from a few KB; test/schema/query-cost.test.ts measures such a tree)', () => {
  for (const levels of [30, 40]) {
    it(`refuses ${levels} levels without expanding them, while { __typename } beside it is answered`, async () => {
      const { heavyErrors, light } = await besideTypename((attempt) => ({
        query: `# attempt ${attempt}\nquery { ...F0 }\n${fanOut(levels, 'Query', 'customers(first: 1) { edges { node { id } } }')}`,
      }));
      // Each level doubles the copies of `customers` in the operation's selection set, so the count of repeats refuses it first.
      for (const errors of heavyErrors) expect(errors).toEqual([repeatedRefusal('customers')]);
      expect(light).toEqual({ data: { __typename: 'Query' }, extensions: expect.anything() });
    });
  }

  it('refuses the same under a tender’s payment (what a tender holds is checked before anything runs)', async () => {
    const { heavyErrors } = await besideTypename((attempt) => ({
      query: `# attempt ${attempt}\n{ orders(first: 1) { edges { node { tenders { payment { ...F0 } } } } } }\n${fanOut(30, 'Payment', 'id')}`,
    }));
    for (const errors of heavyErrors) expect(errors).toEqual([repeatedRefusal('id')]);
  });
});

describe('variables too large to coerce', () => {
  const createCustomer = print(graphql(`mutation WalksCreateCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename } }`));

  it('refuses 60,000 unknown input fields (900 KB) by their number, before coercing any', async () => {
    const input: Record<string, string> = { idempotencyKey: 'k', givenName: 'Ada' };
    for (let i = 0; i < 60_000; i++) input[`fld${i}`] = 'x';
    const { heavyErrors } = await besideTypename(() => ({ query: createCustomer, variables: { input } }));
    for (const errors of heavyErrors) {
      expect(errors).toEqual([
        {
          message: `The variables hold more than ${MAX_VARIABLE_VALUES} values; the gateway takes at most ${MAX_VARIABLE_VALUES} in one request. Split it.`,
          extensions: { code: 'BAD_USER_INPUT', limit: MAX_VARIABLE_VALUES },
        },
      ]);
    }
  });

  it('reports at most 50 errors about variables within the limit, and says the rest were not checked', async () => {
    const input: Record<string, string> = { idempotencyKey: 'k' };
    for (let i = 0; i < MAX_VARIABLE_VALUES - 10; i++) input[`unknownField${i}`] = 'x';
    const { errors } = await post(JSON.stringify({ query: createCustomer, variables: { input } }));
    expect(errors).toHaveLength(51);
    expect(errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Variable "\$input" got an invalid value/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(errors?.[50]).toMatchObject({
      message: 'The variables have more than 50 errors; the rest were not checked.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('one field repeated in one selection set (validation compares them pairwise)', () => {
  it('refuses 500 repeats of a field, written out or through fragments, before validation, while { __typename } beside it is answered', async () => {
    const { heavyErrors } = await besideTypename((attempt) => ({
      query: attempt % 2 === 0
        ? `# attempt ${attempt}\n{ ${'customer(id: "a") { id } '.repeat(500)} }`
        : `# attempt ${attempt}\n{ customers(first: 1) { edges { node { ${Array.from({ length: 500 }, (_, i) => `...C${i}`).join(' ')} } } } }\n` +
          Array.from({ length: 500 }, (_, i) => `fragment C${i} on Customer { id }`).join('\n'),
    }));
    expect(heavyErrors).toEqual([0, 1, 2, 3, 4].map((attempt) => [repeatedRefusal(attempt % 2 === 0 ? 'customer' : 'id')]));
  });

  it('counts a fragment spread in twice twice, and runs documents within the bound as before', async () => {
    const field = 'customer(id: "nobody") { id } ';
    const twice = await post(JSON.stringify({ query: `{ ...C ...C ${field.repeat(49)} } fragment C on Query { ${field} }` }));
    expect(twice.errors).toEqual([repeatedRefusal('customer')]);
    const within = await post(JSON.stringify({ query: `{ ...C ...C ${field.repeat(48)} } fragment C on Query { ${field} }` }));
    expect(within).toEqual({ data: { customer: null }, extensions: expect.anything() });
  });

  it('still tells fields that cannot be merged apart, once', async () => {
    const { errors } = await post(JSON.stringify({ query: '{ customer(id: "a") { id } customer(id: "b") { id } }' }));
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('Fields "customer" conflict because they have differing arguments'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
  });
});
