import { describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey, hashKey } from '../../src/gateway/api-keys.js';
import { graphql } from '../gql/index.js';
import { useGateway } from '../support/gateway.js';

const reader = generateKey('reader', ['CUSTOMERS_READ', 'MERCHANT_PROFILE_READ']);
const writer = generateKey('writer', ['CUSTOMERS_READ', 'CUSTOMERS_WRITE']);
const ring = ApiKeyRing.parse(JSON.stringify({ keys: [reader.entry, writer.entry] }), 'test keys');

const stack = useGateway({ apiKeys: ring });

const CREATE = graphql(
  `mutation AccessCreateCustomer { createCustomer(input: { givenName: "Scoped", idempotencyKey: "access-scoped" }) { __typename ... on CreateCustomerSuccess { customer { squareId } } } }`,
);
const LOCATIONS = graphql(`query AccessLocations { locations { name } }`);

describe('gateway API keys', () => {
  it('keeps only hashes of keys', () => {
    expect(reader.entry.sha256).toBe(hashKey(reader.key).toString('hex'));
    expect(JSON.stringify(reader.entry)).not.toContain(reader.key);
    expect(reader.key).toMatch(/^gk_/);
  });

  it('refuses a request without a key, or with an unknown one, as UNAUTHENTICATED', async () => {
    const none = await stack.gql(LOCATIONS);
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await stack.gql(LOCATIONS, {}, { headers: { 'x-api-key': 'gk_not-a-key' } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(unknown)).not.toContain('gk_not-a-key');
  });

  it('accepts the key as x-api-key or as a bearer token', async () => {
    const viaHeader = await stack.gql(LOCATIONS, {}, { headers: { 'x-api-key': reader.key } });
    expect(viaHeader.data?.locations).toHaveLength(1);
    const viaBearer = await stack.gql(LOCATIONS, {}, { token: reader.key });
    expect(viaBearer.data?.locations).toHaveLength(1);
  });

  it('refuses a mutation without its scope as FORBIDDEN naming the scope, before calling Square', async () => {
    await stack.clearCalls();
    const result = await stack.gql(CREATE, {}, { token: reader.key });
    expect(result.data?.createCustomer).toBeNull();
    expect(result.errors?.[0]).toMatchObject({
      message: expect.stringContaining('CUSTOMERS_WRITE'),
      extensions: { code: 'FORBIDDEN', scopes: ['CUSTOMERS_WRITE'] },
    });
    expect(await stack.calls()).toEqual([]);
    const allowed = await stack.gql(CREATE, {}, { token: writer.key });
    expect(allowed.data?.createCustomer?.__typename).toBe('CreateCustomerSuccess');
  });

  it('refuses reads of another domain field by field, leaving the rest', async () => {
    const result = await stack.gql(
      graphql(`query AccessCustomersAcrossDomains { customers(first: 5) { edges { node { givenName cards { last4 } orders(first: 1) { edges { node { id } } } } } } }`),
      {},
      { token: writer.key },
    );
    const node = result.data!.customers!.edges[0]!.node;
    expect(node.givenName).toBe('Scoped');
    expect(node.cards).toBeNull();
    expect(node.orders).toBeNull();
    const forbidden = result.errors!.map((e) => [e.path?.at(-1), e.extensions?.code, e.extensions?.scopes]);
    expect(forbidden).toEqual(
      expect.arrayContaining([
        ['cards', 'FORBIDDEN', ['PAYMENTS_READ']],
        ['orders', 'FORBIDDEN', ['ORDERS_READ']],
      ]),
    );
  });

  it('applies the scopes to root lookups and to node()', async () => {
    const payments = await stack.gql(graphql(`query AccessPayments { payments(first: 1) { edges { node { id } } } }`), {}, { token: reader.key });
    expect(payments.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['PAYMENTS_READ'] });
    const customers = await stack.gql(graphql(`query AccessCustomerIds { customers(first: 1) { edges { node { id } } } }`), {}, { token: reader.key });
    const customer = customers.data!.customers!.edges[0]!.node.id;
    const viaNode = await stack.gql(
      graphql(`query AccessNode($id: ID!) { node(id: $id) { id ... on Customer { givenName } } }`),
      { id: customer },
      { token: reader.key },
    );
    expect(viaNode.data?.node).toMatchObject({ givenName: 'Scoped' });
  });
});

describe('keys file', () => {
  it('refuses a malformed keys file with a message that names the problem', () => {
    expect(() => ApiKeyRing.parse('{"keys":[{"name":"x","sha256":"abc","scopes":["CUSTOMERS_READ"]}]}', 'keys.json')).toThrow(
      /keys\.json.*sha256/,
    );
    expect(() => ApiKeyRing.parse('{"keys":[{"name":"x","sha256":"' + 'a'.repeat(64) + '","scopes":["NOPE"]}]}', 'keys.json')).toThrow(
      /scopes/,
    );
    expect(() => ApiKeyRing.parse('not json', 'keys.json')).toThrow(/not valid JSON/);
    const partner = (sellers: unknown) => JSON.stringify({ keys: [{ name: 'p', sha256: 'a'.repeat(64), scopes: ['CUSTOMERS_READ'], sellers }] });
    expect(() => ApiKeyRing.parse(partner([]), 'keys.json')).toThrow(/keys\.0\.sellers/);
    expect(() => ApiKeyRing.parse(partner('all'), 'keys.json')).toThrow(/keys\.0\.sellers/);
    expect(() => ApiKeyRing.parse(partner(['ML 1']), 'keys.json')).toThrow(/merchant id/);
  });
});
