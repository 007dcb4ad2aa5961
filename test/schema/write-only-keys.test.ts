import { randomInt } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/apis/api.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { graphql } from '../gql/index.js';
import { arrangeStorefront } from '../support/catalog.js';
import { key } from '../support/fixtures.js';
import { useGateway } from '../support/gateway.js';
import { setUpProgram } from '../support/loyalty.js';
import { newCard, newCustomer, newGiftCard, usd } from '../support/payments.js';

/**
 * One write per mutation, each by a key holding only the scopes that mutation requires:
 * the answer is the success type, the written object's identity and the field that says
 * what Square did are there, and a field the key may not read fails on its own, under the
 * object, leaving the rest of the answer.
 */
interface WriteCase {
  mutation: string;
  /** What the mutation requires today: its write scopes, and CUSTOMERS_READ where it checks that a named customer exists. */
  scopes: Scope[];
  /** Its input type, when not named after the mutation. */
  inputType?: string;
  /** Arranges what the write needs straight through Square; returns its input. */
  input: () => Promise<Record<string, unknown>>;
  /** The success type's field, and what is selected under it when it is an object. */
  data: string;
  select?: string;
  /** The success payload the key may read. */
  expected: unknown;
  /** A field of the written object the key may not read, and the read scope it lacks. */
  forbidden?: { field: string; scope: Scope };
}

const square = () => stack.square();
let locationId: string;

async function approvedPayment(cents = 700): Promise<string> {
  const { payment } = await square().payments.create({
    idempotencyKey: key(),
    sourceId: 'cnon:card-nonce-ok',
    amountMoney: { amount: BigInt(cents), currency: 'USD' },
    autocomplete: false,
  });
  return payment!.id!;
}

async function completedPayment(cents = 900): Promise<string> {
  const { payment } = await square().payments.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', amountMoney: { amount: BigInt(cents), currency: 'USD' } });
  return payment!.id!;
}

async function pendingGiftCard(): Promise<string> {
  const { giftCard } = await square().giftCards.create({ idempotencyKey: key(), locationId, giftCard: { type: 'DIGITAL' } });
  return giftCard!.id!;
}

async function group(): Promise<string> {
  return (await square().customers.groups.create({ group: { name: `Group ${randomInt(1e9)}` } })).group!.id!;
}

async function attributeDefinition(): Promise<string> {
  const attributeKey = `note-${randomInt(1e9)}`;
  await square().customers.customAttributeDefinitions.create({
    customAttributeDefinition: {
      key: attributeKey,
      name: attributeKey,
      schema: { $ref: 'https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common.String' },
    },
  });
  return attributeKey;
}

/** A loyalty account with `stars` on it. */
async function member(stars: number): Promise<string> {
  const phone = `+1415${randomInt(1_000_000, 9_999_999)}`;
  const program = (await square().loyalty.programs.get({ programId: 'main' })).program!;
  const { loyaltyAccount } = await square().loyalty.accounts.create({
    idempotencyKey: key(),
    loyaltyAccount: { programId: program.id!, mapping: { phoneNumber: phone } },
  });
  if (stars > 0) {
    await square().loyalty.accounts.accumulatePoints({ accountId: loyaltyAccount!.id!, idempotencyKey: key(), locationId, accumulatePoints: { points: stars } });
  }
  return loyaltyAccount!.id!;
}

const giftCardActivity = (type: string, balance: string) => ({
  data: 'activity',
  select: 'squareId type balanceMoney { amount } createdAt',
  expected: { type, balanceMoney: { amount: balance }, createdAt: null },
  forbidden: { field: 'createdAt', scope: 'GIFTCARDS_READ' as const },
});

const cases: WriteCase[] = [
  {
    mutation: 'accumulateLoyaltyPoints',
    scopes: ['LOYALTY_WRITE'],
    input: async () => ({ accountId: await member(0), locationId, points: 7, idempotencyKey: key() }),
    data: 'loyaltyAccount',
    select: 'id squareId balance enrolledAt',
    expected: { balance: 7, enrolledAt: null },
    forbidden: { field: 'enrolledAt', scope: 'LOYALTY_READ' },
  },
  {
    mutation: 'activateGiftCard',
    scopes: ['GIFTCARDS_WRITE'],
    input: async () => ({ giftCardId: await pendingGiftCard(), locationId, amountMoney: usd(2500), buyerPaymentInstrumentIds: ['cash'], idempotencyKey: key() }),
    ...giftCardActivity('ACTIVATE', '2500'),
  },
  {
    mutation: 'addCustomerToGroup',
    inputType: 'GroupMembershipInput',
    scopes: ['CUSTOMERS_WRITE'],
    input: async () => ({ customerId: await newCustomer(square()), groupId: await group() }),
    data: 'customer',
    select: 'id squareId version givenName',
    expected: { givenName: null },
    forbidden: { field: 'givenName', scope: 'CUSTOMERS_READ' },
  },
  {
    mutation: 'adjustInventory',
    scopes: ['INVENTORY_WRITE'],
    input: async () => {
      const variationId = (await arrangeStorefront(square(), locationId, 1, '0')).get('#s0')!;
      return { variationId, locationId, fromState: 'NONE', toState: 'IN_STOCK', quantity: '5', idempotencyKey: key() };
    },
    data: 'counts',
    select: 'state quantity calculatedAt',
    expected: expect.arrayContaining([{ state: 'IN_STOCK', quantity: '5', calculatedAt: null }]),
    forbidden: { field: 'calculatedAt', scope: 'INVENTORY_READ' },
  },
  {
    mutation: 'cancelPayment',
    scopes: ['PAYMENTS_WRITE'],
    input: async () => ({ paymentId: await approvedPayment() }),
    data: 'payment',
    select: 'id squareId status amountMoney { amount }',
    expected: { status: 'CANCELED', amountMoney: null },
    forbidden: { field: 'amountMoney', scope: 'PAYMENTS_READ' },
  },
  {
    mutation: 'cancelPaymentByIdempotencyKey',
    scopes: ['PAYMENTS_WRITE'],
    input: async () => ({ idempotencyKey: key() }),
    data: 'canceled',
    expected: true,
  },
  {
    mutation: 'chargeCustomer',
    scopes: ['PAYMENTS_WRITE', 'PAYMENTS_READ', 'CUSTOMERS_READ'],
    input: async () => {
      const customerId = await newCustomer(square());
      await newCard(square(), customerId);
      return { customerId, amountMoney: usd(1500), idempotencyKey: key() };
    },
    data: 'payment',
    select: 'id squareId status order { squareId }',
    expected: { status: 'COMPLETED', order: null },
    forbidden: { field: 'order', scope: 'ORDERS_READ' },
  },
  {
    mutation: 'completePayment',
    scopes: ['PAYMENTS_WRITE'],
    input: async () => ({ paymentId: await approvedPayment() }),
    data: 'payment',
    select: 'id squareId status totalMoney { amount }',
    expected: { status: 'COMPLETED', totalMoney: null },
    forbidden: { field: 'totalMoney', scope: 'PAYMENTS_READ' },
  },
  {
    mutation: 'createCustomer',
    scopes: ['CUSTOMERS_WRITE'],
    input: async () => ({ givenName: 'Writer', idempotencyKey: key() }),
    data: 'customer',
    select: 'id squareId version givenName',
    expected: { givenName: null },
    forbidden: { field: 'givenName', scope: 'CUSTOMERS_READ' },
  },
  {
    mutation: 'createGiftCard',
    scopes: ['GIFTCARDS_WRITE'],
    input: async () => ({ locationId, idempotencyKey: key() }),
    data: 'giftCard',
    select: 'id squareId state gan',
    expected: { state: 'PENDING', gan: null },
    forbidden: { field: 'gan', scope: 'GIFTCARDS_READ' },
  },
  {
    mutation: 'createLocation',
    scopes: ['MERCHANT_PROFILE_WRITE'],
    input: async () => ({ name: `Kiosk ${key()}` }),
    data: 'location',
    select: 'id squareId status name',
    expected: { status: 'ACTIVE', name: null },
    forbidden: { field: 'name', scope: 'MERCHANT_PROFILE_READ' },
  },
  {
    mutation: 'createOrder',
    scopes: ['ORDERS_WRITE'],
    input: async () => ({ locationId, lineItems: [{ name: 'Tea', quantity: '2', basePriceMoney: usd(300) }], idempotencyKey: key() }),
    data: 'order',
    select: 'id squareId state totalMoney { amount }',
    expected: { state: 'OPEN', totalMoney: null },
    forbidden: { field: 'totalMoney', scope: 'ORDERS_READ' },
  },
  {
    mutation: 'createPayment',
    scopes: ['PAYMENTS_WRITE'],
    input: async () => ({ sourceId: 'cnon:card-nonce-ok', amountMoney: usd(1200), idempotencyKey: key() }),
    data: 'payment',
    select: 'id squareId status amountMoney { amount }',
    expected: { status: 'COMPLETED', amountMoney: null },
    forbidden: { field: 'amountMoney', scope: 'PAYMENTS_READ' },
  },
  {
    mutation: 'deactivateGiftCard',
    scopes: ['GIFTCARDS_WRITE'],
    input: async () => ({ giftCardId: await newGiftCard(square(), 1000), locationId, idempotencyKey: key() }),
    ...giftCardActivity('DEACTIVATE', '1000'),
  },
  {
    mutation: 'decrementGiftCardBalance',
    scopes: ['GIFTCARDS_WRITE'],
    input: async () => ({
      giftCardId: await newGiftCard(square(), 1000),
      locationId,
      amountMoney: usd(400),
      reason: 'SUPPORT_ISSUE',
      idempotencyKey: key(),
    }),
    ...giftCardActivity('ADJUST_DECREMENT', '600'),
  },
  {
    mutation: 'deleteCatalogObject',
    scopes: ['ITEMS_WRITE'],
    input: async () => ({ id: (await arrangeStorefront(square(), locationId, 1)).get('#s0')! }),
    data: 'deletedIds',
    expected: expect.arrayContaining([expect.any(String)]),
  },
  {
    mutation: 'deleteCustomer',
    scopes: ['CUSTOMERS_WRITE'],
    input: async () => ({ id: await newCustomer(square()) }),
    data: 'deletedCustomerId',
    expected: expect.any(String),
  },
  {
    mutation: 'deleteCustomerCustomAttribute',
    scopes: ['CUSTOMERS_WRITE'],
    input: async () => {
      const [customerId, attributeKey] = [await newCustomer(square()), await attributeDefinition()];
      await square().customers.customAttributes.upsert({ customerId, key: attributeKey, customAttribute: { value: 'oat milk' } });
      return { customerId, key: attributeKey };
    },
    data: 'deletedKey',
    expected: expect.stringMatching(/^note-/),
  },
  {
    mutation: 'disableCard',
    scopes: ['PAYMENTS_WRITE'],
    input: async () => ({ cardId: await newCard(square(), await newCustomer(square())) }),
    data: 'card',
    select: 'id squareId enabled last4',
    expected: { enabled: false, last4: null },
    forbidden: { field: 'last4', scope: 'PAYMENTS_READ' },
  },
  {
    mutation: 'incrementGiftCardBalance',
    scopes: ['GIFTCARDS_WRITE'],
    input: async () => ({
      giftCardId: await newGiftCard(square(), 1000),
      locationId,
      amountMoney: usd(250),
      reason: 'COMPLIMENTARY',
      idempotencyKey: key(),
    }),
    ...giftCardActivity('ADJUST_INCREMENT', '1250'),
  },
  {
    mutation: 'linkGiftCardToCustomer',
    inputType: 'GiftCardCustomerInput',
    scopes: ['GIFTCARDS_WRITE', 'CUSTOMERS_READ'],
    input: async () => ({ giftCardId: await newGiftCard(square(), 1000), customerId: await newCustomer(square()) }),
    data: 'giftCard',
    select: 'id squareId state balanceMoney { amount }',
    expected: { state: 'ACTIVE', balanceMoney: null },
    forbidden: { field: 'balanceMoney', scope: 'GIFTCARDS_READ' },
  },
  {
    mutation: 'loadGiftCard',
    scopes: ['GIFTCARDS_WRITE'],
    input: async () => ({
      giftCardId: await newGiftCard(square(), 1000),
      locationId,
      amountMoney: usd(500),
      buyerPaymentInstrumentIds: ['cash'],
      idempotencyKey: key(),
    }),
    ...giftCardActivity('LOAD', '1500'),
  },
  {
    mutation: 'payOrder',
    scopes: ['PAYMENTS_WRITE', 'ORDERS_WRITE'],
    input: async () => {
      const { order } = await square().orders.create({
        idempotencyKey: key(),
        order: { locationId, lineItems: [{ name: 'Beans', quantity: '1', basePriceMoney: { amount: 800n, currency: 'USD' } }] },
      });
      const { payment } = await square().payments.create({
        idempotencyKey: key(),
        sourceId: 'cnon:card-nonce-ok',
        amountMoney: order!.totalMoney!,
        orderId: order!.id!,
        autocomplete: false,
      });
      return { orderId: order!.id!, paymentIds: [payment!.id!], idempotencyKey: key() };
    },
    data: 'order',
    select: 'id squareId state totalMoney { amount }',
    expected: { state: 'COMPLETED', totalMoney: null },
    forbidden: { field: 'totalMoney', scope: 'ORDERS_READ' },
  },
  {
    mutation: 'redeemGiftCard',
    scopes: ['GIFTCARDS_WRITE'],
    input: async () => ({ giftCardId: await newGiftCard(square(), 1000), locationId, amountMoney: usd(300), idempotencyKey: key() }),
    ...giftCardActivity('REDEEM', '700'),
  },
  {
    mutation: 'redeemLoyaltyReward',
    scopes: ['LOYALTY_WRITE'],
    input: async () => {
      const program = (await square().loyalty.programs.get({ programId: 'main' })).program!;
      return { accountId: await member(12), rewardTierId: program.rewardTiers![0]!.id!, locationId, idempotencyKey: key() };
    },
    data: 'reward',
    select: 'squareId status order { squareId }',
    expected: { status: 'REDEEMED', order: null },
    forbidden: { field: 'order', scope: 'ORDERS_READ' },
  },
  {
    mutation: 'refundPayment',
    scopes: ['PAYMENTS_WRITE', 'PAYMENTS_READ'],
    input: async () => ({ paymentId: await completedPayment(), amountMoney: usd(400), idempotencyKey: key() }),
    data: 'refund',
    select: 'id squareId status order { squareId }',
    expected: { status: expect.stringMatching(/^(PENDING|COMPLETED)$/), order: null },
    forbidden: { field: 'order', scope: 'ORDERS_READ' },
  },
  {
    mutation: 'removeCustomerFromGroup',
    inputType: 'GroupMembershipInput',
    scopes: ['CUSTOMERS_WRITE'],
    input: async () => {
      const [customerId, groupId] = [await newCustomer(square()), await group()];
      await square().customers.groups.add({ customerId, groupId });
      return { customerId, groupId };
    },
    data: 'customer',
    select: 'id squareId version givenName',
    expected: { givenName: null },
    forbidden: { field: 'givenName', scope: 'CUSTOMERS_READ' },
  },
  {
    mutation: 'saveCard',
    scopes: ['CUSTOMERS_WRITE', 'PAYMENTS_WRITE', 'CUSTOMERS_READ'],
    input: async () => ({ customerId: await newCustomer(square()), sourceId: 'cnon:card-nonce-ok', customerConsent: true, idempotencyKey: key() }),
    data: 'card',
    select: 'id squareId enabled last4',
    expected: { enabled: true, last4: null },
    forbidden: { field: 'last4', scope: 'PAYMENTS_READ' },
  },
  {
    mutation: 'unlinkGiftCardFromCustomer',
    inputType: 'GiftCardCustomerInput',
    scopes: ['GIFTCARDS_WRITE', 'CUSTOMERS_READ'],
    input: async () => {
      const [giftCardId, customerId] = [await newGiftCard(square(), 1000), await newCustomer(square())];
      await square().giftCards.linkCustomer({ giftCardId, customerId });
      return { giftCardId, customerId };
    },
    data: 'giftCard',
    select: 'id squareId state balanceMoney { amount }',
    expected: { state: 'ACTIVE', balanceMoney: null },
    forbidden: { field: 'balanceMoney', scope: 'GIFTCARDS_READ' },
  },
  {
    mutation: 'updateCustomer',
    scopes: ['CUSTOMERS_WRITE'],
    input: async () => ({ id: await newCustomer(square()), familyName: 'Changed' }),
    data: 'customer',
    select: 'id squareId version familyName',
    expected: { version: expect.anything(), familyName: null },
    forbidden: { field: 'familyName', scope: 'CUSTOMERS_READ' },
  },
  {
    mutation: 'updateLocation',
    scopes: ['MERCHANT_PROFILE_WRITE'],
    input: async () => ({ id: (await square().locations.create({ location: { name: `Stall ${key()}` } })).location!.id!, status: 'INACTIVE' }),
    data: 'location',
    select: 'id squareId status timezone',
    expected: { status: 'INACTIVE', timezone: null },
    forbidden: { field: 'timezone', scope: 'MERCHANT_PROFILE_READ' },
  },
  {
    mutation: 'upsertCatalogItem',
    scopes: ['ITEMS_WRITE'],
    input: async () => ({ name: 'Scone', variations: [{ name: 'Plain' }], idempotencyKey: key() }),
    data: 'item',
    select: 'id squareId name',
    expected: { name: null },
    forbidden: { field: 'name', scope: 'ITEMS_READ' },
  },
  {
    mutation: 'upsertCustomerCustomAttribute',
    scopes: ['CUSTOMERS_WRITE'],
    input: async () => ({ customerId: await newCustomer(square()), key: await attributeDefinition(), value: 'oat milk', idempotencyKey: key() }),
    data: 'customAttribute',
    select: 'key version value',
    expected: { key: expect.stringMatching(/^note-/), version: 1, value: null },
    forbidden: { field: 'value', scope: 'CUSTOMERS_READ' },
  },
];

/** The gateway's own mutations, which write nothing at Square (bulk operations, test/bulk/): no write scope to hold. */
/**
 * Mutations that write no Square object and whose results hold no field a scope guards: disconnectSeller (a partner
 * key's own; test/apis/oauth/sellers.test.ts), the outbound webhooks' (the gateway's own records; test/outbound/) and
 * the bulk operations' (test/bulk/).
 */
const GATEWAY_MUTATIONS = new Set([
  'disconnectSeller',
  'webhookSubscriptionCreate',
  'webhookSubscriptionUpdate',
  'webhookSubscriptionDelete',
  'webhookDeliveryResend',
  'bulkOperationRunQuery',
  'cancelBulkOperation',
]);

const keys = new Map(cases.map((c) => [c.mutation, generateKey(c.mutation, c.scopes)]));
const stack = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [...keys.values()].map((k) => k.entry) }), 'test keys') });
const as = (mutation: string) => ({ headers: { 'x-api-key': keys.get(mutation)!.key } });

beforeAll(async () => {
  await setUpProgram(stack);
  locationId = (await square().locations.list()).locations![0]!.id!;
});

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const forbiddenErrors = (errors: Array<{ path?: readonly (string | number)[]; extensions?: Record<string, unknown> }> = []) =>
  errors.map((e) => ({ path: e.path, code: e.extensions?.code, scopes: e.extensions?.scopes }));

describe('a key with only the scopes a mutation requires', () => {
  it('covers every mutation of the schema', async () => {
    const { data } = await stack.gql(graphql(`query WriteOnlyMutationNames { __type(name: "Mutation") { fields { name } } }`), {}, as('createPayment'));
    const squareWrites = data!.__type!.fields!.map((f) => f.name).filter((name) => !GATEWAY_MUTATIONS.has(name));
    expect(cases.map((c) => c.mutation).sort()).toEqual(squareWrites.sort());
  });

  it.each(cases.map((c) => [c.mutation, c] as const))('%s: the answer says what Square did', async (_name, c) => {
    const input = await c.input();
    const type = capitalize(c.mutation);
    const document = `mutation($input: ${c.inputType ?? `${type}Input`}!) { ${c.mutation}(input: $input) { __typename
      ... on ${type}Success { ${c.data} ${c.select ? `{ ${c.select} }` : ''} } ... on Error { message } } }`;
    const result = await stack.gql(document, { input }, as(c.mutation));
    expect(result.data?.[c.mutation]?.__typename, JSON.stringify(result)).toBe(`${type}Success`);
    const written = result.data[c.mutation][c.data];
    if (c.select && !Array.isArray(written)) expect(written).toMatchObject(c.expected as object);
    else expect(written).toEqual(c.expected);
    if (!c.forbidden) {
      expect(result.errors).toBeUndefined();
      return;
    }
    for (const object of [written].flat()) {
      if (object.id !== undefined) expect(object.id).toEqual(expect.any(String));
      if (object.squareId !== undefined) expect(object.squareId).toEqual(expect.any(String));
    }
    const errors = forbiddenErrors(result.errors);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toEqual({ path: expect.arrayContaining([c.mutation, c.data, c.forbidden.field]), code: 'FORBIDDEN', scopes: [c.forbidden.scope] });
      expect(error.path!.at(-1)).toBe(c.forbidden.field);
    }
  });
});

describe('what a write result grants', () => {
  it('reaches only the object the write returned: the same payment read by node(id) needs PAYMENTS_READ', async () => {
    const created = await stack.gql(
      graphql(`mutation WriteOnlyCreatePayment($input: CreatePaymentInput!) { createPayment(input: $input) { __typename ... on CreatePaymentSuccess { payment { id status } } } }`),
      { input: { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(500), idempotencyKey: key() } },
      as('createPayment'),
    );
    if (created.data?.createPayment?.__typename !== 'CreatePaymentSuccess') throw new Error(JSON.stringify(created));
    const { id, status } = created.data.createPayment.payment;
    expect(status).toBe('COMPLETED');
    // Not even __typename: an answer would tell a key that may not read payments which ids exist.
    const read = await stack.gql(graphql(`query WriteOnlyPaymentNode($id: ID!) { node(id: $id) { __typename ... on Payment { status } } }`), { id }, as('createPayment'));
    expect(read.data?.node).toBeNull();
    expect(forbiddenErrors(read.errors)).toEqual([{ path: ['node'], code: 'FORBIDDEN', scopes: ['PAYMENTS_READ'] }]);
  });
});
