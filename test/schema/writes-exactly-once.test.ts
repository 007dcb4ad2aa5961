import { randomInt } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Square, SquareClient } from 'square';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AccumulateLoyaltyPointsDocument,
  ActivateGiftCardDocument,
  AddCustomerToGroupDocument,
  AdjustInventoryDocument,
  CancelPaymentByIdempotencyKeyDocument,
  CancelPaymentDocument,
  ChargeCustomerDocument,
  CompletePaymentDocument,
  CreateCustomerDocument,
  CreateGiftCardDocument,
  CreateOrderDocument,
  CreatePaymentDocument,
  DeactivateGiftCardDocument,
  DecrementGiftCardBalanceDocument,
  DeleteCatalogObjectDocument,
  DeleteCustomerCustomAttributeDocument,
  DeleteCustomerDocument,
  DisableCardDocument,
  IncrementGiftCardBalanceDocument,
  LinkGiftCardToCustomerDocument,
  LoadGiftCardDocument,
  PayOrderDocument,
  RedeemGiftCardDocument,
  RedeemLoyaltyRewardDocument,
  RefundPaymentDocument,
  RemoveCustomerFromGroupDocument,
  SaveCardDocument,
  UnlinkGiftCardFromCustomerDocument,
  UpdateCustomerDocument,
  UpsertCatalogItemDocument,
  UpsertCustomerCustomAttributeDocument,
} from '../gql/graphql.js';
import { addFault, clearFaults, failAfterCommit, failBeforeCommit } from '../support/faults.js';
import { key, usd as money } from '../support/fixtures.js';
import { SERVER_TOKEN, useGateway, type GraphQLResult, type TestStack } from '../support/gateway.js';
import { newCard, newCustomer, newGiftCard, usd } from '../support/payments.js';

async function mainLocation(square: SquareClient): Promise<string> {
  return (await square.locations.list()).locations![0]!.id!;
}

/** An approved (authorized, not captured) card payment, straight through Square. */
async function approvedPayment(square: SquareClient, cents: number, extra: { orderId?: string; idempotencyKey?: string } = {}) {
  const { payment } = await square.payments.create({
    sourceId: 'cnon:card-nonce-ok',
    idempotencyKey: extra.idempotencyKey ?? key(),
    amountMoney: money(cents),
    autocomplete: false,
    ...(extra.orderId ? { orderId: extra.orderId } : {}),
  });
  return payment!.id!;
}

async function openOrder(square: SquareClient, cents: number): Promise<string> {
  const { order } = await square.orders.create({
    idempotencyKey: key(),
    order: { locationId: await mainLocation(square), lineItems: [{ name: 'Tea', quantity: '1', basePriceMoney: money(cents) }] },
  });
  return order!.id!;
}

async function customersWithReference(square: SquareClient, referenceId: string): Promise<number> {
  let count = 0;
  for await (const customer of await square.customers.list()) if (customer.referenceId === referenceId) count++;
  return count;
}

async function paymentsWithReference(square: SquareClient, referenceId: string): Promise<number> {
  let count = 0;
  for await (const payment of await square.payments.list({ limit: 100 })) if (payment.referenceId === referenceId) count++;
  return count;
}

async function ordersWithReference(square: SquareClient, referenceId: string): Promise<number> {
  const { orders } = await square.orders.search({ locationIds: [await mainLocation(square)], limit: 1000 });
  return (orders ?? []).filter((o) => o.referenceId === referenceId).length;
}

/** What the cases write under: a customer group, a Number custom attribute, a loyalty program's reward tier. */
let groupId: string;
const ATTRIBUTE = 'visits';
const TIER_POINTS = 10;
const NUMBER_SCHEMA = { $ref: 'https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common.Number' };

/** A loyalty program whose first reward tier takes TIER_POINTS. */
async function setLoyaltyProgram(stack: TestStack): Promise<void> {
  const response = await fetch(`${stack.emulatorUrl}/_emulator/loyalty/program`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${SERVER_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      accrual_rules: [{ accrual_type: 'SPEND', points: 1, spend_data: { amount_money: { amount: 100, currency: 'USD' }, tax_mode: 'BEFORE_TAX' } }],
      reward_tiers: [{ name: 'Free coffee', points: TIER_POINTS, pricing_rule_reference: { object_id: 'PR-COFFEE' } }],
    }),
  });
  expect(response.status).toBe(200);
}

/**
 * One write mutation under test. `arrange` makes what it needs straight through Square and
 * fixes its input, idempotency key included: `send` sends exactly that mutation, so that
 * sending it again is a caller's retry. The emulator faults `method` `path`, the write's
 * Square call; `reported` checks the answer tells what Square did, `once` that Square's
 * state shows the write exactly once.
 */
interface Case {
  name: string;
  method: string;
  path: string;
  arrange(stack: TestStack): Promise<Trial>;
}

interface Trial {
  send(): Promise<GraphQLResult<Record<string, unknown>>>;
  reported(answer: any): void;
  once(): Promise<void>;
}

/** Sends `document` with `input` as the mutation's one argument; the answer is its one field. */
const sender =
  (stack: TestStack, document: TypedDocumentNode<any, any>, input: Record<string, unknown>) =>
  () =>
    stack.gql(document, { input }) as Promise<GraphQLResult<Record<string, unknown>>>;

async function giftCardState(square: SquareClient, id: string) {
  const { giftCard } = await square.giftCards.get({ id });
  return { state: giftCard?.state, balance: giftCard?.balanceMoney?.amount };
}

async function giftCardCount(square: SquareClient): Promise<number> {
  let count = 0;
  for await (const _card of await square.giftCards.list()) count++;
  return count;
}

async function loyaltyMember(square: SquareClient, stars: number): Promise<string> {
  const phoneNumber = `+1415${randomInt(1_000_000, 9_999_999)}`;
  const program = (await square.loyalty.programs.get({ programId: 'main' })).program!;
  const { loyaltyAccount } = await square.loyalty.accounts.create({ idempotencyKey: key(), loyaltyAccount: { programId: program.id!, mapping: { phoneNumber } } });
  const accountId = loyaltyAccount!.id!;
  if (stars > 0) await square.loyalty.accounts.accumulatePoints({ accountId, idempotencyKey: key(), locationId: await mainLocation(square), accumulatePoints: { points: stars } });
  return accountId;
}

async function loyaltyBalance(square: SquareClient, accountId: string): Promise<number | undefined> {
  return (await square.loyalty.accounts.get({ accountId })).loyaltyAccount?.balance;
}

async function rewardsOf(square: SquareClient, loyaltyAccountId: string): Promise<number> {
  return ((await square.loyalty.rewards.search({ query: { loyaltyAccountId } })).rewards ?? []).length;
}

/** A tracked variation with `stock` IN_STOCK at the main location. */
async function stockedVariation(square: SquareClient, stock: string): Promise<{ variationId: string; locationId: string }> {
  const locationId = await mainLocation(square);
  const { catalogObject } = await square.catalog.object.upsert({
    idempotencyKey: key(),
    object: { type: 'ITEM', id: '#item', itemData: { name: `Jam ${key().slice(0, 6)}`, variations: [{ type: 'ITEM_VARIATION', id: '#jar', itemVariationData: { name: 'Jar', trackInventory: true } }] } },
  });
  const variationId = (catalogObject as Square.CatalogObject.Item).itemData!.variations![0]!.id!;
  await square.inventory.batchCreateChanges({
    idempotencyKey: key(),
    changes: [{ type: 'PHYSICAL_COUNT', physicalCount: { catalogObjectId: variationId, state: 'IN_STOCK', locationId, quantity: stock, occurredAt: new Date().toISOString() } }],
  });
  return { variationId, locationId };
}

async function stockOf(square: SquareClient, variationId: string, locationId: string): Promise<Record<string, string>> {
  const { data } = await square.inventory.batchGetCounts({ catalogObjectIds: [variationId], locationIds: [locationId] });
  return Object.fromEntries(data.map((c) => [c.state!, c.quantity!]));
}

async function catalogItemsNamed(square: SquareClient, name: string): Promise<Square.CatalogObject[]> {
  const { objects } = await square.catalog.search({ objectTypes: ['ITEM'], query: { exactQuery: { attributeName: 'name', attributeValue: name } } });
  return objects ?? [];
}

const CASES: Case[] = [
  {
    name: 'createCustomer',
    method: 'POST',
    path: '/v2/customers',
    async arrange(stack) {
      const referenceId = `c-${key().slice(0, 8)}`;
      return {
        send: sender(stack, CreateCustomerDocument, { givenName: 'Once', referenceId, idempotencyKey: key() }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'CreateCustomerSuccess', customer: { givenName: 'Once' } }),
        once: async () => expect(await customersWithReference(stack.square(), referenceId)).toBe(1),
      };
    },
  },
  {
    name: 'updateCustomer with version',
    method: 'PUT',
    path: '/v2/customers/*',
    async arrange(stack) {
      const id = await newCustomer(stack.square());
      return {
        send: sender(stack, UpdateCustomerDocument, { id, version: '0', familyName: 'Lovelace' }),
        reported: (answer) => expect(answer).toEqual({ __typename: 'UpdateCustomerSuccess', customer: { squareId: id, familyName: 'Lovelace', version: '1' } }),
        once: async () => expect((await stack.square().customers.get({ customerId: id })).customer?.version).toBe(1n),
      };
    },
  },
  {
    name: 'updateCustomer without version',
    method: 'PUT',
    path: '/v2/customers/*',
    async arrange(stack) {
      const id = await newCustomer(stack.square());
      return {
        send: sender(stack, UpdateCustomerDocument, { id, familyName: 'Byron', birthday: '12-10' }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'UpdateCustomerSuccess', customer: { familyName: 'Byron' } }),
        // Updated once: a second update would have made it version 2.
        once: async () => expect((await stack.square().customers.get({ customerId: id })).customer?.version).toBe(1n),
      };
    },
  },
  {
    name: 'updateCustomer with a note that quotes "idempotency_key',
    method: 'PUT',
    path: '/v2/customers/*',
    async arrange(stack) {
      const id = await newCustomer(stack.square());
      const note = 'Asked what "idempotency_key';
      return {
        send: sender(stack, UpdateCustomerDocument, { id, version: '0', note }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'UpdateCustomerSuccess', customer: { squareId: id, version: '1' } }),
        once: async () => expect((await stack.square().customers.get({ customerId: id })).customer).toMatchObject({ version: 1n, note }),
      };
    },
  },
  {
    name: 'deleteCustomer',
    method: 'DELETE',
    path: '/v2/customers/*',
    async arrange(stack) {
      const id = await newCustomer(stack.square());
      return {
        send: sender(stack, DeleteCustomerDocument, { id }),
        reported: (answer) => expect(answer).toEqual({ __typename: 'DeleteCustomerSuccess', deletedCustomerId: id }),
        once: () => expect(stack.square().customers.get({ customerId: id })).rejects.toMatchObject({ statusCode: 404 }),
      };
    },
  },
  {
    name: 'addCustomerToGroup',
    method: 'PUT',
    path: '/v2/customers/*/groups/*',
    async arrange(stack) {
      const customerId = await newCustomer(stack.square());
      return {
        send: sender(stack, AddCustomerToGroupDocument, { customerId, groupId }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'AddCustomerToGroupSuccess', customer: { squareId: customerId, groups: [{ squareId: groupId }] } }),
        once: async () => expect((await stack.square().customers.get({ customerId })).customer?.groupIds).toEqual([groupId]),
      };
    },
  },
  {
    name: 'removeCustomerFromGroup',
    method: 'DELETE',
    path: '/v2/customers/*/groups/*',
    async arrange(stack) {
      const customerId = await newCustomer(stack.square());
      await stack.square().customers.groups.add({ customerId, groupId });
      return {
        send: sender(stack, RemoveCustomerFromGroupDocument, { customerId, groupId }),
        reported: (answer) => expect(answer).toEqual({ __typename: 'RemoveCustomerFromGroupSuccess', customer: { squareId: customerId, groups: [] } }),
        once: async () => expect((await stack.square().customers.get({ customerId })).customer?.groupIds ?? []).toEqual([]),
      };
    },
  },
  {
    name: 'upsertCustomerCustomAttribute',
    method: 'POST',
    path: '/v2/customers/*/custom-attributes/*',
    async arrange(stack) {
      const customerId = await newCustomer(stack.square());
      return {
        send: sender(stack, UpsertCustomerCustomAttributeDocument, { customerId, key: ATTRIBUTE, value: '3', idempotencyKey: key() }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'UpsertCustomerCustomAttributeSuccess', customAttribute: { key: ATTRIBUTE, version: 1 } }),
        // Written once: a second write would have made it version 2.
        once: async () => expect((await stack.square().customers.customAttributes.get({ customerId, key: ATTRIBUTE })).customAttribute?.version).toBe(1),
      };
    },
  },
  {
    name: 'deleteCustomerCustomAttribute',
    method: 'DELETE',
    path: '/v2/customers/*/custom-attributes/*',
    async arrange(stack) {
      const customerId = await newCustomer(stack.square());
      await stack.square().customers.customAttributes.upsert({ customerId, key: ATTRIBUTE, customAttribute: { value: '1' } });
      return {
        send: sender(stack, DeleteCustomerCustomAttributeDocument, { customerId, key: ATTRIBUTE }),
        reported: (answer) => expect(answer).toEqual({ __typename: 'DeleteCustomerCustomAttributeSuccess', deletedKey: ATTRIBUTE }),
        once: () => expect(stack.square().customers.customAttributes.get({ customerId, key: ATTRIBUTE })).rejects.toMatchObject({ statusCode: 404 }),
      };
    },
  },
  {
    name: 'saveCard',
    method: 'POST',
    path: '/v2/cards',
    async arrange(stack) {
      const customerId = await newCustomer(stack.square());
      return {
        send: sender(stack, SaveCardDocument, { customerId, sourceId: 'cnon:card-nonce-ok', customerConsent: true, idempotencyKey: key() }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'SaveCardSuccess', card: { enabled: true } }),
        once: async () => expect((await stack.square().cards.list({ customerId })).data).toHaveLength(1),
      };
    },
  },
  {
    name: 'disableCard',
    method: 'POST',
    path: '/v2/cards/*/disable',
    async arrange(stack) {
      const cardId = await newCard(stack.square(), await newCustomer(stack.square()));
      return {
        send: sender(stack, DisableCardDocument, { cardId }),
        reported: (answer) => expect(answer).toEqual({ __typename: 'DisableCardSuccess', card: { squareId: cardId, enabled: false } }),
        once: async () => expect((await stack.square().cards.get({ cardId })).card?.enabled).toBe(false),
      };
    },
  },
  {
    name: 'createPayment',
    method: 'POST',
    path: '/v2/payments',
    async arrange(stack) {
      const referenceId = `p-${key().slice(0, 8)}`;
      return {
        send: sender(stack, CreatePaymentDocument, { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(1200), referenceId, idempotencyKey: key() }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { status: 'COMPLETED', referenceId } }),
        once: async () => expect(await paymentsWithReference(stack.square(), referenceId)).toBe(1),
      };
    },
  },
  {
    name: 'chargeCustomer',
    method: 'POST',
    path: '/v2/payments',
    async arrange(stack) {
      const customerId = await newCustomer(stack.square());
      await newCard(stack.square(), customerId);
      const referenceId = `ch-${key().slice(0, 8)}`;
      return {
        send: sender(stack, ChargeCustomerDocument, { customerId, amountMoney: usd(1300), referenceId, idempotencyKey: key() }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'ChargeCustomerSuccess', payment: { status: 'COMPLETED', referenceId } }),
        once: async () => expect(await paymentsWithReference(stack.square(), referenceId)).toBe(1),
      };
    },
  },
  {
    name: 'completePayment',
    method: 'POST',
    path: '/v2/payments/*/complete',
    async arrange(stack) {
      const paymentId = await approvedPayment(stack.square(), 1400);
      return {
        send: sender(stack, CompletePaymentDocument, { paymentId }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'CompletePaymentSuccess', payment: { squareId: paymentId, status: 'COMPLETED' } }),
        once: async () => expect((await stack.square().payments.get({ paymentId })).payment?.status).toBe('COMPLETED'),
      };
    },
  },
  {
    name: 'cancelPayment',
    method: 'POST',
    path: '/v2/payments/*/cancel',
    async arrange(stack) {
      const paymentId = await approvedPayment(stack.square(), 1500);
      return {
        send: sender(stack, CancelPaymentDocument, { paymentId }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'CancelPaymentSuccess', payment: { squareId: paymentId, status: 'CANCELED' } }),
        once: async () => expect((await stack.square().payments.get({ paymentId })).payment?.status).toBe('CANCELED'),
      };
    },
  },
  {
    name: 'cancelPaymentByIdempotencyKey',
    method: 'POST',
    path: '/v2/payments/cancel',
    async arrange(stack) {
      const idempotencyKey = key();
      const paymentId = await approvedPayment(stack.square(), 1600, { idempotencyKey });
      return {
        send: sender(stack, CancelPaymentByIdempotencyKeyDocument, { idempotencyKey }),
        reported: (answer) => expect(answer).toEqual({ __typename: 'CancelPaymentByIdempotencyKeySuccess', canceled: true }),
        once: async () => expect((await stack.square().payments.get({ paymentId })).payment?.status).toBe('CANCELED'),
      };
    },
  },
  {
    name: 'refundPayment',
    method: 'POST',
    path: '/v2/refunds',
    async arrange(stack) {
      const { payment } = await stack.square().payments.create({ sourceId: 'cnon:card-nonce-ok', idempotencyKey: key(), amountMoney: money(1700) });
      const paymentId = payment!.id!;
      return {
        send: sender(stack, RefundPaymentDocument, { paymentId, amountMoney: usd(700), idempotencyKey: key() }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'RefundPaymentSuccess' }),
        once: async () => expect((await stack.square().payments.get({ paymentId })).payment).toMatchObject({ refundIds: [expect.any(String)], refundedMoney: { amount: 700n } }),
      };
    },
  },
  {
    name: 'createOrder',
    method: 'POST',
    path: '/v2/orders',
    async arrange(stack) {
      const referenceId = `o-${key().slice(0, 8)}`;
      return {
        send: sender(stack, CreateOrderDocument, { referenceId, lineItems: [{ name: 'Cake', quantity: '2', basePriceMoney: usd(450) }], idempotencyKey: key() }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'CreateOrderSuccess', order: { state: 'OPEN', totalMoney: { amount: '900' } } }),
        once: async () => expect(await ordersWithReference(stack.square(), referenceId)).toBe(1),
      };
    },
  },
  {
    name: 'payOrder',
    method: 'POST',
    path: '/v2/orders/*/pay',
    async arrange(stack) {
      const orderId = await openOrder(stack.square(), 1800);
      const paymentId = await approvedPayment(stack.square(), 1800, { orderId });
      return {
        send: sender(stack, PayOrderDocument, { orderId, paymentIds: [paymentId], idempotencyKey: key() }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'PayOrderSuccess', order: { squareId: orderId, state: 'COMPLETED' } }),
        once: async () => expect((await stack.square().orders.get({ orderId })).order?.tenders).toHaveLength(1),
      };
    },
  },
  {
    name: 'linkGiftCardToCustomer',
    method: 'POST',
    path: '/v2/gift-cards/*/link-customer',
    async arrange(stack) {
      const [giftCardId, customerId] = await Promise.all([newGiftCard(stack.square(), 2000), newCustomer(stack.square())]);
      return {
        send: sender(stack, LinkGiftCardToCustomerDocument, { giftCardId, customerId }),
        reported: (answer) =>
          expect(answer).toEqual({ __typename: 'LinkGiftCardToCustomerSuccess', giftCard: { squareId: giftCardId, customers: [{ squareId: customerId }] } }),
        once: async () => expect((await stack.square().giftCards.get({ id: giftCardId })).giftCard?.customerIds).toEqual([customerId]),
      };
    },
  },
  {
    name: 'unlinkGiftCardFromCustomer',
    method: 'POST',
    path: '/v2/gift-cards/*/unlink-customer',
    async arrange(stack) {
      const [giftCardId, customerId] = await Promise.all([newGiftCard(stack.square(), 2100), newCustomer(stack.square())]);
      await stack.square().giftCards.linkCustomer({ giftCardId, customerId });
      return {
        send: sender(stack, UnlinkGiftCardFromCustomerDocument, { giftCardId, customerId }),
        reported: (answer) => expect(answer).toEqual({ __typename: 'UnlinkGiftCardFromCustomerSuccess', giftCard: { squareId: giftCardId, customers: [] } }),
        once: async () => expect((await stack.square().giftCards.get({ id: giftCardId })).giftCard?.customerIds ?? []).toEqual([]),
      };
    },
  },
  {
    name: 'createGiftCard',
    method: 'POST',
    path: '/v2/gift-cards',
    async arrange(stack) {
      const [locationId, before] = await Promise.all([mainLocation(stack.square()), giftCardCount(stack.square())]);
      return {
        send: sender(stack, CreateGiftCardDocument, { locationId, idempotencyKey: key() }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'CreateGiftCardSuccess', giftCard: { state: 'PENDING' } }),
        once: async () => expect(await giftCardCount(stack.square())).toBe(before + 1),
      };
    },
  },
  ...(
    [
      ['activateGiftCard', ActivateGiftCardDocument, 0, { amountMoney: usd(500), buyerPaymentInstrumentIds: ['ext-card'] }, 500n],
      ['loadGiftCard', LoadGiftCardDocument, 1000, { amountMoney: usd(500), buyerPaymentInstrumentIds: ['ext-card'] }, 1500n],
      ['incrementGiftCardBalance', IncrementGiftCardBalanceDocument, 1000, { amountMoney: usd(300), reason: 'COMPLIMENTARY' }, 1300n],
      ['decrementGiftCardBalance', DecrementGiftCardBalanceDocument, 1000, { amountMoney: usd(300), reason: 'SUPPORT_ISSUE' }, 700n],
      ['redeemGiftCard', RedeemGiftCardDocument, 1000, { amountMoney: usd(400) }, 600n],
      ['deactivateGiftCard', DeactivateGiftCardDocument, 1000, {}, 1000n],
    ] as const
  ).map(
    ([name, document, cents, details, balance]): Case => ({
      name,
      method: 'POST',
      path: '/v2/gift-cards/activities',
      async arrange(stack) {
        const square = stack.square();
        const locationId = await mainLocation(square);
        const giftCardId = cents > 0 ? await newGiftCard(square, cents) : (await square.giftCards.create({ idempotencyKey: key(), locationId, giftCard: { type: 'DIGITAL' } })).giftCard!.id!;
        const state = name === 'deactivateGiftCard' ? 'DEACTIVATED' : 'ACTIVE';
        const success = `${name[0]!.toUpperCase()}${name.slice(1)}Success`;
        return {
          send: sender(stack, document, { giftCardId, locationId, ...details, idempotencyKey: key() }),
          reported: (answer) => expect(answer).toMatchObject({ __typename: success, activity: { giftCard: { squareId: giftCardId, state } } }),
          once: async () => expect(await giftCardState(square, giftCardId)).toEqual({ state, balance }),
        };
      },
    }),
  ),
  {
    name: 'accumulateLoyaltyPoints',
    method: 'POST',
    path: '/v2/loyalty/accounts/*/accumulate',
    async arrange(stack) {
      const accountId = await loyaltyMember(stack.square(), 0);
      const locationId = await mainLocation(stack.square());
      return {
        send: sender(stack, AccumulateLoyaltyPointsDocument, { accountId, locationId, points: 7, idempotencyKey: key() }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'AccumulateLoyaltyPointsSuccess', loyaltyAccount: { balance: 7 } }),
        once: async () => expect(await loyaltyBalance(stack.square(), accountId)).toBe(7),
      };
    },
  },
  ...(
    [
      ['creates the reward', '/v2/loyalty/rewards'],
      ['redeems it', '/v2/loyalty/rewards/*/redeem'],
    ] as const
  ).map(
    ([step, path]): Case => ({
      name: `redeemLoyaltyReward, where Square ${step}`,
      method: 'POST',
      path,
      async arrange(stack) {
        const square = stack.square();
        const accountId = await loyaltyMember(square, 25);
        const [locationId, program] = await Promise.all([mainLocation(square), square.loyalty.programs.get({ programId: 'main' })]);
        const rewardTierId = program.program!.rewardTiers![0]!.id!;
        return {
          send: sender(stack, RedeemLoyaltyRewardDocument, { accountId, rewardTierId, locationId, idempotencyKey: key() }),
          reported: (answer) =>
            expect(answer).toMatchObject({ __typename: 'RedeemLoyaltyRewardSuccess', reward: { status: 'REDEEMED', points: TIER_POINTS, account: { balance: 25 - TIER_POINTS } } }),
          once: async () => {
            expect(await loyaltyBalance(square, accountId)).toBe(25 - TIER_POINTS);
            expect(await rewardsOf(square, accountId)).toBe(1);
          },
        };
      },
    }),
  ),
  {
    name: 'upsertCatalogItem, a new item',
    method: 'POST',
    path: '/v2/catalog/object',
    async arrange(stack) {
      const name = `Scone ${key().slice(0, 8)}`;
      return {
        send: sender(stack, UpsertCatalogItemDocument, { idempotencyKey: key(), name, variations: [{ name: 'Plain', price: usd(350) }] }),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'UpsertCatalogItemSuccess', item: { name, variations: [{ name: 'Plain' }] } }),
        once: async () => expect(await catalogItemsNamed(stack.square(), name)).toHaveLength(1),
      };
    },
  },
  {
    name: 'upsertCatalogItem, a change at the version read',
    method: 'POST',
    path: '/v2/catalog/object',
    async arrange(stack) {
      const square = stack.square();
      const { variationId } = await stockedVariation(square, '1');
      const variation = (await square.catalog.object.get({ objectId: variationId })).object!;
      const itemId = (variation as Square.CatalogObject.ItemVariation).itemVariationData!.itemId!;
      const { object: item } = await square.catalog.object.get({ objectId: itemId });
      const name = `Marmalade ${key().slice(0, 8)}`;
      const input = { idempotencyKey: key(), id: itemId, version: String(item!.version), name, variations: [{ squareId: variationId, name: 'Jar' }] };
      return {
        send: sender(stack, UpsertCatalogItemDocument, input),
        reported: (answer) => expect(answer).toMatchObject({ __typename: 'UpsertCatalogItemSuccess', item: { squareId: itemId, name } }),
        // Changed once: a second upsert at the version read would have been refused, and the item would show another version.
        once: async () => {
          const now = (await square.catalog.object.get({ objectId: itemId })).object!;
          expect(now).toMatchObject({ itemData: { name } });
          expect(now.version).not.toBe(item!.version);
        },
      };
    },
  },
  {
    name: 'adjustInventory',
    method: 'POST',
    path: '/v2/inventory/changes/batch-create',
    async arrange(stack) {
      const square = stack.square();
      const { variationId, locationId } = await stockedVariation(square, '10');
      return {
        send: sender(stack, AdjustInventoryDocument, { idempotencyKey: key(), variationId, locationId, fromState: 'IN_STOCK', toState: 'WASTE', quantity: '2' }),
        reported: (answer) =>
          expect(answer).toEqual({
            __typename: 'AdjustInventorySuccess',
            counts: expect.arrayContaining([
              { state: 'IN_STOCK', quantity: '8' },
              { state: 'WASTE', quantity: '2' },
            ]),
          }),
        once: async () => expect(await stockOf(square, variationId, locationId)).toEqual({ IN_STOCK: '8', WASTE: '2' }),
      };
    },
  },
  {
    name: 'deleteCatalogObject',
    method: 'DELETE',
    path: '/v2/catalog/object/*',
    async arrange(stack) {
      const square = stack.square();
      const { catalogObject } = await square.catalog.object.upsert({ idempotencyKey: key(), object: { type: 'CATEGORY', id: '#gone', categoryData: { name: 'Gone' } } });
      const objectId = catalogObject!.id!;
      return {
        send: sender(stack, DeleteCatalogObjectDocument, { id: objectId }),
        reported: (answer) => expect(answer).toEqual({ __typename: 'DeleteCatalogObjectSuccess', deletedIds: [objectId] }),
        once: () => expect(square.catalog.object.get({ objectId })).rejects.toMatchObject({ statusCode: 404 }),
      };
    },
  },
];

/**
 * How the emulator loses a write's answer, and what the caller then does. A caller that
 * got no answer sends the same mutation again, with the same key where it takes one.
 */
const FAULTS: Record<string, (stack: TestStack, c: Case, trial: Trial) => Promise<GraphQLResult<Record<string, unknown>>>> = {
  'answer dropped after the commit': async (stack, c, trial) => {
    await failAfterCommit(stack, c.method, c.path, 'drop');
    return trial.send();
  },
  '500 after the commit': async (stack, c, trial) => {
    await failAfterCommit(stack, c.method, c.path, '500');
    return trial.send();
  },
  'every answer dropped, then the caller retries': async (stack, c, trial) => {
    await addFault(stack, { method: c.method, path: c.path, after_commit: 'drop' });
    const lost = await trial.send();
    await clearFaults(stack);
    // A write settled by reading Square learns its outcome without any answer to it.
    if (!lost.errors) return lost;
    // Otherwise the caller is told the outcome is unknown, not that the write failed or was refused.
    expect(lost.errors.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_ERROR']);
    expect(lost.errors[0]!.message).toMatch(/may have taken effect/);
    return trial.send();
  },
};

describe.each(Object.keys(FAULTS))('every write mutation, %s', (fault) => {
  const stack = useGateway({ maxRetries: 2 });
  beforeAll(async () => {
    const square = stack.square();
    groupId = (await square.customers.groups.create({ group: { name: 'Regulars' } })).group!.id!;
    await square.customers.customAttributeDefinitions.create({ customAttributeDefinition: { key: ATTRIBUTE, name: 'Visits', schema: NUMBER_SCHEMA } });
    await setLoyaltyProgram(stack);
  });
  afterEach(() => clearFaults(stack));

  it.each(CASES)('$name: Square changed once, and the caller is told so', async (c) => {
    const trial = await c.arrange(stack);
    const result = await FAULTS[fault]!(stack, c, trial);
    expect(result.errors).toBeUndefined();
    const [answer] = Object.values(result.data ?? {});
    trial.reported(answer);
    await trial.once();
  });
});

describe('an inventory adjustment retried by its caller', () => {
  const stack = useGateway();
  afterEach(() => clearFaults(stack));

  it('under a key its first request used for another change is a ConflictError, and moves nothing', async () => {
    const square = stack.square();
    const { variationId, locationId } = await stockedVariation(square, '10');
    const input = { idempotencyKey: key(), variationId, locationId, fromState: 'IN_STOCK', toState: 'WASTE', quantity: '2' };
    await addFault(stack, { method: 'POST', path: '/v2/inventory/changes/batch-create', after_commit: 'drop' });
    expect((await stack.gql(AdjustInventoryDocument, { input })).errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    await clearFaults(stack);

    const other = await stack.gql(AdjustInventoryDocument, { input: { ...input, quantity: '3' } });
    expect(other.data?.adjustInventory).toMatchObject({ __typename: 'ConflictError' });
    const same = await stack.gql(AdjustInventoryDocument, { input });
    expect(same.data?.adjustInventory).toMatchObject({ __typename: 'AdjustInventorySuccess', counts: expect.arrayContaining([{ state: 'IN_STOCK', quantity: '8' }]) });
    expect(await stockOf(square, variationId, locationId)).toEqual({ IN_STOCK: '8', WASTE: '2' });
  });
});

describe('writes the SDK would have retried blindly', () => {
  const stack = useGateway({ maxRetries: 2 });
  afterEach(() => clearFaults(stack));
  const deletes = async () => (await stack.calls()).filter((c) => c.startsWith('DELETE /v2/customers/'));

  it('a delete answered 500 after it committed is not sent again, and reports success', async () => {
    const id = await newCustomer(stack.square());
    await failAfterCommit(stack, 'DELETE', '/v2/customers/*', '500');
    await stack.clearCalls();
    const result = await stack.gql(DeleteCustomerDocument, { input: { id } });
    expect(result.data?.deleteCustomer).toEqual({ __typename: 'DeleteCustomerSuccess', deletedCustomerId: id });
    expect(await deletes()).toHaveLength(1);
  });

  it('an update whose note quotes "idempotency_key is no keyed write: answered 500 after it committed, it is not sent again', async () => {
    const id = await newCustomer(stack.square());
    const note = 'Wants to know what "idempotency_key';
    await failAfterCommit(stack, 'PUT', '/v2/customers/*', '500');
    await stack.clearCalls();
    const result = await stack.gql(UpdateCustomerDocument, { input: { id, version: '0', note } });
    expect(result.data?.updateCustomer).toMatchObject({ __typename: 'UpdateCustomerSuccess', customer: { squareId: id, version: '1' } });
    expect((await stack.calls()).filter((c) => c.startsWith('PUT '))).toEqual([`PUT /v2/customers/${id}`]);
    expect((await stack.square().customers.get({ customerId: id })).customer).toMatchObject({ version: 1n, note });
  });

  it('a rate-limited write did nothing and is sent again, without a read to settle it', async () => {
    const id = await newCustomer(stack.square());
    await addFault(stack, { method: 'DELETE', path: '/v2/customers/*', status: 429, code: 'RATE_LIMITED', category: 'RATE_LIMIT_ERROR', count: 1 });
    await stack.clearCalls();
    const result = await stack.gql(DeleteCustomerDocument, { input: { id } });
    expect(result.data?.deleteCustomer).toEqual({ __typename: 'DeleteCustomerSuccess', deletedCustomerId: id });
    expect(await stack.calls()).toEqual([`DELETE /v2/customers/${id}`, `DELETE /v2/customers/${id}`]);
  });

  it('a delete answered 500 before it committed is sent again once Square shows the customer still there', async () => {
    const id = await newCustomer(stack.square());
    await failBeforeCommit(stack, 'DELETE', '/v2/customers/*');
    await stack.clearCalls();
    const result = await stack.gql(DeleteCustomerDocument, { input: { id } });
    expect(result.data?.deleteCustomer).toEqual({ __typename: 'DeleteCustomerSuccess', deletedCustomerId: id });
    expect(await deletes()).toHaveLength(2);
  });
});

describe('a payment that times out', () => {
  const stack = useGateway({ timeoutSeconds: 1 });
  afterEach(() => clearFaults(stack));

  it('is sent again with its key while Square is still on the first attempt: one payment, reported', async () => {
    await addFault(stack, { method: 'POST', path: '/v2/payments', latency_ms: 1500, count: 1 });
    const referenceId = `slow-${key().slice(0, 8)}`;
    const input = { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(2300), referenceId, idempotencyKey: key() };
    const result = await stack.gql(CreatePaymentDocument, { input });
    expect(result.data?.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { referenceId } });
    // The first attempt ends after the gateway gave up on it; it must find the payment the second one took.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await paymentsWithReference(stack.square(), referenceId)).toBe(1);
  });
});

describe('without retries', () => {
  const stack = useGateway({ maxRetries: 0 });
  afterEach(() => clearFaults(stack));

  it('a write Square shows did not take effect is not sent again: the client hears of the failure', async () => {
    const paymentId = await approvedPayment(stack.square(), 2200);
    await failBeforeCommit(stack, 'POST', '/v2/payments/*/complete');
    const result = await stack.gql(CompletePaymentDocument, { input: { paymentId } });
    expect(result.data?.completePayment ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    // Square showed it undone: the client is not told it may have happened.
    expect(result.errors?.[0]?.message).not.toMatch(/may have taken effect/);
    expect((await stack.square().payments.get({ paymentId })).payment?.status).toBe('APPROVED');
  });
});
