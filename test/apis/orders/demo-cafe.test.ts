import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { describe, expect, it } from 'vitest';
import { DEMO_CUSTOMER_ID, DEMO_TOKEN } from '../../../src/emulator/seed.js';
import { graphql } from '../../gql/index.js';
import { useGateway } from '../../support/gateway.js';

/** The demo café as `npm start` serves it: its orders taxed with the catalog's SF Sales Tax, as the README says. */
const stack = useGateway({ emulator: { seed: true }, squareToken: DEMO_TOKEN });

/** What the tests read of an order's taxes, spread as `...DemoCafeOrderTaxes`. */
graphql(`fragment DemoCafeOrderTaxes on Order { taxes { name percentage scope autoApplied appliedMoney { amount } } totalTaxMoney { amount } totalMoney { amount } }`);

async function gql<T, V extends Record<string, unknown>>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T> {
  const result = await stack.gql(document, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

describe('the demo café’s orders', () => {
  it('a createOrder from its catalog with autoApplyTaxes is charged its SF Sales Tax; without, none', async () => {
    const { catalogItems } = await gql(
      graphql(`query DemoCafeMatchaLatte { catalogItems(first: 5, filter: { text: "Matcha Latte" }) { edges { node { name variations { squareId name price { amount } } } } } }`),
    );
    const latte = catalogItems!.edges[0]!.node;
    const large = latte.variations.find((v) => v.name === 'Large')!;
    const create = async (pricingOptions?: { autoApplyTaxes?: boolean }) => {
      const { createOrder } = await gql(
        graphql(`mutation DemoCafeCreateOrder($input: CreateOrderInput!) { createOrder(input: $input) { __typename ... on CreateOrderSuccess { order { ...DemoCafeOrderTaxes } } ... on Error { message } } }`),
        { input: { lineItems: [{ catalogObjectId: large.squareId, quantity: '2' }], pricingOptions, idempotencyKey: randomUUID() } },
      );
      if (createOrder?.__typename !== 'CreateOrderSuccess') throw new Error(JSON.stringify(createOrder));
      return createOrder.order;
    };

    const taxed = await create({ autoApplyTaxes: true });
    expect(large.price?.amount).toBe('625');
    const subtotal = 1250;
    // 8.625% of $12.50, to the cent.
    const tax = 108;
    expect(taxed.taxes).toEqual([{ name: 'SF Sales Tax', percentage: '8.625', scope: 'LINE_ITEM', autoApplied: true, appliedMoney: { amount: String(tax) } }]);
    expect(taxed.totalTaxMoney?.amount).toBe(String(tax));
    expect(taxed.totalMoney?.amount).toBe(String(subtotal + tax));

    const untaxed = await create();
    expect(untaxed.taxes).toEqual([]);
    expect(untaxed.totalMoney?.amount).toBe(String(subtotal));
  });

  it('its demo orders show the SF Sales Tax, applied from the catalog', async () => {
    const { orders } = await gql(
      graphql(`query DemoCafeOrders($ids: [ID!]) { orders(first: 20, filter: { customerIds: $ids }) { edges { node { pricingOptions { autoApplyTaxes } ...DemoCafeOrderTaxes } } } }`),
      { ids: [DEMO_CUSTOMER_ID] },
    );
    expect(orders!.edges.length).toBeGreaterThan(3);
    for (const { node: order } of orders!.edges) {
      expect(order.pricingOptions).toEqual({ autoApplyTaxes: true });
      expect(order.taxes).toMatchObject([{ name: 'SF Sales Tax', percentage: '8.625', autoApplied: true, appliedMoney: { amount: order.totalTaxMoney?.amount } }]);
      expect(Number(order.totalTaxMoney?.amount)).toBeGreaterThan(0);
    }
  });
});
