import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../../src/gateway/api-keys.js';
import {
  NodeByIdDocument,
  NodeLookupDocument,
  ActivateGiftCardDocument,
  CreateGiftCardDocument,
  DeactivateGiftCardDocument,
  DecrementGiftCardBalanceDocument,
  GiftCardHistoryDocument,
  GiftCardListDocument,
  GiftCardLiveDocument,
  IncrementGiftCardBalanceDocument,
  LoadGiftCardDocument,
  RedeemGiftCardDocument,
} from '../../gql/graphql.js';
import { graphql } from '../../gql/index.js';
import { key } from '../../support/fixtures.js';
import { countCalls, SERVER_TOKEN, useGateway, type TestStack } from '../../support/gateway.js';
import { newCustomer, newGiftCard, usd, writes } from '../../support/payments.js';
import { subscribeSse, type SseSubscription } from '../../support/sse.js';

const stack = useGateway();
let locationId: string;

beforeAll(async () => {
  locationId = (await stack.square().locations.list()).locations![0]!.id!;
});

/** A new PENDING digital gift card, made through the gateway. */
async function pendingCard(on: TestStack = stack): Promise<{ id: string; squareId: string }> {
  const location = (await on.square().locations.list()).locations![0]!.id!;
  const created = await on.gql(CreateGiftCardDocument, { input: { locationId: location, idempotencyKey: key() } });
  if (created.data?.createGiftCard?.__typename !== 'CreateGiftCardSuccess') throw new Error(JSON.stringify(created));
  return created.data.createGiftCard.giftCard;
}

const paidElsewhere = (giftCardId: string, cents: number) => ({
  giftCardId,
  locationId,
  amountMoney: usd(cents),
  buyerPaymentInstrumentIds: ['ext-card-4242'],
  idempotencyKey: key(),
});

/** An ACTIVE gift card with `cents` on it. */
async function activeCard(cents: number): Promise<{ id: string; squareId: string }> {
  const card = await pendingCard();
  const activated = await stack.gql(ActivateGiftCardDocument, { input: paidElsewhere(card.id, cents) });
  expect(activated.data?.activateGiftCard?.__typename).toBe('ActivateGiftCardSuccess');
  return card;
}

/** Makes the emulator fail the next matching call as the fault says (see the control plane). */
async function injectFault(fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  expect(response.ok).toBe(true);
}

async function activityTypes(giftCardId: string): Promise<string[]> {
  const history = await stack.gql(GiftCardHistoryDocument, { id: giftCardId });
  return history.data!.giftCard!.activities!.edges.map((e) => e.node.type);
}

describe('the gift card life cycle', () => {
  it('creates a digital card, then activates, loads, adjusts, redeems and deactivates it', async () => {
    const created = await stack.gql(CreateGiftCardDocument, { input: { locationId, idempotencyKey: key() } });
    expect(created.data?.createGiftCard).toMatchObject({
      __typename: 'CreateGiftCardSuccess',
      giftCard: { type: 'DIGITAL', state: 'PENDING', balanceMoney: { amount: '0', currency: 'USD' } },
    });
    if (created.data?.createGiftCard?.__typename !== 'CreateGiftCardSuccess') return;
    const card = created.data.createGiftCard.giftCard;
    expect(card.gan).toMatch(/^\d{16}$/);

    const activated = await stack.gql(ActivateGiftCardDocument, { input: paidElsewhere(card.id, 5000) });
    expect(activated.data?.activateGiftCard).toMatchObject({
      __typename: 'ActivateGiftCardSuccess',
      activity: {
        type: 'ACTIVATE',
        amountMoney: { amount: '5000', currency: 'USD' },
        balanceMoney: { amount: '5000' },
        giftCard: { squareId: card.squareId, state: 'ACTIVE', balanceMoney: { amount: '5000', formatted: '$50.00' } },
      },
    });
    const steps = [
      [LoadGiftCardDocument, 'loadGiftCard', { ...paidElsewhere(card.id, 2500), referenceId: 'sale-17' }, 7500],
      [IncrementGiftCardBalanceDocument, 'incrementGiftCardBalance', { giftCardId: card.id, locationId, amountMoney: usd(500), reason: 'COMPLIMENTARY', idempotencyKey: key() }, 8000],
      [DecrementGiftCardBalanceDocument, 'decrementGiftCardBalance', { giftCardId: card.squareId, locationId, amountMoney: usd(1000), reason: 'SUPPORT_ISSUE', idempotencyKey: key() }, 7000],
      [RedeemGiftCardDocument, 'redeemGiftCard', { giftCardId: card.id, locationId, amountMoney: usd(3000), referenceId: 'till-4', idempotencyKey: key() }, 4000],
    ] as const;
    for (const [document, field, input, balance] of steps) {
      const result: any = await stack.gql(document as any, { input });
      expect(result.data[field], field).toMatchObject({ activity: { giftCard: { state: 'ACTIVE', balanceMoney: { amount: String(balance) } } } });
    }
    const deactivated = await stack.gql(DeactivateGiftCardDocument, { input: { giftCardId: card.id, locationId, idempotencyKey: key() } });
    expect(deactivated.data?.deactivateGiftCard).toMatchObject({
      activity: { type: 'DEACTIVATE', amountMoney: null, giftCard: { state: 'DEACTIVATED', balanceMoney: { amount: '4000' } } },
    });

    expect(await activityTypes(card.id)).toEqual(['DEACTIVATE', 'REDEEM', 'ADJUST_DECREMENT', 'ADJUST_INCREMENT', 'LOAD', 'ACTIVATE']);
    const { giftCard } = await stack.square().giftCards.get({ id: card.squareId });
    expect(giftCard).toMatchObject({ state: 'DEACTIVATED', balanceMoney: { amount: 4000n } });
    const { data: activities } = await stack.square().giftCards.activities.list({ giftCardId: card.squareId, type: 'REDEEM' });
    expect(activities[0]?.redeemActivityDetails).toMatchObject({ referenceId: 'till-4', amountMoney: { amount: 3000n } });
  });

  it('activates a card from a Square order’s GIFT_CARD line item, once', async () => {
    const { order } = await stack.square().orders.create({
      idempotencyKey: key(),
      order: {
        locationId,
        lineItems: [{ name: 'Gift card', quantity: '1', itemType: 'GIFT_CARD', basePriceMoney: { amount: 2500n, currency: 'USD' } }],
      },
    });
    const lineItemUid = order!.lineItems![0]!.uid!;
    const card = await pendingCard();
    const activated = await stack.gql(ActivateGiftCardDocument, {
      input: { giftCardId: card.id, locationId, orderId: order!.id!, lineItemUid, idempotencyKey: key() },
    });
    expect(activated.data?.activateGiftCard).toMatchObject({
      activity: { amountMoney: { amount: '2500' }, giftCard: { state: 'ACTIVE', balanceMoney: { amount: '2500' } } },
    });
    // Square names the field of a refused request; the gateway names the input's.
    const twice = await stack.gql(LoadGiftCardDocument, {
      input: { giftCardId: card.id, locationId, orderId: order!.id!, lineItemUid, idempotencyKey: key() },
    });
    expect(twice.data?.loadGiftCard).toMatchObject({ __typename: 'ValidationError', field: 'input.lineItemUid' });
  });

  it('refuses a step the card’s state does not allow, saying why in the graph’s words, and records nothing', async () => {
    const pending = await pendingCard();
    const load = await stack.gql(LoadGiftCardDocument, { input: paidElsewhere(pending.id, 1000) });
    expect(load.data?.loadGiftCard).toEqual({
      __typename: 'GiftCardStateError',
      state: 'PENDING',
      code: 'INVALID_GIFT_CARD_STATE',
      message: 'A pending gift card cannot be loaded: activate it first with activateGiftCard.',
    });
    const redeem = await stack.gql(RedeemGiftCardDocument, { input: { giftCardId: pending.id, locationId, amountMoney: usd(1), idempotencyKey: key() } });
    expect(redeem.data?.redeemGiftCard).toMatchObject({ __typename: 'GiftCardStateError', message: 'A pending gift card cannot be redeemed: activate it first with activateGiftCard.' });

    const active = await activeCard(1000);
    const again = await stack.gql(ActivateGiftCardDocument, { input: paidElsewhere(active.id, 1000) });
    expect(again.data?.activateGiftCard).toMatchObject({
      __typename: 'GiftCardStateError',
      state: 'ACTIVE',
      message: 'An active gift card cannot be activated: it is already active; add money with loadGiftCard.',
    });

    await stack.gql(DeactivateGiftCardDocument, { input: { giftCardId: active.id, locationId, idempotencyKey: key() } });
    const afterwards = await stack.gql(IncrementGiftCardBalanceDocument, {
      input: { giftCardId: active.id, locationId, amountMoney: usd(100), reason: 'SUPPORT_ISSUE', idempotencyKey: key() },
    });
    expect(afterwards.data?.incrementGiftCardBalance).toMatchObject({
      __typename: 'GiftCardStateError',
      state: 'DEACTIVATED',
      message: 'A deactivated gift card cannot be credited: deactivation is permanent.',
    });
    const deactivateAgain = await stack.gql(DeactivateGiftCardDocument, { input: { giftCardId: active.id, locationId, idempotencyKey: key() } });
    expect(deactivateAgain.data?.deactivateGiftCard).toMatchObject({ __typename: 'GiftCardStateError', message: 'This gift card is already deactivated.' });

    expect(await activityTypes(pending.id)).toEqual([]);
    expect(await activityTypes(active.id)).toEqual(['DEACTIVATE', 'ACTIVATE']);
  });

  it('leaves a card Square blocked for a chargeback alone until Square unblocks it; it can still be deactivated', async () => {
    const card = await activeCard(3000);
    const chargeback = async (action: 'block' | 'unblock') => {
      const response = await fetch(`${stack.emulatorUrl}/_emulator/gift-cards/${card.squareId}/${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SERVER_TOKEN}` },
      });
      expect(response.status).toBe(200);
    };
    await chargeback('block');
    const redeem = await stack.gql(RedeemGiftCardDocument, { input: { giftCardId: card.id, locationId, amountMoney: usd(100), idempotencyKey: key() } });
    expect(redeem.data?.redeemGiftCard).toEqual({
      __typename: 'GiftCardStateError',
      state: 'BLOCKED',
      code: 'INVALID_GIFT_CARD_STATE',
      message: 'A blocked gift card cannot be redeemed: Square blocks a card while a chargeback on it is open, and unblocks it when the chargeback is settled.',
    });
    await chargeback('unblock');
    const afterwards = await stack.gql(RedeemGiftCardDocument, { input: { giftCardId: card.id, locationId, amountMoney: usd(100), idempotencyKey: key() } });
    expect(afterwards.data?.redeemGiftCard).toMatchObject({ activity: { giftCard: { state: 'ACTIVE', balanceMoney: { amount: '2900' } } } });

    await chargeback('block');
    const deactivated = await stack.gql(DeactivateGiftCardDocument, { input: { giftCardId: card.id, locationId, idempotencyKey: key() } });
    expect(deactivated.data?.deactivateGiftCard).toMatchObject({ activity: { giftCard: { state: 'DEACTIVATED' } } });
    expect(await activityTypes(card.id)).toEqual(['DEACTIVATE', 'BLOCK', 'REDEEM', 'UNBLOCK', 'BLOCK', 'ACTIVATE']);
  });

  it('refuses to take off more than the balance, and takes nothing', async () => {
    const card = await activeCard(5000);
    const redeem = await stack.gql(RedeemGiftCardDocument, { input: { giftCardId: card.id, locationId, amountMoney: usd(6000), idempotencyKey: key() } });
    expect(redeem.data?.redeemGiftCard).toEqual({
      __typename: 'InsufficientBalanceError',
      code: 'INSUFFICIENT_FUNDS',
      message: 'The gift card’s balance is less than the $60.00 asked for.',
      balanceMoney: { amount: '5000' },
    });
    const decrement = await stack.gql(DecrementGiftCardBalanceDocument, {
      input: { giftCardId: card.id, locationId, amountMoney: usd(5001), reason: 'SUSPICIOUS_ACTIVITY', idempotencyKey: key() },
    });
    expect(decrement.data?.decrementGiftCardBalance).toMatchObject({ __typename: 'InsufficientBalanceError', balanceMoney: { amount: '5000' } });
    expect(await activityTypes(card.id)).toEqual(['ACTIVATE']);
    const all = await stack.gql(RedeemGiftCardDocument, { input: { giftCardId: card.id, locationId, amountMoney: usd(5000), idempotencyKey: key() } });
    expect(all.data?.redeemGiftCard).toMatchObject({ activity: { giftCard: { balanceMoney: { amount: '0' } } } });
  });

  it('answers a retry with the same key with the same result, and Square holds one activity', async () => {
    const createInput = { locationId, idempotencyKey: key() };
    const [first, retry] = [await stack.gql(CreateGiftCardDocument, { input: createInput }), await stack.gql(CreateGiftCardDocument, { input: createInput })];
    expect(retry.data).toEqual(first.data);

    const card = await activeCard(5000);
    const input = { giftCardId: card.id, locationId, amountMoney: usd(1200), idempotencyKey: key() };
    const redeemed = await stack.gql(RedeemGiftCardDocument, { input });
    const again = await stack.gql(RedeemGiftCardDocument, { input });
    if (redeemed.data?.redeemGiftCard?.__typename !== 'RedeemGiftCardSuccess' || again.data?.redeemGiftCard?.__typename !== 'RedeemGiftCardSuccess') {
      throw new Error(JSON.stringify([redeemed, again]));
    }
    expect(again.data.redeemGiftCard.activity.squareId).toBe(redeemed.data.redeemGiftCard.activity.squareId);
    expect(again.data.redeemGiftCard.activity.giftCard?.balanceMoney?.amount).toBe('3800');
    expect(await activityTypes(card.id)).toEqual(['REDEEM', 'ACTIVATE']);

    const other = await stack.gql(RedeemGiftCardDocument, { input: { ...input, amountMoney: usd(100) } });
    expect(other.data?.redeemGiftCard).toMatchObject({ __typename: 'ConflictError', code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('records one activity when the answer to the first attempt was lost, and reports it as done', async () => {
    const card = await activeCard(5000);
    await injectFault({ method: 'POST', path: '/v2/gift-cards/activities', after_commit: 'drop', count: 1 });
    const input = { giftCardId: card.id, locationId, amountMoney: usd(700), idempotencyKey: key() };
    // The gateway sends the keyed write again itself, and Square answers with the first attempt's activity.
    const settled = await stack.gql(RedeemGiftCardDocument, { input });
    expect(settled.data?.redeemGiftCard).toMatchObject({ __typename: 'RedeemGiftCardSuccess', activity: { giftCard: { balanceMoney: { amount: '4300' } } } });
    const retry = await stack.gql(RedeemGiftCardDocument, { input });
    expect(retry.data?.redeemGiftCard).toMatchObject({ __typename: 'RedeemGiftCardSuccess', activity: { giftCard: { balanceMoney: { amount: '4300' } } } });
    expect(await activityTypes(card.id)).toEqual(['REDEEM', 'ACTIVATE']);
  });

  it('reports a load over Square’s limit as a ValidationError on the amount', async () => {
    const card = await activeCard(1000);
    await injectFault({
      method: 'POST',
      path: '/v2/gift-cards/activities',
      status: 400,
      category: 'PAYMENT_METHOD_ERROR',
      code: 'PAYMENT_LIMIT_EXCEEDED',
      detail: 'The gift card balance would exceed the maximum.',
      count: 1,
    });
    const load = await stack.gql(LoadGiftCardDocument, { input: paidElsewhere(card.id, 500_000) });
    expect(load.data?.loadGiftCard).toEqual({
      __typename: 'ValidationError',
      field: 'input.amountMoney.amount',
      code: 'PAYMENT_LIMIT_EXCEEDED',
      message: 'The gift card balance would exceed the maximum.',
    });
  });

  it('refuses bad input naming the field, before any Square call', async () => {
    const giftCardId = 'gftc:0123456789abcdef';
    const base = paidElsewhere(giftCardId, 100);
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ amountMoney: usd(0) }, 'input.amountMoney.amount', 'amount must be greater than 0'],
      [{ amountMoney: undefined }, 'input.amountMoney', 'Without orderId, pass amountMoney: what the buyer paid onto the card.'],
      [{ buyerPaymentInstrumentIds: [] }, 'input.buyerPaymentInstrumentIds'],
      [{ buyerPaymentInstrumentIds: ['x'.repeat(256)] }, 'input.buyerPaymentInstrumentIds.0'],
      [{ orderId: 'ORDER1' }, 'input.lineItemUid', 'With orderId, pass lineItemUid: the uid of the order’s GIFT_CARD line item.'],
      [{ lineItemUid: 'uid-1' }, 'input.lineItemUid'],
      [{ orderId: 'bad id!', lineItemUid: 'uid-1' }, 'input.orderId'],
      [{ referenceId: 'r'.repeat(256) }, 'input.referenceId'],
      [{ idempotencyKey: '' }, 'input.idempotencyKey', 'idempotencyKey must not be empty'],
      [{ idempotencyKey: 'k'.repeat(129) }, 'input.idempotencyKey', 'idempotencyKey is at most 128 characters'],
      [{ giftCardId: 'bad id!' }, 'input.giftCardId'],
      [{ locationId: 'bad id!' }, 'input.locationId'],
      [
        { giftCardId: '7783320000000000' },
        'input.giftCardId',
        'This looks like a gift card account number (GAN), not a gift card id: look the card up with giftCardByGan(gan:), then use its id or squareId.',
      ],
    ];
    await stack.clearCalls();
    for (const [change, field, message] of cases) {
      const result = await stack.gql(LoadGiftCardDocument, { input: { ...base, ...change } as never });
      expect(result.data?.loadGiftCard, field).toMatchObject({ __typename: 'ValidationError', field, ...(message ? { message } : {}) });
    }
    const redeem = await stack.gql(RedeemGiftCardDocument, { input: { giftCardId, locationId, amountMoney: usd(-1), idempotencyKey: key() } });
    expect(redeem.data?.redeemGiftCard).toMatchObject({ __typename: 'ValidationError', field: 'input.amountMoney.amount' });
    const create = await stack.gql(CreateGiftCardDocument, { input: { locationId, idempotencyKey: 'k'.repeat(129) } });
    expect(create.data?.createGiftCard).toMatchObject({ __typename: 'ValidationError', field: 'input.idempotencyKey' });
    expect(await stack.calls()).toEqual([]);
  });

  it('reports what Square does not find as NotFoundError', async () => {
    const unknownCard = await stack.gql(RedeemGiftCardDocument, {
      input: { giftCardId: 'gftc:doesnotexist', locationId, amountMoney: usd(100), idempotencyKey: key() },
    });
    expect(unknownCard.data?.redeemGiftCard).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const unknownLocation = await stack.gql(CreateGiftCardDocument, { input: { locationId: 'LNOSUCHPLACE', idempotencyKey: key() } });
    expect(unknownLocation.data?.createGiftCard).toMatchObject({ __typename: 'NotFoundError' });
  });
});

describe('giftCard(id:) with a gift card account number', () => {
  it('points to giftCardByGan instead of saying nothing was found, without calling Square', async () => {
    await stack.clearCalls();
    const result = await stack.gql(GiftCardHistoryDocument, { id: '7783320000000000' });
    expect(result.data?.giftCard).toBeNull();
    expect(result.errors?.[0]).toMatchObject({
      message: expect.stringContaining('giftCardByGan(gan:)'),
      extensions: { code: 'BAD_USER_INPUT', argument: 'id' },
    });
    expect(result.errors?.[0]?.message).not.toContain('7783320000000000');
    expect(await stack.calls()).toEqual([]);
  });

  it('gives node(id:) and nodes(ids:) the same hint', async () => {
    await stack.clearCalls();
    const single = await stack.gql(NodeByIdDocument, { id: '7783320000000000' });
    const many = await stack.gql(NodeLookupDocument, { ids: ['7783320000000000'] });
    for (const [result, argument] of [[single, 'id'], [many, 'ids']] as const) {
      expect(result.errors?.[0]).toMatchObject({ message: expect.stringContaining('giftCardByGan(gan:)'), extensions: { code: 'BAD_USER_INPUT', argument } });
      expect(result.errors?.[0]?.message).not.toContain('7783320000000000');
    }
    expect(await stack.calls()).toEqual([]);
  });
});

describe('giftCards', () => {
  // A merchant of its own, so that the list holds exactly the cards made here.
  const own = useGateway();
  const cards: Record<string, string> = {};
  let customerId: string;

  beforeAll(async () => {
    const square = own.square();
    const location = (await square.locations.list()).locations![0]!.id!;
    for (const name of ['pending1', 'pending2', 'active1', 'active2', 'active3']) cards[name] = (await pendingCard(own)).squareId;
    for (const name of ['active1', 'active2', 'active3']) {
      await own.gql(ActivateGiftCardDocument, { input: { ...paidElsewhere(cards[name]!, 1000), locationId: location } });
    }
    const { giftCard } = await square.giftCards.create({
      idempotencyKey: key(),
      locationId: location,
      giftCard: { type: 'PHYSICAL', gan: '7783000011112222' },
    });
    cards.physical = giftCard!.id!;
    customerId = await newCustomer(square);
    await square.giftCards.linkCustomer({ giftCardId: cards.active2!, customerId });
  });

  const ids = (result: Awaited<ReturnType<typeof listAll>>) => result.map((n) => n.squareId).sort();
  async function listAll(filter?: Record<string, unknown>, first = 2) {
    const nodes = [];
    let after: string | null | undefined;
    for (;;) {
      const page = await own.gql(GiftCardListDocument, { first, after, filter: filter as never });
      expect(page.errors).toBeUndefined();
      nodes.push(...page.data!.giftCards!.edges.map((e) => e.node));
      if (!page.data!.giftCards!.pageInfo.hasNextPage) return nodes;
      after = page.data!.giftCards!.pageInfo.endCursor;
    }
  }

  it('pages through every gift card of the seller, each once, one ListGiftCards per page', async () => {
    await own.clearCalls();
    const all = await listAll();
    expect(ids(all)).toEqual(Object.values(cards).sort());
    // The one card with customers costs one BulkRetrieveCustomers.
    expect(countCalls(await own.calls())).toEqual({ ListGiftCards: 3, BulkRetrieveCustomers: 1 });
  });

  it('filters by state, type and customer, which Square applies', async () => {
    expect(ids(await listAll({ state: 'ACTIVE' }))).toEqual([cards.active1, cards.active2, cards.active3].sort());
    expect(ids(await listAll({ state: 'PENDING', type: 'DIGITAL' }))).toEqual([cards.pending1, cards.pending2].sort());
    expect(ids(await listAll({ type: 'PHYSICAL' }))).toEqual([cards.physical]);
    const customer = (await own.gql(graphql(`query GiftCardsCustomerId($id: ID!) { customer(id: $id) { id } }`), { id: customerId })).data!.customer!.id;
    const linked = await listAll({ customerId: customer });
    expect(linked).toEqual([{ squareId: cards.active2, type: 'DIGITAL', state: 'ACTIVE', customers: [{ squareId: customerId }] }]);
    expect(await listAll({ customerId, state: 'PENDING' })).toEqual([]);
  });

  it('refuses a malformed customer id in the filter as bad input', async () => {
    const result = await own.gql(GiftCardListDocument, { filter: { customerId: 'bad id!' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.customerId' });
  });
});

describe('scopes of gift card writes', () => {
  const reader = generateKey('gift-card-reader', ['GIFTCARDS_READ', 'MERCHANT_PROFILE_READ']);
  const writer = generateKey('gift-card-writer', ['GIFTCARDS_WRITE']);
  const scoped = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [reader.entry, writer.entry] }), 'test keys') });

  it('needs GIFTCARDS_WRITE to change a card, and GIFTCARDS_READ to read it or list cards', async () => {
    const location = (await scoped.square().locations.list()).locations![0]!.id!;
    await scoped.clearCalls();
    const refused = await scoped.gql(CreateGiftCardDocument, { input: { locationId: location, idempotencyKey: key() } }, { token: reader.key });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', scopes: ['GIFTCARDS_WRITE'] } });
    expect(await scoped.calls()).toEqual([]);

    const created = await scoped.gql(
      graphql(`mutation GiftCardsCreateAsWriter($input: CreateGiftCardInput!) { createGiftCard(input: $input) { __typename } }`),
      { input: { locationId: location, idempotencyKey: key() } },
      { token: writer.key },
    );
    expect(created.data?.createGiftCard?.__typename).toBe('CreateGiftCardSuccess');
    expect(writes(await scoped.calls())).toEqual(['POST /v2/gift-cards']);
    const list = await scoped.gql(GiftCardListDocument, {}, { token: writer.key });
    expect(list.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', scopes: ['GIFTCARDS_READ'] } });
  });

  it('tells a key without GIFTCARDS_READ that the balance is short, but not what it is', async () => {
    const location = (await scoped.square().locations.list()).locations![0]!.id!;
    const giftCardId = await newGiftCard(scoped.square(), 1000);
    const short = await scoped.gql(
      RedeemGiftCardDocument,
      { input: { giftCardId, locationId: location, amountMoney: usd(5000), idempotencyKey: key() } },
      { token: writer.key },
    );
    expect(short.data?.redeemGiftCard).toEqual({
      __typename: 'InsufficientBalanceError',
      code: 'INSUFFICIENT_FUNDS',
      message: 'The gift card’s balance is less than the $50.00 asked for.',
      balanceMoney: null,
    });
    expect(short.errors?.[0]).toMatchObject({ path: ['redeemGiftCard', 'balanceMoney'], extensions: { code: 'FORBIDDEN', scopes: ['GIFTCARDS_READ'] } });
  });
});

describe('live gift card updates', () => {
  const live = useGateway({ webhooks: true });
  let subscription: SseSubscription | undefined;
  afterAll(() => subscription?.close());

  it('tells a giftCardUpdated subscriber of each step made through the gateway', async () => {
    const card = await pendingCard(live);
    const location = (await live.square().locations.list()).locations![0]!.id!;
    subscription = await subscribeSse(live.url, print(GiftCardLiveDocument), { id: card.id });
    expect(subscription.status).toBe(200);
    await live.gql(ActivateGiftCardDocument, { input: { ...paidElsewhere(card.id, 2000), locationId: location } });
    await live.gql(RedeemGiftCardDocument, { input: { giftCardId: card.id, locationId: location, amountMoney: usd(500), idempotencyKey: key() } });
    const seen: Array<{ state: string; balanceMoney: { amount: string } }> = [];
    while (!seen.some((c) => c.balanceMoney.amount === '1500')) {
      const message = await subscription.next();
      expect(message.errors).toBeUndefined();
      seen.push(message.data.giftCardUpdated);
    }
    expect(seen[0]).toMatchObject({ squareId: card.squareId, state: 'ACTIVE' });
    expect(seen.at(-1)).toEqual({ squareId: card.squareId, state: 'ACTIVE', balanceMoney: { amount: '1500' } });
  });
});
