import { beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey, type Scope } from '../../src/gateway/api-keys.js';
import { useGateway } from '../support/gateway.js';
import { key, usd } from '../support/payments.js';

/**
 * One write per mutation, each by a key holding only the scopes that mutation requires:
 * the answer states that the write happened (the success type, with the object's identity
 * and the field that says what Square did), and a field the key may not read fails on its own.
 */
interface WriteCase {
  mutation: string;
  scopes: Scope[];
  /** Arranges what the write needs straight through Square; returns its input. */
  input: () => Promise<Record<string, unknown>>;
  /** The success type's field carrying the object, and what is selected under it. */
  data: string;
  select: string;
  /** What the key may read on the written object. */
  expected: Record<string, unknown>;
  /** A field of the written object the key may not read, and the scope it lacks. */
  forbidden?: { field: string; scope: Scope };
}

let locationId: string;

const cases: WriteCase[] = [
  {
    mutation: 'createPayment',
    scopes: ['PAYMENTS_WRITE'],
    input: async () => ({ sourceId: 'cnon:card-nonce-ok', amountMoney: usd(1200), idempotencyKey: key() }),
    data: 'payment',
    select: 'id squareId status amountMoney { amount }',
    expected: { status: 'COMPLETED' },
    forbidden: { field: 'amountMoney', scope: 'PAYMENTS_READ' },
  },
];

const keys = new Map(cases.map((c) => [c.mutation, generateKey(c.mutation, c.scopes)]));
const stack = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [...keys.values()].map((k) => k.entry) }), 'test keys') });

beforeAll(async () => {
  locationId = (await stack.square().locations.list()).locations![0]!.id!;
});

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

describe('a key with only a mutation’s write scopes', () => {
  it.each(cases.map((c) => [c.mutation, c] as const))('%s: the answer says what Square did', async (_name, c) => {
    const input = await c.input();
    const type = capitalize(c.mutation);
    const document = `mutation($input: ${type}Input!) { ${c.mutation}(input: $input) { __typename
      ... on ${type}Success { ${c.data} { ${c.select} } } ... on Error { message } } }`;
    const result = await stack.gql(document, { input }, { headers: { 'x-api-key': keys.get(c.mutation)!.key } });
    expect(result.data?.[c.mutation]?.__typename, JSON.stringify(result)).toBe(`${type}Success`);
    const written = result.data[c.mutation][c.data];
    expect(written).toMatchObject(c.expected);
    const forbidden = (result.errors ?? []).map((e) => ({ path: e.path, code: e.extensions?.code, scopes: e.extensions?.scopes }));
    expect(forbidden).toEqual(
      c.forbidden ? [{ path: [c.mutation, c.data, c.forbidden.field], code: 'FORBIDDEN', scopes: [c.forbidden.scope] }] : [],
    );
    if (c.forbidden) expect(written[c.forbidden.field]).toBeNull();
  });
});
