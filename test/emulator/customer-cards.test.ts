import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { addCustomer, eventsFor, failure, merchantWithCustomer } from '../support/fixtures.js';

const square = useEmulator();

const merchant = () => merchantWithCustomer(square, { given_name: 'Ada' });

describe('CreateCustomerCard (deprecated)', () => {
  it('stores a card on file that the Cards API sees, with card.created', async () => {
    const { client, customerId } = merchant();
    const { card } = await client.customers.cards.create({
      customerId,
      cardNonce: 'cnon:card-nonce-ok',
      cardholderName: 'Ada Lovelace',
      billingAddress: { postalCode: '94103', country: 'US' },
    });
    expect(card).toMatchObject({ customerId, cardBrand: 'VISA', last4: '1111', enabled: true, cardholderName: 'Ada Lovelace' });
    expect((await client.cards.get({ cardId: card!.id! })).card).toEqual(card);
    expect((await client.cards.list({ customerId })).data).toEqual([card]);
    expect(eventsFor(square, card!.id!).map((e) => e.type)).toEqual(['card.created']);
  });

  it('returns the first card for the same nonce, as Square documents, and a new one for another customer', async () => {
    const { client, customerId, token } = merchant();
    const first = await client.customers.cards.create({ customerId, cardNonce: 'cnon:card-nonce-ok' });
    const again = await client.customers.cards.create({ customerId, cardNonce: 'cnon:card-nonce-ok', cardholderName: 'X' });
    expect(again.card).toEqual(first.card);
    const other = addCustomer(square, token, { given_name: 'Grace' });
    const theirs = await client.customers.cards.create({ customerId: other, cardNonce: 'cnon:card-nonce-ok' });
    expect(theirs.card?.id).not.toBe(first.card?.id);
    expect((await client.cards.list()).data).toHaveLength(2);
  });

  it('answers Square’s errors: unknown customer, declines, bad nonce, missing nonce', async () => {
    const { client, customerId, token } = merchant();
    expect(await failure(client.customers.cards.create({ customerId: 'NOPE', cardNonce: 'cnon:card-nonce-ok' }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'customer_id' }],
    });
    expect(await failure(client.customers.cards.create({ customerId, cardNonce: 'cnon:card-nonce-rejected-cvv' }))).toMatchObject({
      status: 400,
      errors: [{ category: 'PAYMENT_METHOD_ERROR', code: 'CVV_FAILURE' }],
    });
    expect(await failure(client.customers.cards.create({ customerId, cardNonce: 'CASH' }))).toMatchObject({
      status: 400,
      errors: [{ code: 'INVALID_CARD_DATA' }],
    });
    const res = await square.raw('POST', `/v2/customers/${customerId}/cards`, { token, body: {} });
    expect(res.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'card_nonce' });
    expect((await client.cards.list({ includeDisabled: true })).data).toEqual([]);
  });
});

describe("CreateCustomerCard checked with Square's schema", () => {
  it.each([
    [{ card_nonce: 'cnon:card-nonce-ok', cvv: '111' }, 'UNKNOWN_BODY_PARAMETER', 'cvv'],
    [{ card_nonce: 42 }, 'EXPECTED_STRING', 'card_nonce'],
    [{ card_nonce: 'cnon:card-nonce-ok', billing_address: { country: 'XX' } }, 'INVALID_ENUM_VALUE', 'billing_address.country'],
    [{ card_nonce: 'cnon:card-nonce-ok', cardholder_name: 'x'.repeat(97) }, 'VALUE_TOO_LONG', 'cardholder_name'],
  ])('refuses %j with %s', async (body, code, field) => {
    const { client, customerId, token } = merchant();
    const res = await square.raw('POST', `/v2/customers/${customerId}/cards`, { token, body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
    expect((await client.cards.list({ includeDisabled: true })).data).toEqual([]);
  });
});

describe('DeleteCustomerCard (deprecated)', () => {
  it('disables the card in the Cards API, with card.disabled; a second delete is NOT_FOUND', async () => {
    const { client, customerId } = merchant();
    const { card } = await client.customers.cards.create({ customerId, cardNonce: 'cnon:card-nonce-ok' });
    await client.customers.cards.delete({ customerId, cardId: card!.id! });
    expect((await client.cards.get({ cardId: card!.id! })).card).toMatchObject({ enabled: false, version: 2n });
    expect((await client.cards.list({ customerId })).data).toEqual([]);
    expect(eventsFor(square, card!.id!).map((e) => e.type)).toEqual(['card.created', 'card.disabled']);
    expect(await failure(client.customers.cards.delete({ customerId, cardId: card!.id! }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'card_id' }],
    });
  });

  it('answers NOT_FOUND for a card of another customer and leaves it enabled', async () => {
    const { client, customerId, token } = merchant();
    const { card } = await client.customers.cards.create({ customerId, cardNonce: 'cnon:card-nonce-ok' });
    const other = addCustomer(square, token, { given_name: 'Grace' });
    expect(await failure(client.customers.cards.delete({ customerId: other, cardId: card!.id! }))).toMatchObject({ status: 404 });
    expect(await failure(client.customers.cards.delete({ customerId: 'NOPE', cardId: card!.id! }))).toMatchObject({
      status: 404,
      errors: [{ field: 'customer_id' }],
    });
    expect((await client.cards.get({ cardId: card!.id! })).card?.enabled).toBe(true);
  });
});
