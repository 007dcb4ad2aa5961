import { beforeAll, describe, expect, it, vi } from 'vitest';
import { graphql } from '../../gql/index.js';
import { countCalls, useGateway } from '../../support/gateway.js';
import { arrangeMerchant, orderPaidByCard, type ArrangedMerchant } from '../../support/merchant.js';
import { merge, untilMerged } from '../../support/merges.js';

const stack = useGateway({ webhooks: true });
let merchant: ArrangedMerchant;

beforeAll(async () => {
  merchant = await arrangeMerchant(stack.square(), { customers: 14, ordersPerCustomer: 1, giftCardsEvery: 100 });
});

const HISTORY = graphql(`query MergedCustomerHistory($id: ID!) { customer(id: $id) {
  squareId resolvedFromMergedId mergedFrom
  orders(first: 50) { edges { node { squareId } } }
  payments(first: 50) { edges { node { squareId } } }
} }`);

describe('merged customers keep their history', () => {
  it('shows the orders and payments made under the old ids, through chains of merges', async () => {
    const [a, b, d] = [merchant.customers[0]!, merchant.customers[1]!, merchant.customers[2]!];
    // Square's own search under the new id finds none of the old orders: the gap the gateway closes.
    const c = await merge(stack, [a.id, b.id]);
    const squareSays = await stack.square().orders.search({
      locationIds: [merchant.locationId],
      query: { filter: { customerFilter: { customerIds: [c] } } },
    });
    expect(squareSays.orders ?? []).toEqual([]);

    expect(await untilMerged(stack, c, 2)).toEqual([a.id, b.id]);
    const merged = (await stack.gql(HISTORY, { id: c })).data!.customer!;
    expect(new Set(merged.orders!.edges.map((e) => e.node.squareId))).toEqual(new Set([...a.orderIds, ...b.orderIds]));
    expect(new Set(merged.payments!.edges.map((e) => e.node.squareId))).toEqual(new Set([...a.paymentIds, ...b.paymentIds]));

    // A later order under the new id joins the history.
    const { order: newer } = await orderPaidByCard(stack.square(), merchant.locationId, { customerId: c, cardId: a.cardIds[0]!, cents: 999 });
    const e = await merge(stack, [c, d.id]);
    expect(await untilMerged(stack, e, 4)).toEqual([a.id, b.id, c, d.id]);
    const chain = (await stack.gql(HISTORY, { id: e })).data!.customer!;
    expect(new Set(chain.orders!.edges.map((x) => x.node.squareId))).toEqual(
      new Set([...a.orderIds, ...b.orderIds, ...d.orderIds, newer.id]),
    );
  });

  it('resolves the id of a merged-away profile to the customer it lives on as, and says so', async () => {
    const [f, g] = [merchant.customers[3]!, merchant.customers[4]!];
    const h = await merge(stack, [f.id, g.id]);
    await untilMerged(stack, h, 2);
    const viaOldId = (await stack.gql(HISTORY, { id: f.id })).data?.customer;
    expect(viaOldId).toMatchObject({ squareId: h, resolvedFromMergedId: f.id, mergedFrom: [f.id, g.id] });
    const viaOwnId = (await stack.gql(HISTORY, { id: h })).data!.customer!;
    expect(viaOwnId.resolvedFromMergedId).toBeNull();
  });

  it('searches a long lineage ten ids to a SearchOrders call, as Square allows', async () => {
    const sources = merchant.customers.slice(5, 14);
    const survivor = await merge(stack, sources.map((s) => s.id));
    await untilMerged(stack, survivor, 9);
    // 9 old ids + the survivor: one call; one more merge makes 11 + 1 ids: two calls.
    await stack.clearCalls();
    await stack.gql(HISTORY, { id: survivor });
    expect(countCalls(await stack.calls()).SearchOrders).toBe(1);
    const extra = (await stack.square().customers.create({ givenName: 'Extra' })).customer!.id!;
    const last = await merge(stack, [survivor, extra]);
    await untilMerged(stack, last, 11);
    await stack.clearCalls();
    const result = (await stack.gql(HISTORY, { id: last })).data!.customer!;
    expect(countCalls(await stack.calls()).SearchOrders).toBe(2);
    expect(result.orders!.edges).toHaveLength(sources.reduce((n, s) => n + s.orderIds.length, 0));
  });

  it('asks the webhook store once for the lineages of a whole page of customers', async () => {
    const lookups = vi.spyOn(stack.store!, 'mergedFrom');
    try {
      const page = await stack.gql(
        graphql(`query MergedCustomersPage { customers(first: 50) { edges { node { squareId mergedFrom orders(first: 5) { edges { node { squareId } } } } } } }`),
      );
      expect(page.errors).toBeUndefined();
      const nodes = page.data!.customers!.edges.map((e) => e.node);
      // Every profile of the arranged merchant was merged: three survivors remain, with lineages of 4, 2 and 11.
      expect(nodes.map((n) => n.mergedFrom.length).sort((a, b) => a - b)).toEqual([2, 4, 11]);
      expect(lookups).toHaveBeenCalledTimes(1);
      expect(lookups.mock.calls[0]![1]).toHaveLength(nodes.length);
    } finally {
      lookups.mockRestore();
    }
  });
});
