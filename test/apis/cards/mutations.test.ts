import { describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../../src/gateway/api-keys.js';
import { graphql } from '../../gql/index.js';
import { key } from '../../support/fixtures.js';
import { useGateway } from '../../support/gateway.js';
import { DISABLE_CARD, SAVE_CARD, newCustomer } from '../../support/payments.js';

const stack = useGateway();

const saveInput = (customerId: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  sourceId: 'cnon:card-nonce-ok',
  idempotencyKey: key(),
  customerConsent: true,
  ...extra,
});

describe('saveCard', () => {
  it('saves a card through the Cards API, and the customer’s cards show it in the same request', async () => {
    const customerId = await newCustomer(stack.square());
    await stack.clearCalls();
    const input = saveInput(customerId, {
      cardholderName: 'Ada Lovelace',
      referenceId: 'crm-42',
      billingAddress: { addressLine1: '500 Electric Ave', postalCode: '94103', country: 'US', addressLine2: null },
    });
    const SAVE_AND_LIST = graphql(`mutation CardsSaveAndList($input: SaveCardInput!) { saveCard(input: $input) { __typename
      ... on SaveCardSuccess { card { squareId last4 cardholderName referenceId billingAddress { postalCode }
        customer { squareId cards { squareId } } } } ... on Error { message } } }`);
    const saved = await stack.gql(SAVE_AND_LIST, { input });
    if (saved.data?.saveCard?.__typename !== 'SaveCardSuccess') throw new Error(JSON.stringify(saved));
    const card = saved.data.saveCard.card;
    expect(card).toMatchObject({
      last4: '1111',
      cardholderName: 'Ada Lovelace',
      referenceId: 'crm-42',
      billingAddress: { postalCode: '94103' },
      customer: { squareId: customerId, cards: [{ squareId: card.squareId }] },
    });
    expect(card.squareId).toMatch(/^ccof:/);
    const calls = await stack.calls();
    expect(calls).toContain('POST /v2/cards');
    expect(calls.some((c) => c.includes('/v2/customers/') && c.includes('/cards'))).toBe(false);

    const replay = await stack.gql(SAVE_CARD, { input });
    expect(replay.data.saveCard.card.squareId).toBe(card.squareId);
    const listed = await stack.square().cards.list({ customerId });
    expect(listed.data.map((c) => c.id)).toEqual([card.squareId]);
  });

  it('refuses without the buyer’s consent, before any Square call', async () => {
    const customerId = await newCustomer(stack.square());
    await stack.clearCalls();
    const refused = await stack.gql(SAVE_CARD, { input: saveInput(customerId, { customerConsent: false }) });
    expect(refused.data.saveCard).toMatchObject({ __typename: 'ConsentRequiredError', code: 'CONSENT_REQUIRED' });
    expect(refused.data.saveCard.message).toMatch(/permission/);
    expect(refused.data.saveCard.message).toMatch(/disable/);
    expect(await stack.calls()).toEqual([]);
  });

  it('reports declines and the billing postal code check as PaymentDeclinedError', async () => {
    const customerId = await newCustomer(stack.square());
    for (const [sourceId, code] of [
      ['cnon:card-nonce-declined', 'GENERIC_DECLINE'],
      ['cnon:card-nonce-rejected-cvv', 'CVV_FAILURE'],
      ['cnon:card-nonce-rejected-expiration', 'INVALID_EXPIRATION'],
    ] as const) {
      const declined = await stack.gql(SAVE_CARD, { input: saveInput(customerId, { sourceId }) });
      expect(declined.data.saveCard).toMatchObject({ __typename: 'PaymentDeclinedError', code });
      expect(JSON.stringify(declined)).not.toContain(sourceId);
    }
    const postal = await stack.gql(SAVE_CARD, { input: saveInput(customerId, { billingAddress: { postalCode: '10001' } }) });
    expect(postal.data.saveCard).toMatchObject({ __typename: 'PaymentDeclinedError', code: 'ADDRESS_VERIFICATION_FAILURE' });
  });

  it('reports a used token, an unknown customer and a reused key as typed errors', async () => {
    const customerId = await newCustomer(stack.square());
    const used = await stack.gql(SAVE_CARD, { input: saveInput(customerId, { sourceId: 'cnon:card-nonce-already-used' }) });
    expect(used.data.saveCard).toMatchObject({ __typename: 'ValidationError', code: 'SOURCE_USED', field: 'input.sourceId' });
    expect(used.data.saveCard.message).not.toContain('cnon:card-nonce-already-used');

    const unknown = await stack.gql(SAVE_CARD, { input: saveInput('NOSUCHCUSTOMER') });
    expect(unknown.data.saveCard).toMatchObject({ __typename: 'NotFoundError' });

    const input = saveInput(customerId);
    expect((await stack.gql(SAVE_CARD, { input })).data.saveCard.__typename).toBe('SaveCardSuccess');
    const reused = await stack.gql(SAVE_CARD, { input: { ...input, cardholderName: 'Someone Else' } });
    expect(reused.data.saveCard).toMatchObject({ __typename: 'ConflictError', code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('refuses bad input naming the field, before any Square call', async () => {
    await stack.clearCalls();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ customerId: 'not an id!' }, 'input.customerId'],
      [{ idempotencyKey: 'k'.repeat(46) }, 'input.idempotencyKey'],
      [{ idempotencyKey: '' }, 'input.idempotencyKey'],
      [{ cardholderName: 'n'.repeat(97) }, 'input.cardholderName'],
      [{ sourceId: '' }, 'input.sourceId'],
    ];
    for (const [extra, field] of cases) {
      const result = await stack.gql(SAVE_CARD, { input: saveInput('CUSTOMER1', extra) });
      expect(result.data.saveCard, field).toMatchObject({ __typename: 'ValidationError', field });
    }
    expect(await stack.calls()).toEqual([]);
  });
});

describe('disableCard', () => {
  it('disables a card, which then leaves the customer’s enabled cards', async () => {
    const customerId = await newCustomer(stack.square());
    const saved = await stack.gql(SAVE_CARD, { input: saveInput(customerId) });
    const card = saved.data.saveCard.card;
    const DISABLE_AND_LIST = graphql(`mutation CardsDisableAndList($input: DisableCardInput!) { disableCard(input: $input) { __typename
      ... on DisableCardSuccess { card { squareId enabled customer { cards { squareId } all: cards(includeDisabled: true) { squareId enabled } } } } } }`);
    const disabled = await stack.gql(DISABLE_AND_LIST, { input: { cardId: card.id } });
    expect(disabled.data?.disableCard).toEqual({
      __typename: 'DisableCardSuccess',
      card: { squareId: card.squareId, enabled: false, customer: { cards: [], all: [{ squareId: card.squareId, enabled: false }] } },
    });
    const again = await stack.gql(DISABLE_CARD, { input: { cardId: card.squareId } });
    expect(again.data.disableCard).toMatchObject({ __typename: 'DisableCardSuccess', card: { enabled: false } });
  });

  it('reports an unknown card as NotFoundError and a malformed id as ValidationError', async () => {
    const unknown = await stack.gql(DISABLE_CARD, { input: { cardId: 'ccof:nope' } });
    expect(unknown.data.disableCard).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    await stack.clearCalls();
    const bad = await stack.gql(DISABLE_CARD, { input: { cardId: 'ccof:not valid!' } });
    expect(bad.data.disableCard).toMatchObject({ __typename: 'ValidationError', field: 'input.cardId' });
    expect(await stack.calls()).toEqual([]);
  });
});

describe('scopes of card writes', () => {
  const customersOnly = generateKey('customers', ['CUSTOMERS_READ', 'CUSTOMERS_WRITE']);
  const paymentsOnly = generateKey('payments', ['PAYMENTS_READ', 'PAYMENTS_WRITE']);
  const scoped = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [customersOnly.entry, paymentsOnly.entry] }), 'test keys') });

  it('needs CUSTOMERS_WRITE and PAYMENTS_WRITE to save a card, PAYMENTS_WRITE to disable one', async () => {
    await scoped.clearCalls();
    const input = saveInput('CUSTOMER1');
    const noPayments = await scoped.gql(SAVE_CARD, { input }, { token: customersOnly.key });
    expect(noPayments.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['PAYMENTS_WRITE'] });
    const noCustomers = await scoped.gql(SAVE_CARD, { input }, { token: paymentsOnly.key });
    expect(noCustomers.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['CUSTOMERS_WRITE'] });
    const disable = await scoped.gql(DISABLE_CARD, { input: { cardId: 'ccof:x' } }, { token: customersOnly.key });
    expect(disable.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['PAYMENTS_WRITE'] });
    expect(await scoped.calls()).toEqual([]);
  });
});
