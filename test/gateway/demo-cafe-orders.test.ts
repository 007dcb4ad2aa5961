import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_CUSTOMER_ID, DEMO_TOKEN } from '../../src/emulator/seed.js';
import { useGateway } from '../support/gateway.js';

/** The demo café as `npm start` serves it: its orders taxed with the catalog's SF Sales Tax, as the README says. */
const stack = useGateway({ emulator: { seed: true }, squareToken: DEMO_TOKEN });

const TAXES = `taxes { name percentage scope autoApplied appliedMoney { amount } } totalTaxMoney { amount } totalMoney { amount }`;

async function gql(query: string, variables?: Record<string, unknown>) {
  const result = await stack.gql(query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data;
}

describe('the demo café’s orders', () => {
  it('a createOrder from its catalog with autoApplyTaxes is charged its SF Sales Tax; without, none', async () => {
    const { catalogItems } = await gql(`{ catalogItems(first: 5, filter: { text: "Matcha Latte" }) { edges { node { name variations { squareId name price { amount } } } } } }`);
    const latte = catalogItems.edges[0].node;
    const large = latte.variations.find((v: { name: string }) => v.name === 'Large');
    const create = async (pricingOptions?: Record<string, boolean>) =>
      (
        await gql(`mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename ... on CreateOrderSuccess { order { ${TAXES} } } ... on Error { message } } }`, {
          input: { lineItems: [{ catalogObjectId: large.squareId, quantity: '2' }], pricingOptions, idempotencyKey: randomUUID() },
        })
      ).createOrder;

    const taxed = await create({ autoApplyTaxes: true });
    expect(taxed.__typename, JSON.stringify(taxed)).toBe('CreateOrderSuccess');
    expect(large.price.amount).toBe('625');
    const subtotal = 1250;
    // 8.625% of $12.50, to the cent.
    const tax = 108;
    expect(taxed.order.taxes).toEqual([{ name: 'SF Sales Tax', percentage: '8.625', scope: 'LINE_ITEM', autoApplied: true, appliedMoney: { amount: String(tax) } }]);
    expect(taxed.order.totalTaxMoney.amount).toBe(String(tax));
    expect(taxed.order.totalMoney.amount).toBe(String(subtotal + tax));

    const untaxed = await create();
    expect(untaxed.order.taxes).toEqual([]);
    expect(untaxed.order.totalMoney.amount).toBe(String(subtotal));
  });

  it('its demo orders show the SF Sales Tax, applied from the catalog', async () => {
    const { orders } = await gql(
      `query($ids: [ID!]) { orders(first: 20, filter: { customerIds: $ids }) { edges { node { pricingOptions { autoApplyTaxes } ${TAXES} } } } }`,
      { ids: [DEMO_CUSTOMER_ID] },
    );
    expect(orders.edges.length).toBeGreaterThan(3);
    for (const { node: order } of orders.edges) {
      expect(order.pricingOptions).toEqual({ autoApplyTaxes: true });
      expect(order.taxes).toMatchObject([{ name: 'SF Sales Tax', percentage: '8.625', autoApplied: true, appliedMoney: { amount: order.totalTaxMoney.amount } }]);
      expect(Number(order.totalTaxMoney.amount)).toBeGreaterThan(0);
    }
  });
});
