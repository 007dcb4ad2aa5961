import { describe, expect, it } from 'vitest';
import { TEST_GIFT_CARD_GAN } from '../../src/emulator/domain/test-values.js';
import { useEmulator } from '../support/emulator.js';
import { addCustomer, eventsFor, failure, key, newMerchant, newToken } from '../support/fixtures.js';

const square = useEmulator();

async function merchant() {
  const { token, client } = newMerchant(square);
  const locationId = (await client.locations.list()).locations![0]!.id!;
  const create = (giftCard: { type: 'DIGITAL' | 'PHYSICAL'; ganSource?: 'SQUARE' | 'OTHER'; gan?: string } = { type: 'DIGITAL' }) =>
    client.giftCards.create({ idempotencyKey: key(), locationId, giftCard }).then((r) => r.giftCard!);
  const activate = (giftCardId: string, amount = 5000) =>
    client.giftCards.activities.create({
      idempotencyKey: key(),
      giftCardActivity: {
        type: 'ACTIVATE',
        locationId,
        giftCardId,
        activateActivityDetails: { amountMoney: { amount: BigInt(amount), currency: 'USD' }, buyerPaymentInstrumentIds: ['cash'] },
      },
    });
  return { token, client, locationId, create, activate };
}

describe('CreateGiftCard', () => {
  it('creates a PENDING digital card with a generated 16-digit GAN and a zero USD balance', async () => {
    const { client, create } = await merchant();
    const card = await create();
    expect(card).toMatchObject({
      type: 'DIGITAL',
      ganSource: 'SQUARE',
      state: 'PENDING',
      balanceMoney: { amount: 0n, currency: 'USD' },
    });
    expect(card.id).toMatch(/^gftc:/);
    expect(card.gan).toMatch(/^7783\d{12}$/);
    expect(card.customerIds).toBeUndefined();
    expect(Date.parse(card.createdAt!)).not.toBeNaN();
    expect((await client.giftCards.get({ id: card.id! })).giftCard).toEqual(card);
    const events = eventsFor(square, card.id!);
    expect(events.map((e) => e.type)).toEqual(['gift_card.created']);
    expect(events[0]).toMatchObject({ data: { type: 'gift_card', id: card.id, object: { gift_card: { id: card.id, state: 'PENDING' } } } });
  });

  it('gives every card its own GAN', async () => {
    const { create } = await merchant();
    const gans = new Set<string>();
    for (let i = 0; i < 10; i++) gans.add((await create()).gan!);
    expect(gans.size).toBe(10);
  });

  it('registers custom GANs and physical Square cards, and refuses GANs in use or malformed', async () => {
    const { create } = await merchant();
    expect(await create({ type: 'DIGITAL', ganSource: 'OTHER', gan: 'ABC12345' })).toMatchObject({ ganSource: 'OTHER', gan: 'ABC12345' });
    expect(await create({ type: 'PHYSICAL', gan: '7783321234567890' })).toMatchObject({ type: 'PHYSICAL', ganSource: 'SQUARE', gan: '7783321234567890' });
    const refusals: Array<[Parameters<typeof create>[0], string, string]> = [
      [{ type: 'DIGITAL', ganSource: 'OTHER', gan: 'ABC12345' }, 'INVALID_VALUE', 'gift_card.gan'],
      [{ type: 'DIGITAL', ganSource: 'OTHER', gan: TEST_GIFT_CARD_GAN }, 'INVALID_VALUE', 'gift_card.gan'],
      [{ type: 'DIGITAL', ganSource: 'OTHER', gan: 'short' }, 'INVALID_VALUE', 'gift_card.gan'],
      [{ type: 'DIGITAL', ganSource: 'OTHER', gan: '4111111111111111' }, 'INVALID_VALUE', 'gift_card.gan'],
      [{ type: 'DIGITAL', ganSource: 'OTHER' }, 'MISSING_REQUIRED_PARAMETER', 'gift_card.gan'],
      [{ type: 'DIGITAL', gan: '7783320000001111' }, 'INVALID_VALUE', 'gift_card.gan'],
      [{ type: 'PHYSICAL' }, 'MISSING_REQUIRED_PARAMETER', 'gift_card.gan'],
      [{ type: 'PHYSICAL', gan: '1234567890123456' }, 'INVALID_VALUE', 'gift_card.gan'],
    ];
    for (const [giftCard, code, field] of refusals) {
      expect(await failure(create(giftCard))).toMatchObject({ status: 400, errors: [{ code, field }] });
    }
  });

  it('validates the request and the location', async () => {
    const { token, client, locationId } = await merchant();
    const post = (body: unknown) => square.raw('POST', '/v2/gift-cards', { token, body });
    const ok = { idempotency_key: 'k', location_id: locationId, gift_card: { type: 'DIGITAL' } };
    const cases: Array<[unknown, string, string]> = [
      [{ ...ok, idempotency_key: undefined }, 'MISSING_REQUIRED_PARAMETER', 'idempotency_key'],
      [{ ...ok, idempotency_key: 'k'.repeat(129) }, 'VALUE_TOO_LONG', 'idempotency_key'],
      [{ ...ok, location_id: undefined }, 'MISSING_REQUIRED_PARAMETER', 'location_id'],
      [{ ...ok, gift_card: {} }, 'MISSING_REQUIRED_PARAMETER', 'gift_card.type'],
      [{ ...ok, gift_card: { type: 'PLASTIC' } }, 'INVALID_ENUM_VALUE', 'gift_card.type'],
      [{ ...ok, gift_card: { type: 'DIGITAL', gan_source: 'MINE' } }, 'INVALID_ENUM_VALUE', 'gift_card.gan_source'],
      [{ ...ok, gift_card: { type: 'DIGITAL', colour: 'red' } }, 'UNKNOWN_BODY_PARAMETER', 'gift_card.colour'],
      [{ ...ok, location_id: 7 }, 'EXPECTED_STRING', 'location_id'],
      [{ ...ok, location_id: '' }, 'VALUE_TOO_SHORT', 'location_id'],
    ];
    for (const [body, code, field] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code, field });
    }
    const foreignLocation = (await square.client().locations.list()).locations![0]!.id!;
    expect(
      await failure(client.giftCards.create({ idempotencyKey: key(), locationId: foreignLocation, giftCard: { type: 'DIGITAL' } })),
    ).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND', field: 'location_id' }] });
  });

  it('replays the same request and refuses the key for another', async () => {
    const { client, locationId } = await merchant();
    const request = { idempotencyKey: 'gc-same', locationId, giftCard: { type: 'DIGITAL' as const } };
    const first = await client.giftCards.create(request);
    expect((await client.giftCards.create(request)).giftCard).toEqual(first.giftCard);
    expect((await client.giftCards.list()).data).toHaveLength(1);
    expect(
      await failure(client.giftCards.create({ ...request, giftCard: { type: 'DIGITAL', ganSource: 'OTHER', gan: 'ZZZ99999' } })),
    ).toMatchObject({ status: 400, errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }] });
  });
});

describe('RetrieveGiftCard, FromGAN, FromNonce', () => {
  it('finds a card by id and GAN, and answers 404 otherwise or for another merchant', async () => {
    const { client, create } = await merchant();
    const card = await create();
    expect((await client.giftCards.getFromGan({ gan: card.gan! })).giftCard).toEqual(card);
    expect(await failure(client.giftCards.get({ id: 'gftc:nope' }))).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND' }] });
    expect(await failure(client.giftCards.getFromGan({ gan: '7783000000000001' }))).toMatchObject({ status: 404 });
    const stranger = square.client();
    expect(await failure(stranger.giftCards.get({ id: card.id! }))).toMatchObject({ status: 404 });
    expect(await failure(stranger.giftCards.getFromGan({ gan: card.gan! }))).toMatchObject({ status: 404 });
    const fromGan = (body: unknown) => square.raw('POST', '/v2/gift-cards/from-gan', { body });
    expect((await fromGan({})).body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'gan' });
    expect((await fromGan({ gan: 'x'.repeat(256) })).body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'gan' });
    expect((await fromGan({ gan: card.gan, pin: '1234' })).body.errors[0]).toMatchObject({ code: 'UNKNOWN_BODY_PARAMETER', field: 'pin' });
    const fromNonce = await square.raw('POST', '/v2/gift-cards/from-nonce', { body: { nonce: 42 } });
    expect(fromNonce.body.errors[0]).toMatchObject({ code: 'EXPECTED_STRING', field: 'nonce' });
  });

  it('resolves cnon:gift-card-nonce-ok to the merchant’s sandbox card, ACTIVE with $100 from an ACTIVATE activity', async () => {
    const { client } = await merchant();
    const { giftCard } = await client.giftCards.getFromNonce({ nonce: 'cnon:gift-card-nonce-ok' });
    expect(giftCard).toMatchObject({ gan: TEST_GIFT_CARD_GAN, type: 'DIGITAL', state: 'ACTIVE', balanceMoney: { amount: 10000n, currency: 'USD' } });
    expect((await client.giftCards.getFromNonce({ nonce: 'cnon:gift-card-nonce-ok' })).giftCard).toEqual(giftCard);
    expect((await client.giftCards.getFromGan({ gan: TEST_GIFT_CARD_GAN })).giftCard).toEqual(giftCard);
    const history = (await client.giftCards.activities.list({ giftCardId: giftCard!.id! })).data;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ type: 'ACTIVATE', giftCardBalanceMoney: { amount: 10000n } });
    const other = (await square.client().giftCards.getFromNonce({ nonce: 'cnon:gift-card-nonce-ok' })).giftCard!;
    expect(other.id).not.toBe(giftCard!.id);
  });

  it('refuses nonces that are not a usable gift card nonce', async () => {
    const { client } = await merchant();
    for (const nonce of ['cnon:card-nonce-ok', 'cnon:gift-card-nonce-insufficient-funds', 'nonsense']) {
      expect(await failure(client.giftCards.getFromNonce({ nonce }))).toMatchObject({
        status: 404,
        errors: [{ code: 'NOT_FOUND', field: 'nonce' }],
      });
    }
  });
});

describe('ListGiftCards', () => {
  it('pages with the default of 30 and a given limit, oldest first, cursor only while more remain', async () => {
    const { client, create } = await merchant();
    const ids: string[] = [];
    for (let i = 0; i < 32; i++) ids.push((await create()).id!);
    const first = await client.giftCards.list();
    expect(first.data.map((c) => c.id)).toEqual(ids.slice(0, 30));
    const second = await client.giftCards.list({ cursor: first.response.cursor });
    expect(second.data.map((c) => c.id)).toEqual(ids.slice(30));
    expect(second.response.cursor).toBeUndefined();
    const small = await client.giftCards.list({ limit: 10 });
    expect(small.data).toHaveLength(10);
    await create();
    const next = await client.giftCards.list({ limit: 10, cursor: small.response.cursor });
    expect(next.data.map((c) => c.id)).toEqual(ids.slice(10, 20));
    expect((await client.giftCards.list({ limit: 200 })).data).toHaveLength(33);
  });

  it('refuses limits outside 1–200 and bad cursors', async () => {
    const { token } = await merchant();
    const get = (query: string) => square.raw('GET', `/v2/gift-cards?${query}`, { token });
    expect((await get('limit=201')).body.errors[0]).toMatchObject({ code: 'VALUE_TOO_HIGH', field: 'limit' });
    expect((await get('limit=0')).body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'limit' });
    expect((await get('limit=ten')).body.errors[0]).toMatchObject({ code: 'EXPECTED_INTEGER', field: 'limit' });
    expect((await get('cursor=nope')).body.errors[0]).toMatchObject({ code: 'INVALID_CURSOR' });
    expect((await get('state=GONE')).body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'state' });
    expect((await get('type=PLASTIC')).body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'type' });
  });

  it('filters by type, state and linked customer', async () => {
    const { client, token, create, activate } = await merchant();
    const digital = await create();
    const physical = await create({ type: 'PHYSICAL', gan: '7783329999999999' });
    await activate(physical.id!);
    const customerId = addCustomer(square, token);
    await client.giftCards.linkCustomer({ giftCardId: digital.id!, customerId });
    const ids = async (request: Parameters<typeof client.giftCards.list>[0]) => (await client.giftCards.list(request)).data.map((c) => c.id);
    expect(await ids({ type: 'PHYSICAL' })).toEqual([physical.id]);
    expect(await ids({ state: 'PENDING' })).toEqual([digital.id]);
    expect(await ids({ state: 'ACTIVE', type: 'DIGITAL' })).toEqual([]);
    expect(await ids({ customerId })).toEqual([digital.id]);
    expect((await square.client().giftCards.list()).data).toEqual([]);
  });
});

describe('LinkCustomerToGiftCard and UnlinkCustomerFromGiftCard', () => {
  it('links and unlinks customers, keeping customer_ids and emitting the events', async () => {
    const { client, token, create } = await merchant();
    const card = await create();
    const [c1, c2] = [addCustomer(square, token), addCustomer(square, token)];
    expect((await client.giftCards.linkCustomer({ giftCardId: card.id!, customerId: c1 })).giftCard?.customerIds).toEqual([c1]);
    expect((await client.giftCards.linkCustomer({ giftCardId: card.id!, customerId: c2 })).giftCard?.customerIds).toEqual([c1, c2]);
    // Linking again changes nothing and says nothing.
    expect((await client.giftCards.linkCustomer({ giftCardId: card.id!, customerId: c1 })).giftCard?.customerIds).toEqual([c1, c2]);
    expect((await client.giftCards.unlinkCustomer({ giftCardId: card.id!, customerId: c1 })).giftCard?.customerIds).toEqual([c2]);
    const last = (await client.giftCards.unlinkCustomer({ giftCardId: card.id!, customerId: c2 })).giftCard!;
    expect(last.customerIds).toBeUndefined();
    expect((await client.giftCards.get({ id: card.id! })).giftCard).toEqual(last);

    const events = eventsFor(square, card.id!);
    expect(events.map((e) => e.type)).toEqual([
      'gift_card.created',
      'gift_card.customer_linked',
      'gift_card.updated',
      'gift_card.customer_linked',
      'gift_card.updated',
      'gift_card.customer_unlinked',
      'gift_card.updated',
      'gift_card.customer_unlinked',
      'gift_card.updated',
    ]);
    expect(events[1]!.data).toMatchObject({ type: 'gift_card', id: card.id, object: { linked_customer_id: c1, gift_card: { customer_ids: [c1] } } });
    expect(events[5]!.data).toMatchObject({ object: { unlinked_customer_id: c1, gift_card: { customer_ids: [c2] } } });
    expect((events[8]!.data.object as any).gift_card.customer_ids).toBeUndefined();
  });

  it('refuses unknown cards and customers, foreign ones, and unlinking a customer who is not linked', async () => {
    const { client, token, create } = await merchant();
    const card = await create();
    const customerId = addCustomer(square, token);
    expect(await failure(client.giftCards.linkCustomer({ giftCardId: 'gftc:nope', customerId }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'gift_card_id' }],
    });
    expect(await failure(client.giftCards.linkCustomer({ giftCardId: card.id!, customerId: 'NOPE' }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'customer_id' }],
    });
    const foreignCustomer = addCustomer(square, newToken());
    expect(await failure(client.giftCards.linkCustomer({ giftCardId: card.id!, customerId: foreignCustomer }))).toMatchObject({ status: 404 });
    expect(await failure(client.giftCards.unlinkCustomer({ giftCardId: card.id!, customerId }))).toMatchObject({
      status: 400,
      errors: [{ code: 'INVALID_VALUE', field: 'customer_id' }],
    });
    const stranger = square.client();
    expect(await failure(stranger.giftCards.linkCustomer({ giftCardId: card.id!, customerId }))).toMatchObject({ status: 404 });
    const res = await square.raw('POST', `/v2/gift-cards/${card.id}/link-customer`, { token, body: { customer_id: 'x'.repeat(192) } });
    expect(res.body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'customer_id' });
    const unlink = (body: unknown) => square.raw('POST', `/v2/gift-cards/${card.id}/unlink-customer`, { token, body });
    expect((await unlink({ customer_id: ['x'] })).body.errors[0]).toMatchObject({ code: 'EXPECTED_STRING', field: 'customer_id' });
    expect((await unlink({ customer_id: customerId, reason: 'x' })).body.errors[0]).toMatchObject({ code: 'UNKNOWN_BODY_PARAMETER', field: 'reason' });
  });
});
