import { describe, expect, it } from 'vitest';
import { buildCardDoc } from '../../src/emulator/domain/cards.js';
import { DEMO_CARDS } from '../../src/emulator/domain/test-values.js';
import { useEmulator } from '../support/emulator.js';
import { addCustomer, eventsFor, failure, key, merchantWithCustomer, newToken } from '../support/fixtures.js';

const square = useEmulator();

/** A merchant with one customer, and a way to store cards for that customer. */
function merchant() {
  const { token, client, customerId } = merchantWithCustomer(square);
  const createCard = (card: Record<string, unknown> = {}, sourceId = 'cnon:card-nonce-ok') =>
    client.cards.create({ idempotencyKey: key(), sourceId, card: { customerId, ...card } });
  return { token, client, customerId, createCard };
}

describe('CreateCard', () => {
  it('stores the sandbox card behind cnon:card-nonce-ok for the customer', async () => {
    const { client, customerId, createCard, token } = merchant();
    const { card } = await createCard({
      cardholderName: 'Amelia Earhart',
      referenceId: 'user-1',
      billingAddress: { addressLine1: '500 Electric Ave', postalCode: '94103', country: 'US' },
    });
    expect(card).toMatchObject({
      cardBrand: 'VISA',
      last4: '1111',
      bin: '411111',
      expMonth: 12n,
      expYear: BigInt(new Date().getUTCFullYear() + 3),
      cardholderName: 'Amelia Earhart',
      billingAddress: { addressLine1: '500 Electric Ave', postalCode: '94103', country: 'US' },
      customerId,
      merchantId: square.emulator.ctx.merchantFor(token),
      referenceId: 'user-1',
      enabled: true,
      cardType: 'CREDIT',
      prepaidType: 'NOT_PREPAID',
      version: 1n,
    });
    expect(card!.id).toMatch(/^ccof:/);
    expect(card!.fingerprint).toMatch(/^sq-1-/);
    expect(Date.parse(card!.createdAt!)).not.toBeNaN();
    expect((await client.cards.get({ cardId: card!.id! })).card).toEqual(card);
  });

  it('gives the same card number the same fingerprint within a merchant only', async () => {
    const a = merchant();
    const first = (await a.createCard()).card!;
    const second = (await a.createCard()).card!;
    expect(second.id).not.toBe(first.id);
    expect(second.fingerprint).toBe(first.fingerprint);
    const other = (await merchant().createCard()).card!;
    expect(other.fingerprint).not.toBe(first.fingerprint);
  });

  it('accepts a ZIP+4 billing postal code matching the token', async () => {
    const { card } = await merchant().createCard({ billingAddress: { postalCode: '94103-1234' } });
    expect(card?.billingAddress?.postalCode).toBe('94103-1234');
  });

  it('emits card.created with the card', async () => {
    const { card } = await merchant().createCard();
    const events = eventsFor(square, card!.id!);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'card.created', data: { type: 'card', id: card!.id } });
    expect((events[0]!.data.object as any).card).toMatchObject({ id: card!.id, enabled: true, last_4: '1111', version: 1 });
  });

  it.each([
    ['cnon:card-nonce-declined', 'GENERIC_DECLINE'],
    ['cnon:card-nonce-rejected-cvv', 'CVV_FAILURE'],
    ['cnon:card-nonce-rejected-postalcode', 'ADDRESS_VERIFICATION_FAILURE'],
    ['cnon:card-nonce-rejected-expiration', 'INVALID_EXPIRATION'],
  ])('refuses the decline nonce %s with PAYMENT_METHOD_ERROR %s and stores nothing', async (nonce, code) => {
    const { client, createCard } = merchant();
    expect(await failure(createCard({}, nonce))).toMatchObject({
      status: 400,
      errors: [{ category: 'PAYMENT_METHOD_ERROR', code }],
    });
    expect((await client.cards.list({ includeDisabled: true })).data).toEqual([]);
  });

  it('answers SOURCE_USED for a nonce that was already used', async () => {
    expect(await failure(merchant().createCard({}, 'cnon:card-nonce-already-used'))).toMatchObject({
      status: 400,
      errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'SOURCE_USED', field: 'source_id' }],
    });
  });

  it.each(['ccof:customer-card-id-ok', 'cnon:gift-card-nonce-ok', 'bnon:bank-nonce-ok', 'CASH', 'cnon:not-a-test-value'])(
    'refuses %s as a card source with INVALID_CARD_DATA',
    async (sourceId) => {
      expect(await failure(merchant().createCard({}, sourceId))).toMatchObject({
        status: 400,
        errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CARD_DATA', field: 'source_id' }],
      });
    },
  );

  it('fails address verification when the billing postal code differs from the token', async () => {
    const { client, createCard } = merchant();
    expect(await failure(createCard({ billingAddress: { postalCode: '10003' } }))).toMatchObject({
      status: 400,
      errors: [{ category: 'PAYMENT_METHOD_ERROR', code: 'ADDRESS_VERIFICATION_FAILURE' }],
    });
    expect((await client.cards.list()).data).toEqual([]);
  });

  it('answers 404 CUSTOMER_NOT_FOUND for an unknown or foreign customer', async () => {
    const { client } = merchant();
    const foreignCustomer = addCustomer(square, newToken());
    for (const customerId of ['NOPE', foreignCustomer]) {
      expect(
        await failure(client.cards.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', card: { customerId } })),
      ).toMatchObject({ status: 404, errors: [{ code: 'CUSTOMER_NOT_FOUND', field: 'card.customer_id' }] });
    }
  });

  it('validates required and bounded fields', async () => {
    const { token, customerId } = merchant();
    const post = (body: unknown) => square.raw('POST', '/v2/cards', { token, body });
    const ok = { idempotency_key: 'k', source_id: 'cnon:card-nonce-ok', card: { customer_id: customerId } };
    const cases: Array<[unknown, string, string]> = [
      [{ ...ok, idempotency_key: undefined }, 'MISSING_REQUIRED_PARAMETER', 'idempotency_key'],
      [{ ...ok, idempotency_key: '' }, 'VALUE_TOO_SHORT', 'idempotency_key'],
      [{ ...ok, source_id: undefined }, 'MISSING_REQUIRED_PARAMETER', 'source_id'],
      [{ ...ok, card: undefined }, 'MISSING_REQUIRED_PARAMETER', 'card'],
      [{ ...ok, card: {} }, 'MISSING_REQUIRED_PARAMETER', 'card.customer_id'],
      [{ ...ok, card: { customer_id: customerId, cardholder_name: 'x'.repeat(97) } }, 'VALUE_TOO_LONG', 'card.cardholder_name'],
      [{ ...ok, card: { customer_id: customerId, reference_id: 'x'.repeat(129) } }, 'VALUE_TOO_LONG', 'card.reference_id'],
      [{ ...ok, source_id: 'x'.repeat(16385) }, 'VALUE_TOO_LONG', 'source_id'],
      [{ ...ok, autopay: true }, 'UNKNOWN_BODY_PARAMETER', 'autopay'],
      [{ ...ok, card: { customer_id: customerId, nickname: 'x' } }, 'UNKNOWN_BODY_PARAMETER', 'card.nickname'],
      [{ ...ok, card: { customer_id: customerId, exp_month: '12' } }, 'EXPECTED_INTEGER', 'card.exp_month'],
      [{ ...ok, card: { customer_id: customerId, billing_address: { country: 'XX' } } }, 'INVALID_ENUM_VALUE', 'card.billing_address.country'],
      [{ ...ok, card: { customer_id: customerId, card_brand: 'DINERS' } }, 'INVALID_ENUM_VALUE', 'card.card_brand'],
    ];
    for (const [body, code, field] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
    }
  });

  it('replays the first answer for the same key and refuses the key for another request', async () => {
    const { client, customerId } = merchant();
    const request = { idempotencyKey: 'same-key', sourceId: 'cnon:card-nonce-ok', card: { customerId, cardholderName: 'A' } };
    const first = await client.cards.create(request);
    const again = await client.cards.create(request);
    expect(again.card).toEqual(first.card);
    expect((await client.cards.list()).data).toHaveLength(1);
    expect(await failure(client.cards.create({ ...request, card: { customerId, cardholderName: 'B' } }))).toMatchObject({
      status: 400,
      errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }],
    });
  });

  it('lets a declined request be corrected under the same key', async () => {
    const { client, customerId } = merchant();
    const request = { idempotencyKey: 'retry-key', sourceId: 'cnon:card-nonce-declined', card: { customerId } };
    await failure(client.cards.create(request));
    const { card } = await client.cards.create({ ...request, sourceId: 'cnon:card-nonce-ok' });
    expect(card?.enabled).toBe(true);
  });
});

describe('RetrieveCard and DisableCard', () => {
  it('answers 404 for an unknown card', async () => {
    const { client } = merchant();
    expect(await failure(client.cards.get({ cardId: 'ccof:nope' }))).toMatchObject({
      status: 404,
      errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' }],
    });
    expect(await failure(client.cards.disable({ cardId: 'ccof:nope' }))).toMatchObject({ status: 404 });
  });

  it('disables a card once: version 2, disabled_at, card.disabled; again has no effect', async () => {
    const { client, createCard } = merchant();
    const { card } = await createCard();
    const { card: disabled } = await client.cards.disable({ cardId: card!.id! });
    expect(disabled).toMatchObject({ id: card!.id, enabled: false, version: 2n });
    expect(Date.parse(disabled!.disabledAt!)).not.toBeNaN();
    const { card: again } = await client.cards.disable({ cardId: card!.id! });
    expect(again).toEqual(disabled);
    expect((await client.cards.get({ cardId: card!.id! })).card).toEqual(disabled);
    const events = eventsFor(square, card!.id!).filter((e) => e.type === 'card.disabled');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ data: { type: 'card', id: card!.id, object: { card: { enabled: false, version: 2 } } } });
  });

  it('never shows or changes one merchant’s cards for another', async () => {
    const { createCard } = merchant();
    const { card } = await createCard();
    const stranger = merchant();
    expect(await failure(stranger.client.cards.get({ cardId: card!.id! }))).toMatchObject({ status: 404 });
    expect(await failure(stranger.client.cards.disable({ cardId: card!.id! }))).toMatchObject({ status: 404 });
    expect((await stranger.client.cards.list()).data).toEqual([]);
  });
});

describe('ListCards', () => {
  it('pages 30 cards 25 at a time, oldest first, with a cursor only while more remain', async () => {
    const { client, createCard } = merchant();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await createCard()).card!.id!);
    const first = await client.cards.list();
    expect(first.data.map((c) => c.id)).toEqual(ids.slice(0, 25));
    expect(first.response.cursor).toBeDefined();
    const second = await client.cards.list({ cursor: first.response.cursor });
    expect(second.data.map((c) => c.id)).toEqual(ids.slice(25));
    expect(second.response.cursor).toBeUndefined();
    const desc = await client.cards.list({ sortOrder: 'DESC' });
    expect(desc.data.map((c) => c.id)).toEqual([...ids].reverse().slice(0, 25));
    const all: string[] = [];
    for await (const card of await client.cards.list()) all.push(card.id!);
    expect(all).toEqual(ids);
  });

  it('keeps its place when cards are added between pages', async () => {
    const { client, createCard } = merchant();
    const ids: string[] = [];
    for (let i = 0; i < 26; i++) ids.push((await createCard()).card!.id!);
    const first = await client.cards.list({ sortOrder: 'DESC' });
    expect(first.data.map((c) => c.id)).toEqual([...ids].reverse().slice(0, 25));
    await createCard();
    const second = await client.cards.list({ sortOrder: 'DESC', cursor: first.response.cursor });
    expect(second.data.map((c) => c.id)).toEqual([ids[0]]);
  });

  it('filters by customer, reference id and enabled state', async () => {
    const { client, token, customerId, createCard } = merchant();
    const otherCustomer = addCustomer(square, token);
    const a = (await createCard({ referenceId: 'ref-a' })).card!.id!;
    const b = (await createCard()).card!.id!;
    const c = (await client.cards.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', card: { customerId: otherCustomer, referenceId: 'ref-a' } })).card!.id!;
    await client.cards.disable({ cardId: b });
    const ids = async (request: Parameters<typeof client.cards.list>[0]) => (await client.cards.list(request)).data.map((x) => x.id);
    expect(await ids({})).toEqual([a, c]);
    expect(await ids({ includeDisabled: true })).toEqual([a, b, c]);
    expect(await ids({ customerId })).toEqual([a]);
    expect(await ids({ customerId, includeDisabled: true })).toEqual([a, b]);
    expect(await ids({ referenceId: 'ref-a' })).toEqual([a, c]);
    expect(await ids({ referenceId: 'ref-a', customerId: otherCustomer })).toEqual([c]);
  });

  it('refuses bad cursors, cursors of another query, and bad sort orders', async () => {
    const { client, token, createCard } = merchant();
    for (let i = 0; i < 26; i++) await createCard();
    const { cursor } = (await client.cards.list()).response;
    expect((await square.raw('GET', '/v2/cards?cursor=garbage', { token })).body.errors[0]).toMatchObject({ code: 'INVALID_CURSOR' });
    const other = await square.raw('GET', `/v2/cards?sort_order=DESC&cursor=${cursor}`, { token });
    expect(other.status).toBe(400);
    expect(other.body.errors[0]).toMatchObject({ code: 'INVALID_CURSOR' });
    const sort = await square.raw('GET', '/v2/cards?sort_order=UP', { token });
    expect(sort.body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'sort_order' });
    const disabled = await square.raw('GET', '/v2/cards?include_disabled=yes', { token });
    expect(disabled.status).toBe(400);
    expect(disabled.body.errors[0]).toMatchObject({ code: 'EXPECTED_BOOLEAN', field: 'include_disabled' });
  });
});

describe('buildCardDoc', () => {
  it('builds cards of every demo brand with their own fingerprints', () => {
    const docs = DEMO_CARDS.map((card) => buildCardDoc('MERCHANT', card, { customer_id: 'C1', cardholder_name: 'Demo' }));
    expect(docs.map((d) => [d.card_brand, d.last_4, d.bin])).toEqual(DEMO_CARDS.map((c) => [c.brand, c.last4, c.bin]));
    expect(new Set(docs.map((d) => d.fingerprint)).size).toBe(DEMO_CARDS.length);
    expect(docs[3]).toMatchObject({ card_type: 'DEBIT', enabled: true, version: 1, customer_id: 'C1', merchant_id: 'MERCHANT' });
  });
});
