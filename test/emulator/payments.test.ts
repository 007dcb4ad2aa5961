import { randomUUID } from 'node:crypto';
import { SquareError, type Square, type SquareClient } from 'square';
import { describe, expect, it } from 'vitest';
import { newLocation } from '../../src/emulator/domain/locations.js';
import { TEST_GIFT_CARD_GAN } from '../../src/emulator/domain/test-values.js';
import { useEmulator } from '../support/emulator.js';
import { addCustomer, eventsFor, failure, newToken, paymentMerchant, usd } from '../support/fixtures.js';

const square = useEmulator();

const merchant = () => paymentMerchant(square);

/** The SquareError a call must fail with; its body carries the FAILED payment of a decline. */
async function rejection(call: Promise<unknown>): Promise<SquareError> {
  const error = await call.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof SquareError)) throw error;
  return error;
}

const failedPayment = (error: SquareError) => (error.body as { payment: { id: string; status: string; card_details?: Record<string, unknown> } }).payment;

async function giftCardBalance(client: SquareClient): Promise<bigint> {
  return (await client.giftCards.getFromGan({ gan: TEST_GIFT_CARD_GAN })).giftCard!.balanceMoney!.amount!;
}

/** Moves an APPROVED payment's delayed_until into the past, as if its delay had elapsed. */
function elapse(merchantId: string, paymentId: string) {
  const payments = square.emulator.ctx.stores.payments;
  const doc = payments.get(merchantId, paymentId)!;
  payments.put(merchantId, paymentId, { ...doc, delayed_until: new Date(Date.now() - 1000).toISOString() });
  return doc.delayed_until;
}

describe('CreatePayment with a card nonce', () => {
  it('charges cnon:card-nonce-ok and returns a COMPLETED card payment shaped like Square’s', async () => {
    const { pay, client, merchantId } = merchant();
    const payment = await pay({ tipMoney: usd(200), referenceId: 'ref-1', note: 'Two coffees', buyerEmailAddress: 'buyer@example.com' });
    const location = (await client.locations.get({ locationId: 'main' })).location!;
    expect(payment).toMatchObject({
      amountMoney: usd(1000),
      tipMoney: usd(200),
      totalMoney: usd(1200),
      approvedMoney: usd(1200),
      status: 'COMPLETED',
      sourceType: 'CARD',
      locationId: location.id,
      referenceId: 'ref-1',
      note: 'Two coffees',
      buyerEmailAddress: 'buyer@example.com',
      delayDuration: 'PT168H',
      delayAction: 'CANCEL',
      receiptNumber: payment.id!.slice(0, 4),
      receiptUrl: expect.stringContaining(payment.id!),
      applicationDetails: { squareProduct: 'ECOMMERCE_API', applicationId: expect.any(String) },
      cardDetails: {
        status: 'CAPTURED',
        card: { cardBrand: 'VISA', last4: '1111', bin: '411111', expMonth: 12n, cardType: 'CREDIT', prepaidType: 'NOT_PREPAID' },
        entryMethod: 'KEYED',
        cvvStatus: 'CVV_ACCEPTED',
        avsStatus: 'AVS_ACCEPTED',
        statementDescription: 'SQ *EMULATED SELLER',
        cardPaymentTimeline: { authorizedAt: payment.createdAt, capturedAt: payment.createdAt },
      },
      processingFee: [{ type: 'INITIAL', amountMoney: usd(65) }],
    });
    expect(payment.cardDetails!.card!.fingerprint).toMatch(/^sq-1-/);
    expect(payment.cardDetails!.authResultCode).toMatch(/^\w{6}$/);
    expect(Date.parse(payment.delayedUntil!) - Date.parse(payment.createdAt!)).toBe(168 * 3_600_000);
    expect(payment.versionToken).toBeTruthy();
    expect(payment.orderId).toBeTruthy();
    expect(payment.capabilities).toBeUndefined();
    expect((await client.payments.get({ paymentId: payment.id! })).payment).toEqual(payment);
    const [created] = eventsFor(square, payment.id!);
    expect(created).toMatchObject({
      merchant_id: merchantId,
      type: 'payment.created',
      location_id: location.id,
      data: { type: 'payment', id: payment.id, object: { payment: { id: payment.id, status: 'COMPLETED' } } },
    });
  });

  it.each([
    ['cnon:card-nonce-declined', 'GENERIC_DECLINE', 'CVV_ACCEPTED', 'AVS_ACCEPTED'],
    ['cnon:card-nonce-rejected-cvv', 'CVV_FAILURE', 'CVV_REJECTED', 'AVS_ACCEPTED'],
    ['cnon:card-nonce-rejected-postalcode', 'ADDRESS_VERIFICATION_FAILURE', 'CVV_ACCEPTED', 'AVS_REJECTED'],
    ['cnon:card-nonce-rejected-expiration', 'INVALID_EXPIRATION', 'CVV_ACCEPTED', 'AVS_ACCEPTED'],
    ['cnon:card-nonce-already-used', 'CARD_TOKEN_USED', 'CVV_ACCEPTED', 'AVS_ACCEPTED'],
  ])('declines %s with %s and records the FAILED payment', async (sourceId, code, cvvStatus, avsStatus) => {
    const { pay, client } = merchant();
    const error = await rejection(pay({ sourceId }));
    expect(error.statusCode).toBe(400);
    expect(error.errors).toEqual([{ category: 'PAYMENT_METHOD_ERROR', code, detail: expect.any(String) }]);
    const failed = failedPayment(error);
    expect(failed).toMatchObject({
      status: 'FAILED',
      card_details: { status: 'FAILED', cvv_status: cvvStatus, avs_status: avsStatus, errors: [{ code }] },
    });
    expect((await client.payments.get({ paymentId: failed.id })).payment).toMatchObject({ id: failed.id, status: 'FAILED' });
    expect((await client.payments.list()).data.map((p) => p.id)).toEqual([failed.id]);
    expect(eventsFor(square, failed.id).map((e) => e.type)).toEqual(['payment.created']);
  });
});

describe('CreatePayment with a card on file', () => {
  it('needs customer_id for a card on file', async () => {
    const { pay } = merchant();
    const error = await rejection(pay({ sourceId: 'ccof:customer-card-id-ok' }));
    expect(error.statusCode).toBe(400);
    expect(error.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'customer_id' });
  });

  it('charges the ccof: test values as ON_FILE payments', async () => {
    const { pay } = merchant();
    const payment = await pay({ sourceId: 'ccof:customer-card-id-ok', customerId: 'CUSTOMER1' });
    expect(payment).toMatchObject({ status: 'COMPLETED', customerId: 'CUSTOMER1', cardDetails: { entryMethod: 'ON_FILE', status: 'CAPTURED' } });
  });

  it('declines a card that requires verification unless a verification_token comes with it', async () => {
    const { pay } = merchant();
    const sourceId = 'ccof:customer-card-id-requires-verification';
    const error = await rejection(pay({ sourceId, customerId: 'CUSTOMER1' }));
    expect(error.errors[0]).toMatchObject({ category: 'PAYMENT_METHOD_ERROR', code: 'CARD_DECLINED_VERIFICATION_REQUIRED' });
    expect(failedPayment(error).status).toBe('FAILED');
    const payment = await pay({ sourceId, customerId: 'CUSTOMER1', verificationToken: 'verf:ok' });
    expect(payment.status).toBe('COMPLETED');
  });

  it.each([
    ['ccof:customer-card-id-declined', 'GENERIC_DECLINE'],
    ['ccof:customer-card-id-rejected-postalcode', 'ADDRESS_VERIFICATION_FAILURE'],
    ['ccof:customer-card-id-rejected-expiration', 'INVALID_EXPIRATION'],
  ])('declines %s with %s', async (sourceId, code) => {
    const { pay } = merchant();
    const error = await rejection(pay({ sourceId, customerId: 'CUSTOMER1' }));
    expect(error.errors[0]).toMatchObject({ category: 'PAYMENT_METHOD_ERROR', code });
    expect(failedPayment(error).card_details).toMatchObject({ status: 'FAILED', entry_method: 'ON_FILE' });
  });

  it('charges a stored card of the customer, and refuses other customers, unknown and disabled cards', async () => {
    const { pay, client, token } = merchant();
    const customerId = addCustomer(square, token);
    const { card } = await client.cards.create({ idempotencyKey: randomUUID(), sourceId: 'cnon:card-nonce-ok', card: { customerId } });
    const payment = await pay({ sourceId: card!.id!, customerId });
    expect(payment).toMatchObject({
      customerId,
      cardDetails: { entryMethod: 'ON_FILE', card: { cardBrand: 'VISA', last4: '1111', fingerprint: card!.fingerprint } },
    });
    expect(await failure(pay({ sourceId: card!.id!, customerId: addCustomer(square, token) }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'source_id' }],
    });
    expect(await failure(pay({ sourceId: 'ccof:nope', customerId }))).toMatchObject({ status: 404 });
    expect(await failure(square.client().payments.create({ sourceId: card!.id!, customerId, idempotencyKey: randomUUID(), amountMoney: usd(5) }))).toMatchObject({ status: 404 });
    await client.cards.disable({ cardId: card!.id! });
    expect(await failure(pay({ sourceId: card!.id!, customerId }))).toMatchObject({
      status: 400,
      errors: [{ code: 'INVALID_CARD', field: 'source_id' }],
    });
  });
});

describe('CreatePayment with a Square gift card', () => {
  it('debits the sandbox gift card behind cnon:gift-card-nonce-ok', async () => {
    const { pay, client } = merchant();
    const payment = await pay({ sourceId: 'cnon:gift-card-nonce-ok', amountMoney: usd(2500) });
    expect(payment).toMatchObject({
      status: 'COMPLETED',
      sourceType: 'CARD',
      cardDetails: { status: 'CAPTURED', card: { cardBrand: 'SQUARE_GIFT_CARD', last4: '0000', prepaidType: 'PREPAID' } },
    });
    expect(payment.processingFee).toBeUndefined();
    expect(await giftCardBalance(client)).toBe(7500n);
  });

  it('charges a gift card by id and declines a shortfall with INSUFFICIENT_FUNDS, recording a FAILED payment', async () => {
    const { pay, client } = merchant();
    const giftCardId = (await client.giftCards.getFromGan({ gan: TEST_GIFT_CARD_GAN })).giftCard!.id!;
    const payment = await pay({ sourceId: giftCardId, amountMoney: usd(4000) });
    expect(payment.cardDetails).toMatchObject({ entryMethod: 'ON_FILE', card: { cardBrand: 'SQUARE_GIFT_CARD' } });
    const error = await rejection(pay({ sourceId: giftCardId, amountMoney: usd(6001) }));
    expect(error.errors[0]).toMatchObject({ category: 'PAYMENT_METHOD_ERROR', code: 'INSUFFICIENT_FUNDS' });
    expect(failedPayment(error)).toMatchObject({ status: 'FAILED', card_details: { status: 'FAILED' } });
    expect(await giftCardBalance(client)).toBe(6000n);
    expect(await failure(pay({ sourceId: 'gftc:unknown' }))).toMatchObject({ status: 404 });
  });

  it.each([
    ['cnon:gift-card-nonce-insufficient-funds', 'INSUFFICIENT_FUNDS'],
    ['cnon:gift-card-nonce-insufficient-permission', 'INSUFFICIENT_PERMISSIONS'],
  ])('declines %s with %s', async (sourceId, code) => {
    const { pay, client } = merchant();
    const error = await rejection(pay({ sourceId }));
    expect(error.errors[0]).toMatchObject({ category: 'PAYMENT_METHOD_ERROR', code });
    expect(failedPayment(error).status).toBe('FAILED');
    expect(await giftCardBalance(client)).toBe(10000n);
  });

  it('takes what the card holds with accept_partial_authorization, on a delayed-capture payment only', async () => {
    const { pay, client } = merchant();
    const sourceId = 'cnon:gift-card-nonce-ok';
    expect(await failure(pay({ sourceId, acceptPartialAuthorization: true }))).toMatchObject({
      status: 400,
      errors: [{ field: 'accept_partial_authorization' }],
    });
    const error = await rejection(pay({ sourceId, amountMoney: usd(20000), tipMoney: usd(100), autocomplete: false, acceptPartialAuthorization: true }));
    expect(error.errors[0]).toMatchObject({ code: 'GIFT_CARD_AVAILABLE_AMOUNT' });
    const payment = await pay({ sourceId, amountMoney: usd(20000), autocomplete: false, acceptPartialAuthorization: true });
    expect(payment).toMatchObject({ status: 'APPROVED', amountMoney: usd(10000), totalMoney: usd(10000), approvedMoney: usd(10000) });
    expect(await giftCardBalance(client)).toBe(0n);
    await client.payments.cancel({ paymentId: payment.id! });
    expect(await giftCardBalance(client)).toBe(10000n);
  });

  it('lets a gift card hold shrink but not grow', async () => {
    const { pay, client } = merchant();
    const payment = await pay({ sourceId: 'cnon:gift-card-nonce-ok', amountMoney: usd(3000), autocomplete: false });
    expect(payment.capabilities).toEqual(['EDIT_AMOUNT_DOWN', 'EDIT_TIP_AMOUNT_DOWN', 'EDIT_DELAY_ACTION']);
    expect(await failure(client.payments.update({ paymentId: payment.id!, idempotencyKey: randomUUID(), payment: { amountMoney: usd(3001) } }))).toMatchObject({
      status: 400,
      errors: [{ code: 'AMOUNT_TOO_HIGH' }],
    });
    await client.payments.update({ paymentId: payment.id!, idempotencyKey: randomUUID(), payment: { amountMoney: usd(1000) } });
    expect(await giftCardBalance(client)).toBe(9000n);
    const completed = (await client.payments.complete({ paymentId: payment.id! })).payment!;
    expect(completed).toMatchObject({ status: 'COMPLETED', totalMoney: usd(1000) });
    expect(await giftCardBalance(client)).toBe(9000n);
  });
});

describe('CreatePayment with other sources', () => {
  it('takes an ACH bank transfer from bnon:bank-nonce-ok as a COMPLETED BANK_ACCOUNT payment', async () => {
    const { pay } = merchant();
    const payment = await pay({ sourceId: 'bnon:bank-nonce-ok' });
    expect(payment).toMatchObject({
      status: 'COMPLETED',
      sourceType: 'BANK_ACCOUNT',
      bankAccountDetails: { transferType: 'ACH', accountOwnershipType: 'INDIVIDUAL', country: 'US', achDetails: { accountType: 'CHECKING' } },
    });
    expect(payment.cardDetails).toBeUndefined();
    expect(payment.delayDuration).toBeUndefined();
    expect(await failure(pay({ sourceId: 'bnon:bank-nonce-ok', autocomplete: false }))).toMatchObject({ status: 400, errors: [{ field: 'autocomplete' }] });
  });

  it.each([
    ['bnon:bank-nonce-failure', 'GENERIC_DECLINE'],
    ['bnon:bank-nonce-insufficient-funds', 'INSUFFICIENT_FUNDS'],
    ['bnon:bank-nonce-invalid-account', 'INVALID_ACCOUNT'],
  ])('declines %s with %s', async (sourceId, code) => {
    const { pay } = merchant();
    const error = await rejection(pay({ sourceId }));
    expect(error.errors[0]).toMatchObject({ category: 'PAYMENT_METHOD_ERROR', code });
    expect(failedPayment(error)).toMatchObject({ status: 'FAILED' });
  });

  it('records a CASH payment and works out the change', async () => {
    const { pay } = merchant();
    const payment = await pay({ sourceId: 'CASH', tipMoney: usd(100), cashDetails: { buyerSuppliedMoney: usd(2000) } });
    expect(payment).toMatchObject({
      status: 'COMPLETED',
      sourceType: 'CASH',
      totalMoney: usd(1100),
      cashDetails: { buyerSuppliedMoney: usd(2000), changeBackMoney: usd(900) },
    });
    expect(payment.delayDuration).toBeUndefined();
    expect(await failure(pay({ sourceId: 'CASH' }))).toMatchObject({ status: 400, errors: [{ code: 'MISSING_REQUIRED_PARAMETER', field: 'cash_details' }] });
    expect(await failure(pay({ sourceId: 'CASH', cashDetails: { buyerSuppliedMoney: usd(999) } }))).toMatchObject({
      status: 400,
      errors: [{ code: 'VALUE_TOO_LOW', field: 'cash_details.buyer_supplied_money.amount' }],
    });
  });

  it('records an EXTERNAL payment with its details', async () => {
    const { pay } = merchant();
    const externalDetails = { type: 'CHECK', source: 'Front desk', sourceId: 'chk-42', sourceFeeMoney: usd(10) };
    const payment = await pay({ sourceId: 'EXTERNAL', externalDetails });
    expect(payment).toMatchObject({ status: 'COMPLETED', sourceType: 'EXTERNAL', externalDetails });
    expect(await failure(pay({ sourceId: 'EXTERNAL' }))).toMatchObject({ status: 400, errors: [{ field: 'external_details' }] });
    const res = await square.raw('POST', '/v2/payments', {
      body: { source_id: 'EXTERNAL', idempotency_key: randomUUID(), amount_money: { amount: 5, currency: 'USD' }, external_details: { type: 'BARTER', source: 'x' } },
    });
    expect(res.body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'external_details.type' });
  });

  it('refuses unknown nonces and sources', async () => {
    const { pay } = merchant();
    expect(await failure(pay({ sourceId: 'cnon:not-a-real-nonce' }))).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND', field: 'source_id' }] });
    expect(await failure(pay({ sourceId: 'paper-money' }))).toMatchObject({ status: 400, errors: [{ code: 'INVALID_VALUE', field: 'source_id' }] });
  });
});

describe('CreatePayment validation', () => {
  const base = () => ({ source_id: 'cnon:card-nonce-ok', idempotency_key: randomUUID(), amount_money: { amount: 100, currency: 'USD' } });
  const create = async (body: Record<string, unknown>) => (await square.raw('POST', '/v2/payments', { token: newToken(), body })).body.errors?.[0];

  it.each([
    ['a missing amount_money', { amount_money: undefined }, 'MISSING_REQUIRED_PARAMETER', 'amount_money'],
    ['a missing source_id', { source_id: undefined }, 'MISSING_REQUIRED_PARAMETER', 'source_id'],
    ['a 46-character idempotency key', { idempotency_key: 'k'.repeat(46) }, 'VALUE_TOO_LONG', 'idempotency_key'],
    ['an empty idempotency key', { idempotency_key: '' }, 'VALUE_TOO_SHORT', 'idempotency_key'],
    ['a 41-character reference_id', { reference_id: 'r'.repeat(41) }, 'VALUE_TOO_LONG', 'reference_id'],
    ['a 501-character note', { note: 'n'.repeat(501) }, 'VALUE_TOO_LONG', 'note'],
    ['a negative amount', { amount_money: { amount: -1, currency: 'USD' } }, 'VALUE_TOO_LOW', 'amount_money.amount'],
    ['a zero card amount', { amount_money: { amount: 0, currency: 'USD' } }, 'VALUE_TOO_LOW', 'amount_money.amount'],
    ['another currency', { amount_money: { amount: 100, currency: 'EUR' } }, 'UNSUPPORTED_CURRENCY', 'amount_money.currency'],
    ['an unknown location', { location_id: 'LNOPE' }, 'NOT_FOUND', 'location_id'],
    ['a bad delay_action', { autocomplete: false, delay_action: 'LATER' }, 'INVALID_ENUM_VALUE', 'delay_action'],
    ['delay_duration with autocomplete', { delay_duration: 'PT1H' }, 'INVALID_VALUE', 'delay_duration'],
    ['a malformed delay_duration', { autocomplete: false, delay_duration: '1 hour' }, 'INVALID_VALUE', 'delay_duration'],
    ['a delay under a minute', { autocomplete: false, delay_duration: 'PT30S' }, 'VALUE_TOO_LOW', 'delay_duration'],
    ['a delay over 7 days', { autocomplete: false, delay_duration: 'P8D' }, 'VALUE_TOO_HIGH', 'delay_duration'],
    ['an app fee over 90%', { app_fee_money: { amount: 91, currency: 'USD' } }, 'INVALID_FEES', 'app_fee_money.amount'],
    ['a malformed email', { buyer_email_address: 'nobody' }, 'INVALID_EMAIL_ADDRESS', 'buyer_email_address'],
    ['a malformed phone number', { buyer_phone_number: '555-1234' }, 'INVALID_PHONE_NUMBER', 'buyer_phone_number'],
    ['a 21-character statement identifier', { statement_description_identifier: 's'.repeat(21) }, 'VALUE_TOO_LONG', 'statement_description_identifier'],
    ['an unknown field', { tip_percent: 15 }, 'UNKNOWN_BODY_PARAMETER', 'tip_percent'],
    ['a number for a string', { reference_id: 42 }, 'EXPECTED_STRING', 'reference_id'],
    ['a string for a boolean', { autocomplete: 'no' }, 'EXPECTED_BOOLEAN', 'autocomplete'],
    ['an unknown currency', { amount_money: { amount: 100, currency: 'XYZ' } }, 'INVALID_ENUM_VALUE', 'amount_money.currency'],
    ['a fractional amount', { amount_money: { amount: 1.5, currency: 'USD' } }, 'EXPECTED_INTEGER', 'amount_money.amount'],
    ['a nested wrong type', { billing_address: { locality: 7 } }, 'EXPECTED_STRING', 'billing_address.locality'],
    ['an unknown nested field', { billing_address: { planet: 'Mars' } }, 'UNKNOWN_BODY_PARAMETER', 'billing_address.planet'],
  ])('answers 400 for %s', async (_name, patch, code, field) => {
    expect(await create({ ...base(), ...patch })).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
  });

  it('records nothing for a request it refuses, so the key can be used again', async () => {
    const { client, merchantId, pay } = merchant();
    const idempotencyKey = randomUUID();
    expect(await failure(pay({ idempotencyKey, note: 'n'.repeat(501) }))).toMatchObject({ status: 400 });
    await pay({ idempotencyKey });
    expect(square.emulator.ctx.stores.payments.all(merchantId)).toHaveLength(1);
    expect((await client.payments.list()).data).toHaveLength(1);
  });
});

describe('delayed capture', () => {
  it('holds an APPROVED, AUTHORIZED payment with capabilities until CompletePayment captures it', async () => {
    const { pay, client } = merchant();
    const payment = await pay({ autocomplete: false, delayDuration: 'PT2H', delayAction: 'COMPLETE' });
    expect(payment).toMatchObject({
      status: 'APPROVED',
      delayDuration: 'PT2H',
      delayAction: 'COMPLETE',
      capabilities: ['EDIT_AMOUNT_UP', 'EDIT_AMOUNT_DOWN', 'EDIT_TIP_AMOUNT_UP', 'EDIT_TIP_AMOUNT_DOWN', 'EDIT_DELAY_ACTION'],
      cardDetails: { status: 'AUTHORIZED', cardPaymentTimeline: { authorizedAt: payment.createdAt } },
    });
    expect(payment.receiptUrl).toBeUndefined();
    expect(payment.processingFee).toBeUndefined();
    expect(Date.parse(payment.delayedUntil!) - Date.parse(payment.createdAt!)).toBe(2 * 3_600_000);

    expect(await failure(client.payments.complete({ paymentId: payment.id!, versionToken: 'stale' }))).toMatchObject({
      status: 409,
      errors: [{ code: 'CONFLICT', field: 'version_token' }],
    });
    const completed = (await client.payments.complete({ paymentId: payment.id!, versionToken: payment.versionToken! })).payment!;
    expect(completed).toMatchObject({ status: 'COMPLETED', cardDetails: { status: 'CAPTURED' }, receiptUrl: expect.any(String) });
    expect(completed.cardDetails!.cardPaymentTimeline!.capturedAt).toBeTruthy();
    expect(completed.capabilities).toBeUndefined();
    expect(completed.versionToken).not.toBe(payment.versionToken);
    expect(await failure(client.payments.complete({ paymentId: payment.id! }))).toMatchObject({
      status: 400,
      errors: [{ code: 'DELAYED_TRANSACTION_CAPTURED' }],
    });
    expect(await failure(client.payments.cancel({ paymentId: payment.id! }))).toMatchObject({ errors: [{ code: 'DELAYED_TRANSACTION_CAPTURED' }] });
    const events = eventsFor(square, payment.id!);
    expect(events.map((e) => e.type)).toEqual(['payment.created', 'payment.updated']);
    expect(events[1]!.data.object).toMatchObject({ payment: { status: 'COMPLETED' } });
  });

  it('voids a payment with CancelPayment', async () => {
    const { pay, client } = merchant();
    const payment = await pay({ autocomplete: false });
    const canceled = (await client.payments.cancel({ paymentId: payment.id! })).payment!;
    expect(canceled).toMatchObject({ status: 'CANCELED', cardDetails: { status: 'VOIDED' } });
    expect(canceled.cardDetails!.cardPaymentTimeline!.voidedAt).toBeTruthy();
    expect(canceled.receiptNumber).toBeUndefined();
    expect(canceled.capabilities).toBeUndefined();
    expect(await failure(client.payments.cancel({ paymentId: payment.id! }))).toMatchObject({ status: 400, errors: [{ code: 'DELAYED_TRANSACTION_CANCELED' }] });
    expect(await failure(client.payments.complete({ paymentId: payment.id! }))).toMatchObject({ errors: [{ code: 'DELAYED_TRANSACTION_CANCELED' }] });
    expect(await failure(client.payments.cancel({ paymentId: 'nope' }))).toMatchObject({ status: 404 });
    expect(await failure(client.payments.complete({ paymentId: 'nope' }))).toMatchObject({ status: 404 });
  });

  it('refuses to complete or cancel a FAILED payment', async () => {
    const { pay, client } = merchant();
    const failed = failedPayment(await rejection(pay({ sourceId: 'cnon:card-nonce-declined', autocomplete: false })));
    expect(await failure(client.payments.complete({ paymentId: failed.id }))).toMatchObject({ errors: [{ code: 'DELAYED_TRANSACTION_FAILED' }] });
    expect(await failure(client.payments.cancel({ paymentId: failed.id }))).toMatchObject({ errors: [{ code: 'DELAYED_TRANSACTION_FAILED' }] });
  });

  it('cancels by the CreatePayment idempotency key, and answers {} when there is nothing to cancel', async () => {
    const { pay, client } = merchant();
    const idempotencyKey = randomUUID();
    const payment = await pay({ autocomplete: false, idempotencyKey });
    expect(await client.payments.cancelByIdempotencyKey({ idempotencyKey })).toEqual({});
    expect((await client.payments.get({ paymentId: payment.id! })).payment).toMatchObject({ status: 'CANCELED' });
    expect(await client.payments.cancelByIdempotencyKey({ idempotencyKey })).toEqual({});
    expect(await client.payments.cancelByIdempotencyKey({ idempotencyKey: 'never-used' })).toEqual({});
    const completedKey = randomUUID();
    await pay({ idempotencyKey: completedKey });
    expect(await failure(client.payments.cancelByIdempotencyKey({ idempotencyKey: completedKey }))).toMatchObject({
      status: 400,
      errors: [{ code: 'DELAYED_TRANSACTION_CAPTURED' }],
    });
    const res = await square.raw('POST', '/v2/payments/cancel', { body: { idempotency_key: 'k'.repeat(46) } });
    expect(res.body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'idempotency_key' });
    const otherMerchant = square.client();
    expect(await otherMerchant.payments.cancelByIdempotencyKey({ idempotencyKey: completedKey })).toEqual({});
  });

  it('applies an elapsed delay_action of CANCEL when the payment is next read', async () => {
    const { pay, client, merchantId } = merchant();
    const payment = await pay({ autocomplete: false, delayDuration: 'PT1M' });
    const delayedUntil = elapse(merchantId, payment.id!);
    expect(delayedUntil).toBe(payment.delayedUntil);
    const read = (await client.payments.get({ paymentId: payment.id! })).payment!;
    expect(read).toMatchObject({ status: 'CANCELED', cardDetails: { status: 'VOIDED' } });
    expect(read.cardDetails!.cardPaymentTimeline!.voidedAt).toBe(read.delayedUntil);
    expect(await failure(client.payments.complete({ paymentId: payment.id! }))).toMatchObject({ errors: [{ code: 'DELAYED_TRANSACTION_EXPIRED' }] });
    expect(eventsFor(square, payment.id!).map((e) => e.type)).toEqual(['payment.created', 'payment.updated']);
  });

  it('applies an elapsed delay_action of COMPLETE on the next list, adding the tender to the order', async () => {
    const { pay, client, merchantId } = merchant();
    const payment = await pay({ autocomplete: false, delayAction: 'COMPLETE', customerId: 'CUSTOMER1' });
    elapse(merchantId, payment.id!);
    const [listed] = (await client.payments.list()).data;
    expect(listed).toMatchObject({ id: payment.id, status: 'COMPLETED', cardDetails: { status: 'CAPTURED' } });
    const order = (await client.orders.get({ orderId: payment.orderId! })).order!;
    expect(order.tenders).toEqual([expect.objectContaining({ paymentId: payment.id, customerId: 'CUSTOMER1' })]);
  });
});

describe('UpdatePayment', () => {
  it('changes the amount and tip of an APPROVED payment with a new version_token', async () => {
    const { pay, client } = merchant();
    const payment = await pay({ autocomplete: false, tipMoney: usd(100) });
    const idempotencyKey = randomUUID();
    const request = { paymentId: payment.id!, idempotencyKey, payment: { amountMoney: usd(1500), tipMoney: usd(300), versionToken: payment.versionToken! } };
    const updated = (await client.payments.update(request)).payment!;
    expect(updated).toMatchObject({ amountMoney: usd(1500), tipMoney: usd(300), totalMoney: usd(1800), approvedMoney: usd(1800), status: 'APPROVED' });
    expect(updated.versionToken).not.toBe(payment.versionToken);
    expect((await client.payments.update(request)).payment).toEqual(updated);
    expect(await failure(client.payments.update({ ...request, payment: { amountMoney: usd(1) } }))).toMatchObject({
      status: 400,
      errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }],
    });
    expect(await failure(client.payments.update({ ...request, idempotencyKey: randomUUID() }))).toMatchObject({
      status: 409,
      errors: [{ code: 'CONFLICT', field: 'payment.version_token' }],
    });
    const lower = (await client.payments.update({ paymentId: payment.id!, idempotencyKey: randomUUID(), payment: { amountMoney: usd(500), delayAction: 'COMPLETE' } })).payment!;
    expect(lower).toMatchObject({ totalMoney: usd(800), approvedMoney: usd(1800), delayAction: 'COMPLETE' });
    expect(eventsFor(square, payment.id!).map((e) => e.type)).toEqual(['payment.created', 'payment.updated', 'payment.updated']);
  });

  it('refuses to change a completed payment, another merchant’s or an unknown one', async () => {
    const { pay, client } = merchant();
    const payment = await pay();
    const update = (c: SquareClient, paymentId: string) => c.payments.update({ paymentId, idempotencyKey: randomUUID(), payment: { tipMoney: usd(100) } });
    expect(await failure(update(client, payment.id!))).toMatchObject({ status: 400, errors: [{ code: 'DELAYED_TRANSACTION_CAPTURED' }] });
    expect(await failure(update(client, 'nope'))).toMatchObject({ status: 404 });
    expect(await failure(update(square.client(), payment.id!))).toMatchObject({ status: 404 });
    const res = await square.raw('PUT', `/v2/payments/${payment.id}`, { body: { payment: {} } });
    expect(res.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'idempotency_key' });
  });
});

describe('UpdatePayment, CompletePayment and CancelPaymentByIdempotencyKey validation', () => {
  const key = () => randomUUID();

  it.each([
    ['UpdatePayment', 'an unknown payment field', { idempotency_key: key(), payment: { tip: 1 } }, 'UNKNOWN_BODY_PARAMETER', 'payment.tip'],
    ['UpdatePayment', 'an unknown field', { idempotency_key: key(), amount_money: { amount: 1, currency: 'USD' } }, 'UNKNOWN_BODY_PARAMETER', 'amount_money'],
    ['UpdatePayment', 'a number for the version token', { idempotency_key: key(), payment: { version_token: 5 } }, 'EXPECTED_STRING', 'payment.version_token'],
    ['UpdatePayment', 'an unknown currency', { idempotency_key: key(), payment: { tip_money: { amount: 1, currency: 'XYZ' } } }, 'INVALID_ENUM_VALUE', 'payment.tip_money.currency'],
    ['UpdatePayment', 'a bad delay_action', { idempotency_key: key(), payment: { delay_action: 'LATER' } }, 'INVALID_ENUM_VALUE', 'payment.delay_action'],
    ['UpdatePayment', 'a 46-character idempotency key', { idempotency_key: 'k'.repeat(46), payment: {} }, 'VALUE_TOO_LONG', 'idempotency_key'],
    ['UpdatePayment', 'a 193-character team member id', { idempotency_key: key(), payment: { team_member_id: 't'.repeat(193) } }, 'VALUE_TOO_LONG', 'payment.team_member_id'],
    ['UpdatePayment', 'money without a currency', { idempotency_key: key(), payment: { tip_money: { amount: 1 } } }, 'MISSING_REQUIRED_PARAMETER', 'payment.tip_money.currency'],
    ['CompletePayment', 'an unknown field', { version: 'v' }, 'UNKNOWN_BODY_PARAMETER', 'version'],
    ['CompletePayment', 'a number for the version token', { version_token: 5 }, 'EXPECTED_STRING', 'version_token'],
  ])('%s answers 400 for %s', async (api, _name, body, code, field) => {
    const { pay, token } = merchant();
    const payment = await pay({ autocomplete: false });
    const [method, path] = api === 'UpdatePayment' ? ['PUT', `/v2/payments/${payment.id}`] : ['POST', `/v2/payments/${payment.id}/complete`];
    const res = await square.raw(method, path, { token, body });
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
  });

  it.each([
    ['an unknown field', { idempotency_key: 'k', payment_id: 'p' }, 'UNKNOWN_BODY_PARAMETER', 'payment_id'],
    ['a number for the key', { idempotency_key: 5 }, 'EXPECTED_STRING', 'idempotency_key'],
    ['an empty key', { idempotency_key: '' }, 'VALUE_TOO_SHORT', 'idempotency_key'],
    ['no key', {}, 'MISSING_REQUIRED_PARAMETER', 'idempotency_key'],
  ])('CancelPaymentByIdempotencyKey answers 400 for %s', async (_name, body, code, field) => {
    const res = await square.raw('POST', '/v2/payments/cancel', { token: newToken(), body });
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
  });
});

describe('ListPayments', () => {
  it('lists the main location’s payments newest first, with filters', async () => {
    const { pay, client, merchantId } = merchant();
    const ctx = square.emulator.ctx;
    const other = newLocation(merchantId, new Date().toISOString(), { name: 'Second' });
    ctx.stores.locations.insert(merchantId, other.id!, other);
    const a = await pay({ amountMoney: usd(100) });
    const b = await pay({ amountMoney: usd(200), sourceId: 'cnon:gift-card-nonce-ok' });
    const c = await pay({ amountMoney: usd(300), sourceId: 'CASH', cashDetails: { buyerSuppliedMoney: usd(300) } });
    const elsewhere = await pay({ amountMoney: usd(400), locationId: other.id! });
    const ids = async (request: Square.ListPaymentsRequest = {}) => (await client.payments.list(request)).data.map((p) => p.id);
    expect(await ids()).toEqual([c.id, b.id, a.id]);
    expect(await ids({ sortOrder: 'ASC' })).toEqual([a.id, b.id, c.id]);
    expect(await ids({ locationId: other.id! })).toEqual([elsewhere.id]);
    expect(await ids({ total: 200n })).toEqual([b.id]);
    expect(await ids({ last4: '1111' })).toEqual([a.id]);
    expect(await ids({ cardBrand: 'SQUARE_GIFT_CARD' })).toEqual([b.id]);
    expect(await ids({ beginTime: b.createdAt!, sortOrder: 'ASC' })).toEqual(a.createdAt === b.createdAt ? [a.id, b.id, c.id] : [b.id, c.id]);
    expect(await ids({ endTime: new Date(Date.parse(a.createdAt!) - 1).toISOString() })).toEqual([]);
    expect(await ids({ beginTime: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(await ids({ isOfflinePayment: true })).toEqual([]);
    await client.payments.update({ paymentId: (await pay({ autocomplete: false })).id!, idempotencyKey: randomUUID(), payment: { tipMoney: usd(1) } });
    expect((await client.payments.list({ sortField: 'UPDATED_AT', limit: 1 })).data[0]!.tipMoney).toEqual(usd(1));
    const res = await square.raw('GET', '/v2/payments?begin_time=yesterday', {});
    expect(res.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'begin_time' });
  });

  it('pages with stable cursors, ignores limits over 100 and rejects foreign cursors', async () => {
    const { client, merchantId, pay } = merchant();
    // 105 payments: one through the API, the rest stored as copies of it to keep the test fast.
    const template = await pay({ sourceId: 'CASH', cashDetails: { buyerSuppliedMoney: usd(1000) } });
    const stored = square.emulator.ctx.stores.payments;
    const start = Date.parse(template.createdAt!);
    for (let i = 1; i < 105; i++) {
      const doc = structuredClone(stored.get(merchantId, template.id!)!);
      const id = `${template.id}-${i}`;
      const at = new Date(start - 1000 + i).toISOString();
      stored.insert(merchantId, id, { ...doc, id, created_at: at, updated_at: at });
    }
    const big = await client.payments.list({ limit: 500 });
    expect(big.data).toHaveLength(100);
    expect(big.response.cursor).toBeTruthy();
    const all = stored
      .all(merchantId)
      .sort((a, b) => (a.doc.created_at! < b.doc.created_at! ? 1 : -1))
      .map((s) => s.doc.id);

    let page = await client.payments.list({ limit: 40 });
    const seen = page.data.map((p) => p.id);
    await client.payments.create({ sourceId: 'CASH', idempotencyKey: randomUUID(), amountMoney: usd(1), cashDetails: { buyerSuppliedMoney: usd(1) } });
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      seen.push(...page.data.map((p) => p.id));
    }
    expect(seen).toEqual(all);
    expect(await failure(client.payments.list({ cursor: 'garbage' }))).toMatchObject({ status: 400, errors: [{ code: 'INVALID_CURSOR' }] });
    expect(await failure(client.payments.list({ cursor: big.response.cursor!, sortOrder: 'ASC' }))).toMatchObject({ status: 400 });
    expect(await failure(client.payments.list({ limit: 0 }))).toMatchObject({ status: 400, errors: [{ code: 'VALUE_TOO_LOW', field: 'limit' }] });
  });
});

describe('idempotency and isolation', () => {
  it('replays CreatePayment for the same key and body, and refuses the key for another body', async () => {
    const { pay, client, merchantId } = merchant();
    const idempotencyKey = randomUUID();
    const first = await pay({ idempotencyKey });
    expect(await pay({ idempotencyKey })).toEqual(first);
    expect(await failure(pay({ idempotencyKey, amountMoney: usd(1) }))).toMatchObject({ status: 400, errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }] });
    expect(square.emulator.ctx.stores.payments.all(merchantId)).toHaveLength(1);
    expect(eventsFor(square, first.id!)).toHaveLength(1);
    expect((await client.payments.list()).data).toHaveLength(1);
  });

  it('replays a decline with the same FAILED payment', async () => {
    const { pay, merchantId } = merchant();
    const idempotencyKey = randomUUID();
    const first = failedPayment(await rejection(pay({ idempotencyKey, sourceId: 'cnon:card-nonce-declined' })));
    const again = await rejection(pay({ idempotencyKey, sourceId: 'cnon:card-nonce-declined' }));
    expect(again.errors[0]).toMatchObject({ code: 'GENERIC_DECLINE' });
    expect(failedPayment(again).id).toBe(first.id);
    expect(square.emulator.ctx.stores.payments.all(merchantId)).toHaveLength(1);
  });

  it('gives a retried CreatePayment the original payment when the first answer was lost after the write', async () => {
    const token = newToken();
    const merchantId = square.emulator.ctx.merchantFor(token);
    const fault = await fetch(`${square.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/v2/payments', method: 'POST', after_commit: '500', count: 1, merchant_id: merchantId }),
    });
    expect(fault.status).toBe(200);
    const { payment } = await square
      .client(token, { maxRetries: 1 })
      .payments.create({ sourceId: 'cnon:card-nonce-ok', idempotencyKey: randomUUID(), amountMoney: usd(700) });
    const stored = square.emulator.ctx.stores.payments.all(merchantId);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.doc.id).toBe(payment!.id);
    expect(eventsFor(square, payment!.id!)).toHaveLength(1);
  });

  it('never shows or changes one merchant’s payments for another', async () => {
    const { pay } = merchant();
    const payment = await pay({ autocomplete: false });
    const stranger = square.client();
    expect(await failure(stranger.payments.get({ paymentId: payment.id! }))).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND' }] });
    expect(await failure(stranger.payments.complete({ paymentId: payment.id! }))).toMatchObject({ status: 404 });
    expect(await failure(stranger.payments.cancel({ paymentId: payment.id! }))).toMatchObject({ status: 404 });
    expect((await stranger.payments.list()).data).toEqual([]);
  });
});

describe('orders', () => {
  it('creates an order for a payment without one, with a tender carrying payment_id and customer_id', async () => {
    const { pay, client } = merchant();
    const payment = await pay({ customerId: 'CUSTOMER1' });
    const order = (await client.orders.get({ orderId: payment.orderId! })).order!;
    expect(order).toMatchObject({ locationId: payment.locationId, state: 'COMPLETED' });
    expect(order.tenders).toEqual([expect.objectContaining({ paymentId: payment.id, customerId: 'CUSTOMER1' })]);
  });

  it('adds the tender only when a delayed payment is completed', async () => {
    const { pay, client } = merchant();
    const payment = await pay({ autocomplete: false });
    expect((await client.orders.get({ orderId: payment.orderId! })).order!.tenders ?? []).toEqual([]);
    await client.payments.complete({ paymentId: payment.id! });
    expect((await client.orders.get({ orderId: payment.orderId! })).order!.tenders).toEqual([expect.objectContaining({ paymentId: payment.id })]);
  });

  it('pays an existing order, and refuses a payment the order cannot take', async () => {
    const { pay, client } = merchant();
    const locationId = (await client.locations.get({ locationId: 'main' })).location!.id!;
    const { order } = await client.orders.create({
      idempotencyKey: randomUUID(),
      order: { locationId, lineItems: [{ name: 'Tea', quantity: '1', basePriceMoney: usd(450) }] },
    });
    expect(await failure(pay({ orderId: 'nope', amountMoney: usd(450) }))).toMatchObject({ status: 404 });
    const payment = await pay({ orderId: order!.id!, amountMoney: usd(450) });
    expect(payment.orderId).toBe(order!.id);
    expect((await client.orders.get({ orderId: order!.id! })).order).toMatchObject({ state: 'COMPLETED', tenders: [expect.objectContaining({ paymentId: payment.id })] });
  });
});
