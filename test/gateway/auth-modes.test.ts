import { describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { useGateway } from '../support/gateway.js';

describe('passthrough credentials', () => {
  const stack = useGateway({ authMode: 'passthrough' });

  it('refuses a request without a seller token with UNAUTHENTICATED', async () => {
    const result = await stack.gql(graphql(`query AuthModesLocationNames { locations { name } }`));
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('serves each seller only its own data', async () => {
    const alice = stack.square('seller-alice');
    const bob = stack.square('seller-bob');
    const { customer: aliceCustomer } = await alice.customers.create({ givenName: 'Alice’s customer' });
    await bob.customers.create({ givenName: 'Bob’s customer' });

    const customers = graphql(`query AuthModesSellerCustomers { customers(first: 10) { edges { node { squareId givenName } } } }`);
    const asAlice = await stack.gql(customers, {}, { token: 'seller-alice' });
    const asBob = await stack.gql(customers, {}, { token: 'seller-bob' });
    expect(asAlice.data!.customers!.edges.map((e) => e.node.givenName)).toEqual(['Alice’s customer']);
    expect(asBob.data!.customers!.edges.map((e) => e.node.givenName)).toEqual(['Bob’s customer']);

    const crossLookup = await stack.gql(
      graphql(`query AuthModesCustomer($id: ID!) { customer(id: $id) { squareId } }`),
      { id: aliceCustomer!.id! },
      { token: 'seller-bob' },
    );
    expect(crossLookup.errors).toBeUndefined();
    expect(crossLookup.data?.customer).toBeNull();

    const locations = graphql(`query AuthModesLocations { locations { squareId } }`);
    const [aliceLocations, bobLocations] = await Promise.all([
      stack.gql(locations, {}, { token: 'seller-alice' }),
      stack.gql(locations, {}, { token: 'seller-bob' }),
    ]);
    expect(aliceLocations.data!.locations![0]!.squareId).not.toBe(bobLocations.data!.locations![0]!.squareId);
  });

  it('passes Square’s 401 back as UNAUTHENTICATED', async () => {
    await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/v2/customers', status: 401, count: 1 }),
    });
    const result = await stack.gql(graphql(`query AuthModesRevoked { customers(first: 1) { edges { node { id } } } }`), {}, { token: 'seller-revoked' });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('server credentials', () => {
  const stack = useGateway({ authMode: 'server' });

  it('uses the configured token for every caller', async () => {
    await stack.square().customers.create({ givenName: 'Served' });
    const result = await stack.gql(graphql(`query AuthModesServed { customers(first: 5) { edges { node { givenName } } } }`));
    expect(result.data!.customers!.edges.map((e) => e.node.givenName)).toEqual(['Served']);
  });
});
