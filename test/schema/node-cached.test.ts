import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMER_ID, DEMO_TOKEN } from '../../src/emulator/seed.js';
import { graphql } from '../gql/index.js';
import { useGateway } from '../support/gateway.js';

// Every node type of the schema, reached from the demo merchant's data through the graph.
const IDS = graphql(`query NodeCachedIds($customer: ID!) {
  customer(id: $customer) {
    id
    cards { id }
    giftCards { id }
    orders(first: 1) { edges { node { id } } }
    loyaltyAccount { id program { id } }
  }
  payments(first: 50) { edges { node { id refunds { id } } } }
  locations { id }
  catalogItems(first: 1) { edges { node { id } } }
  customerGroups { id }
  customerSegments { id }
}`);

const NODE = graphql(`query NodeCachedNode($id: ID!) { node(id: $id) { __typename id } }`);
const NODES = graphql(`query NodeCachedNodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`);

describe('node and nodes with the cache on', () => {
  const stack = useGateway({ emulator: { seed: true }, squareToken: DEMO_TOKEN, webhooks: true, cacheTtlMs: 600_000 });
  const byType = new Map<string, string>();

  beforeAll(async () => {
    await stack.square(DEMO_TOKEN).customers.groups.create({ group: { name: 'Node regulars' }, idempotencyKey: 'node-cached-group' });
    const { data, errors } = await stack.gql(IDS, { customer: DEMO_CUSTOMER_ID });
    expect(errors).toBeUndefined();
    const customer = data!.customer!;
    const payments = data!.payments!.edges.map((e) => e.node);
    const found: Record<string, string | undefined> = {
      Customer: customer.id,
      Card: customer.cards?.[0]?.id,
      GiftCard: customer.giftCards?.[0]?.id,
      Order: customer.orders?.edges[0]?.node.id,
      Payment: payments[0]?.id,
      Refund: payments.flatMap((p) => p.refunds ?? [])[0]?.id,
      LoyaltyAccount: customer.loyaltyAccount?.id,
      LoyaltyProgram: customer.loyaltyAccount?.program?.id,
      Location: data!.locations?.[0]?.id,
      CatalogItem: data!.catalogItems?.edges[0]?.node.id,
      CustomerGroup: data!.customerGroups?.[0]?.id,
      CustomerSegment: data!.customerSegments?.[0]?.id,
    };
    for (const [type, id] of Object.entries(found)) if (id) byType.set(type, id);
  });

  it('reaches an object of every node type from the demo data', () => {
    expect([...byType.keys()].sort()).toEqual(
      ['Card', 'CatalogItem', 'Customer', 'CustomerGroup', 'CustomerSegment', 'GiftCard', 'Location', 'LoyaltyAccount', 'LoyaltyProgram', 'Order', 'Payment', 'Refund'],
    );
  });

  it('answers node(id) twice for every node type, the second time from the cache', async () => {
    for (const [type, id] of byType) {
      for (const round of [1, 2]) {
        const { data, errors } = await stack.gql(NODE, { id });
        expect(errors, `${type}, round ${round}`).toBeUndefined();
        expect(data?.node, `${type}, round ${round}`).toEqual({ __typename: type, id });
      }
    }
  });

  it('answers nodes(ids) twice with every node type at once, and node beside the lists that cached its object', async () => {
    const ids = [...byType.values()];
    for (const round of [1, 2]) {
      await stack.clearCalls();
      const { data, errors } = await stack.gql(NODES, { ids });
      expect(errors, `round ${round}`).toBeUndefined();
      expect(data?.nodes, `round ${round}`).toEqual([...byType].map(([type, id]) => ({ __typename: type, id })));
      // The second round is the cache's alone: the case that failed.
      if (round === 2) expect(await stack.calls()).toEqual([]);
    }
    // The card comes from the customer's cached list of cards in the same request.
    const both = await stack.gql(graphql(`query NodeCachedCardBeside($id: ID!, $customer: ID!) { customer(id: $customer) { cards { id } } node(id: $id) { id } }`), {
      id: byType.get('Card')!,
      customer: DEMO_CUSTOMER_ID,
    });
    expect(both.errors).toBeUndefined();
    expect(both.data?.node).toEqual({ id: byType.get('Card') });
  });
});
