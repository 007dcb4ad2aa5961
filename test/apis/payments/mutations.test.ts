import type { DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../../src/gateway/api-keys.js';
import { graphql } from '../../gql/index.js';
import { key } from '../../support/fixtures.js';
import { useGateway } from '../../support/gateway.js';
import {
  CANCEL_BY_KEY,
  CANCEL_PAYMENT,
  CHARGE_CUSTOMER,
  COMPLETE_PAYMENT,
  CREATE_PAYMENT,
  DISABLE_CARD,
  newCard,
  newCustomer,
  newGiftCard,
  usd,
  writes,
} from '../../support/payments.js';

const stack = useGateway();

const paymentInput = (extra: Record<string, unknown> = {}) => ({
  sourceId: 'cnon:card-nonce-ok',
  amountMoney: usd(1500),
  idempotencyKey: key(),
  ...extra,
});

describe('createPayment', () => {
  it('takes a card payment with tip, note and reference, and Square makes its order', async () => {
    const customerId = await newCustomer(stack.square());
    const input = paymentInput({ customerId, tipMoney: usd(200), note: 'Table 4', referenceId: 'inv-1001' });
    const result = await stack.gql(CREATE_PAYMENT, { input });
    expect(result.data.createPayment.__typename).toBe('CreatePaymentSuccess');
    const payment = result.data.createPayment.payment;
    expect(payment).toMatchObject({
      status: 'COMPLETED',
      sourceType: 'CARD',
      note: 'Table 4',
      referenceId: 'inv-1001',
      amountMoney: { amount: '1500', currency: 'USD' },
      tipMoney: { amount: '200' },
      totalMoney: { amount: '1700' },
      cardDetails: { status: 'CAPTURED', entryMethod: 'KEYED', card: { last4: '1111' } },
      customer: { squareId: customerId },
      order: { state: 'COMPLETED' },
    });
    const stored = await stack.square().payments.get({ paymentId: payment.squareId });
    expect(stored.payment).toMatchObject({ id: payment.squareId, status: 'COMPLETED', referenceId: 'inv-1001' });

    const replay = await stack.gql(CREATE_PAYMENT, { input });
    expect(replay.data.createPayment.payment.squareId).toBe(payment.squareId);
  });

  it('accepts a zero tip and app fee, and global ids for customer and location', async () => {
    const customerId = await newCustomer(stack.square());
    const who = await stack.gql(graphql(`query PaymentsWriteGlobalIds($id: ID!) { customer(id: $id) { id } locations { id squareId } }`), { id: customerId });
    const location = who.data!.locations![0]!;
    const result = await stack.gql(CREATE_PAYMENT, {
      input: paymentInput({ customerId: who.data!.customer!.id, locationId: location.id, tipMoney: usd(0), appFeeMoney: usd(0) }),
    });
    expect(result.data.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { customer: { squareId: customerId } } });
  });

  it('reports each decline test value as PaymentDeclinedError with Square’s code and the FAILED payment', async () => {
    const customerId = await newCustomer(stack.square());
    const cases: Array<[string, string]> = [
      ['cnon:card-nonce-declined', 'GENERIC_DECLINE'],
      ['cnon:card-nonce-rejected-cvv', 'CVV_FAILURE'],
      ['cnon:card-nonce-rejected-postalcode', 'ADDRESS_VERIFICATION_FAILURE'],
      ['cnon:card-nonce-rejected-expiration', 'INVALID_EXPIRATION'],
      ['cnon:card-nonce-already-used', 'CARD_TOKEN_USED'],
      ['ccof:customer-card-id-declined', 'GENERIC_DECLINE'],
      ['ccof:customer-card-id-rejected-postalcode', 'ADDRESS_VERIFICATION_FAILURE'],
      ['ccof:customer-card-id-rejected-expiration', 'INVALID_EXPIRATION'],
      ['ccof:customer-card-id-requires-verification', 'CARD_DECLINED_VERIFICATION_REQUIRED'],
      ['cnon:gift-card-nonce-insufficient-funds', 'INSUFFICIENT_FUNDS'],
      ['bnon:bank-nonce-insufficient-funds', 'INSUFFICIENT_FUNDS'],
    ];
    for (const [sourceId, code] of cases) {
      const result = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ sourceId, customerId }) });
      const declined = result.data.createPayment;
      expect(declined, sourceId).toMatchObject({ __typename: 'PaymentDeclinedError', code });
      expect(declined.message.length).toBeGreaterThan(10);
      expect(JSON.stringify(result)).not.toContain(sourceId);
      const failed = await stack.square().payments.get({ paymentId: declined.paymentId });
      expect(failed.payment?.status, sourceId).toBe('FAILED');
    }
  });

  it('charges a card that needs verification when the verification token is given', async () => {
    const customerId = await newCustomer(stack.square());
    const result = await stack.gql(CREATE_PAYMENT, {
      input: paymentInput({ sourceId: 'ccof:customer-card-id-requires-verification', customerId, verificationToken: 'verf:ok' }),
    });
    expect(result.data.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { cardDetails: { entryMethod: 'ON_FILE' } } });
  });

  it('refuses a card on file without customerId before calling Square, for real and test card ids', async () => {
    const customerId = await newCustomer(stack.square());
    const cardId = await newCard(stack.square(), customerId);
    await stack.clearCalls();
    for (const sourceId of [cardId, 'ccof:customer-card-id-ok']) {
      const result = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ sourceId }) });
      expect(result.data.createPayment).toMatchObject({
        __typename: 'ValidationError',
        field: 'input.customerId',
        code: 'MISSING_REQUIRED_PARAMETER',
      });
      expect(result.data.createPayment.message).not.toContain(sourceId);
    }
    expect(await stack.calls()).toEqual([]);
    const withCustomer = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ sourceId: cardId, customerId }) });
    expect(withCustomer.data.createPayment).toMatchObject({
      __typename: 'CreatePaymentSuccess',
      payment: { cardDetails: { entryMethod: 'ON_FILE' }, customer: { squareId: customerId } },
    });
  });

  it('takes a gift card on file without customerId, and a gift card token', async () => {
    const giftCardId = await newGiftCard(stack.square(), 5000);
    const onFile = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ sourceId: giftCardId, amountMoney: usd(1200) }) });
    expect(onFile.data.createPayment).toMatchObject({
      __typename: 'CreatePaymentSuccess',
      payment: { status: 'COMPLETED', cardDetails: { card: { cardBrand: 'SQUARE_GIFT_CARD' } }, customer: null },
    });
    const { giftCard } = await stack.square().giftCards.get({ id: giftCardId });
    expect(giftCard?.balanceMoney?.amount).toBe(3800n);
    const token = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ sourceId: 'cnon:gift-card-nonce-ok', amountMoney: usd(500) }) });
    expect(token.data.createPayment.__typename).toBe('CreatePaymentSuccess');
  });

  it('refuses bad input naming the field, before any Square call', async () => {
    await stack.clearCalls();
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ amountMoney: usd(0) }, 'input.amountMoney.amount', 'VALUE_TOO_LOW'],
      [{ amountMoney: usd(-100) }, 'input.amountMoney.amount', 'VALUE_TOO_LOW'],
      [{ tipMoney: usd(-1) }, 'input.tipMoney.amount', 'VALUE_TOO_LOW'],
      [{ appFeeMoney: usd(-1) }, 'input.appFeeMoney.amount', 'VALUE_TOO_LOW'],
      [{ tipMoney: { amount: '100', currency: 'EUR' } }, 'input.tipMoney.currency'],
      [{ appFeeMoney: { amount: '100', currency: 'CAD' } }, 'input.appFeeMoney.currency'],
      [{ note: 'n'.repeat(501) }, 'input.note', 'VALUE_TOO_LONG'],
      [{ referenceId: 'r'.repeat(41) }, 'input.referenceId', 'VALUE_TOO_LONG'],
      [{ idempotencyKey: 'k'.repeat(46) }, 'input.idempotencyKey', 'VALUE_TOO_LONG'],
      [{ idempotencyKey: '' }, 'input.idempotencyKey', 'VALUE_TOO_SHORT'],
      [{ customerId: 'bad id!' }, 'input.customerId'],
      [{ orderId: 'bad id!' }, 'input.orderId'],
      [{ locationId: 'bad id!' }, 'input.locationId'],
      [{ sourceId: 'CASH' }, 'input.sourceId'],
    ];
    for (const [extra, field, code] of cases) {
      const result = await stack.gql(CREATE_PAYMENT, { input: paymentInput(extra) });
      expect(result.data.createPayment, field).toMatchObject({ __typename: 'ValidationError', field, ...(code ? { code } : {}) });
    }
    // At the limits, the same fields are fine.
    const limits = await stack.gql(CREATE_PAYMENT, {
      input: paymentInput({ amountMoney: usd(1), note: 'n'.repeat(500), referenceId: 'r'.repeat(40), idempotencyKey: 'k'.repeat(45) }),
    });
    expect(limits.data.createPayment.__typename).toBe('CreatePaymentSuccess');
    expect(writes(await stack.calls())).toEqual(['POST /v2/payments']);
  });

  it('passes Square’s own refusals on as typed errors', async () => {
    const unknownOrder = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ orderId: 'NOSUCHORDER' }) });
    expect(unknownOrder.data.createPayment).toMatchObject({ __typename: 'NotFoundError' });
    const customerId = await newCustomer(stack.square());
    const unknownCard = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ sourceId: 'ccof:nosuchcard', customerId }) });
    expect(unknownCard.data.createPayment).toMatchObject({ __typename: 'NotFoundError' });
    const otherCurrency = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ amountMoney: { amount: '100', currency: 'EUR' } }) });
    expect(otherCurrency.data.createPayment).toMatchObject({ __typename: 'ValidationError', field: 'input.amountMoney.currency' });
    const fee = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ amountMoney: usd(100), appFeeMoney: usd(95) }) });
    expect(fee.data.createPayment).toMatchObject({ __typename: 'ValidationError', field: 'input.appFeeMoney.amount', code: 'INVALID_FEES' });
    const badToken = 'cnon:this-token-does-not-exist';
    const unknownToken = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ sourceId: badToken }) });
    expect(unknownToken.data.createPayment).toMatchObject({ __typename: 'NotFoundError' });
    const garbage = 'xyz-not-a-token';
    const invalid = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ sourceId: garbage }) });
    expect(invalid.data.createPayment).toMatchObject({ __typename: 'ValidationError', field: 'input.sourceId' });
    expect(JSON.stringify([unknownToken, invalid])).not.toMatch(/this-token-does-not-exist|xyz-not-a-token/);
  });

  it('refuses the same idempotency key with a different request as ConflictError', async () => {
    const input = paymentInput();
    expect((await stack.gql(CREATE_PAYMENT, { input })).data.createPayment.__typename).toBe('CreatePaymentSuccess');
    const reused = await stack.gql(CREATE_PAYMENT, { input: { ...input, amountMoney: usd(1501) } });
    expect(reused.data.createPayment).toMatchObject({ __typename: 'ConflictError', code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('completePayment, cancelPayment and cancelPaymentByIdempotencyKey', () => {
  const PAYMENT_VERSION = graphql(`query PaymentsWriteVersion($id: ID!) { payment(id: $id) { versionToken } }`);

  it('completes an approved payment, refusing a stale version and a second completion', async () => {
    const approved = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ autocomplete: false }) });
    const payment = approved.data.createPayment.payment;
    expect(payment).toMatchObject({ status: 'APPROVED', cardDetails: { status: 'AUTHORIZED' } });

    const stale = await stack.gql(COMPLETE_PAYMENT, { input: { paymentId: payment.id, versionToken: 'not-the-version' } });
    expect(stale.data.completePayment).toMatchObject({ __typename: 'ConflictError' });

    const { versionToken } = (await stack.gql(PAYMENT_VERSION, { id: payment.id })).data!.payment!;
    const completed = await stack.gql(COMPLETE_PAYMENT, { input: { paymentId: payment.id, versionToken } });
    expect(completed.data.completePayment).toEqual({
      __typename: 'CompletePaymentSuccess',
      payment: { squareId: payment.squareId, status: 'COMPLETED' },
    });
    const again = await stack.gql(COMPLETE_PAYMENT, { input: { paymentId: payment.squareId } });
    expect(again.data.completePayment).toMatchObject({
      __typename: 'ValidationError',
      field: 'input.paymentId',
      code: 'DELAYED_TRANSACTION_CAPTURED',
    });
  });

  it('cancels an approved payment and refuses to cancel a completed one', async () => {
    const approved = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ autocomplete: false }) });
    const paymentId = approved.data.createPayment.payment.squareId;
    const canceled = await stack.gql(CANCEL_PAYMENT, { input: { paymentId } });
    expect(canceled.data.cancelPayment).toEqual({ __typename: 'CancelPaymentSuccess', payment: { squareId: paymentId, status: 'CANCELED' } });
    const twice = await stack.gql(CANCEL_PAYMENT, { input: { paymentId } });
    expect(twice.data.cancelPayment).toMatchObject({ __typename: 'ValidationError', code: 'DELAYED_TRANSACTION_CANCELED' });
    const completed = await stack.gql(CREATE_PAYMENT, { input: paymentInput() });
    const refused = await stack.gql(CANCEL_PAYMENT, { input: { paymentId: completed.data.createPayment.payment.squareId } });
    expect(refused.data.cancelPayment).toMatchObject({ __typename: 'ValidationError', field: 'input.paymentId' });
  });

  it('reports unknown and malformed payment ids', async () => {
    const unknown = await stack.gql(COMPLETE_PAYMENT, { input: { paymentId: 'NOSUCHPAYMENT' } });
    expect(unknown.data.completePayment).toMatchObject({ __typename: 'NotFoundError' });
    const unknownCancel = await stack.gql(CANCEL_PAYMENT, { input: { paymentId: 'NOSUCHPAYMENT' } });
    expect(unknownCancel.data.cancelPayment).toMatchObject({ __typename: 'NotFoundError' });
    await stack.clearCalls();
    const bad = await stack.gql(CANCEL_PAYMENT, { input: { paymentId: 'bad id!' } });
    expect(bad.data.cancelPayment).toMatchObject({ __typename: 'ValidationError', field: 'input.paymentId' });
    expect(await stack.calls()).toEqual([]);
  });

  it('voids the payment an idempotency key took, and succeeds when that key took none', async () => {
    const idempotencyKey = key();
    const approved = await stack.gql(CREATE_PAYMENT, { input: paymentInput({ autocomplete: false, idempotencyKey }) });
    const paymentId = approved.data.createPayment.payment.squareId;
    const canceled = await stack.gql(CANCEL_BY_KEY, { input: { idempotencyKey } });
    expect(canceled.data.cancelPaymentByIdempotencyKey).toEqual({ __typename: 'CancelPaymentByIdempotencyKeySuccess', canceled: true });
    expect((await stack.square().payments.get({ paymentId })).payment?.status).toBe('CANCELED');

    const none = await stack.gql(CANCEL_BY_KEY, { input: { idempotencyKey: key() } });
    expect(none.data.cancelPaymentByIdempotencyKey.canceled).toBe(true);

    const completedKey = key();
    await stack.gql(CREATE_PAYMENT, { input: paymentInput({ idempotencyKey: completedKey }) });
    const tooLate = await stack.gql(CANCEL_BY_KEY, { input: { idempotencyKey: completedKey } });
    expect(tooLate.data.cancelPaymentByIdempotencyKey).toMatchObject({
      __typename: 'ValidationError',
      field: 'input.idempotencyKey',
      code: 'DELAYED_TRANSACTION_CAPTURED',
    });

    await stack.clearCalls();
    const long = await stack.gql(CANCEL_BY_KEY, { input: { idempotencyKey: 'k'.repeat(46) } });
    expect(long.data.cancelPaymentByIdempotencyKey).toMatchObject({ __typename: 'ValidationError', field: 'input.idempotencyKey' });
    expect(await stack.calls()).toEqual([]);
  });
});

describe('chargeCustomer', () => {
  const CUSTOMER_PAYMENTS = graphql(`query PaymentsWriteOfCustomer($id: ID!) { customer(id: $id) {
    payments { edges { node { squareId status customer { squareId } } } }
    orders { edges { node { squareId state } } } } }`);

  it('charges an order to the customer’s card, and the customer’s payments show it in the same request', async () => {
    const square = stack.square();
    const customerId = await newCustomer(square);
    const cardId = await newCard(square, customerId);
    const locationId = (await square.locations.list()).locations![0]!.id!;
    const { order } = await square.orders.create({
      idempotencyKey: key(),
      order: {
        locationId,
        customerId,
        lineItems: [{ name: 'Espresso', quantity: '2', basePriceMoney: { amount: 350n, currency: 'USD' } }],
      },
    });
    // Read as plain JSON: each alias's success member.
    const BEFORE_AND_AFTER: DocumentNode = graphql(`mutation PaymentsWriteBeforeAndAfter($save: SaveCardInput!, $charge: ChargeCustomerInput!) {
      before: saveCard(input: $save) { ... on SaveCardSuccess { card { customer { payments { edges { node { squareId } } } } } } }
      charge: chargeCustomer(input: $charge) { __typename
        ... on ChargeCustomerSuccess { payment { squareId status amountMoney { amount } cardDetails { entryMethod }
          order { squareId state } customer { payments { edges { node { squareId } } } cards { squareId } } } }
        ... on Error { message code } } }`);
    const result = await stack.gql(BEFORE_AND_AFTER, {
      save: { customerId, sourceId: 'cnon:card-nonce-ok', idempotencyKey: key(), customerConsent: true },
      charge: { customerId, cardId, orderId: order!.id, amountMoney: usd(700), idempotencyKey: key(), note: 'Two espressos' },
    });
    expect(result.data.before.card.customer.payments.edges).toEqual([]);
    const payment = result.data.charge.payment;
    expect(payment).toMatchObject({
      status: 'COMPLETED',
      amountMoney: { amount: '700' },
      cardDetails: { entryMethod: 'ON_FILE' },
      order: { squareId: order!.id, state: 'COMPLETED' },
    });
    expect(payment.customer.payments.edges.map((e: any) => e.node.squareId)).toEqual([payment.squareId]);
    expect(payment.customer.cards).toHaveLength(2);

    const read = await stack.gql(CUSTOMER_PAYMENTS, { id: customerId });
    expect(read.data?.customer?.payments?.edges).toEqual([
      { node: { squareId: payment.squareId, status: 'COMPLETED', customer: { squareId: customerId } } },
    ]);
    expect(read.data?.customer?.orders?.edges).toEqual([{ node: { squareId: order!.id, state: 'COMPLETED' } }]);
  });

  it('charges the most recently saved enabled card when no card is named', async () => {
    const square = stack.square();
    const customerId = await newCustomer(square);
    const first = await newCard(square, customerId);
    const second = await newCard(square, customerId);
    const charged = await stack.gql(
      graphql(`mutation PaymentsWriteChargeAnyCard($input: ChargeCustomerInput!) { chargeCustomer(input: $input) {
        __typename ... on ChargeCustomerSuccess { payment { squareId } } } }`),
      { input: { customerId, amountMoney: usd(900), idempotencyKey: key() } },
    );
    if (charged.data?.chargeCustomer?.__typename !== 'ChargeCustomerSuccess') throw new Error(JSON.stringify(charged));
    const paid = await square.payments.get({ paymentId: charged.data.chargeCustomer.payment.squareId });
    expect(paid.payment?.customerId).toBe(customerId);
    const second4 = (await square.cards.get({ cardId: second })).card!;
    expect(paid.payment?.cardDetails?.card?.fingerprint).toBe(second4.fingerprint);

    // Disabled in the same request before the charge: the charge must not pick it.
    const DISABLE_THEN_CHARGE = graphql(`mutation PaymentsWriteDisableThenCharge($disable: DisableCardInput!, $charge: ChargeCustomerInput!) {
      d: disableCard(input: $disable) { __typename }
      c: chargeCustomer(input: $charge) { __typename ... on ChargeCustomerSuccess { payment { squareId } } } }`);
    await stack.gql(DISABLE_CARD, { input: { cardId: first } });
    await stack.clearCalls();
    const none = await stack.gql(DISABLE_THEN_CHARGE, {
      disable: { cardId: second },
      charge: { customerId, amountMoney: usd(900), idempotencyKey: key() },
    });
    expect(none.data?.c).toMatchObject({ __typename: 'ValidationError' });
    expect(writes(await stack.calls())).toEqual([`POST /v2/cards/${encodeURIComponent(second)}/disable`]);
  });

  it('refuses a customer without enabled cards on input.cardId, and bad input, without charging', async () => {
    const customerId = await newCustomer(stack.square());
    await stack.clearCalls();
    const CHARGE = graphql(`mutation PaymentsWriteChargeRefused($input: ChargeCustomerInput!) { chargeCustomer(input: $input) { __typename
      ... on Error { code message } ... on ValidationError { field } } }`);
    const noCard = await stack.gql(CHARGE, { input: { customerId, amountMoney: usd(900), idempotencyKey: key() } });
    expect(noCard.data?.chargeCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.cardId', code: 'MISSING_REQUIRED_PARAMETER' });
    const zero = await stack.gql(CHARGE, { input: { customerId, amountMoney: usd(0), idempotencyKey: key() } });
    expect(zero.data?.chargeCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.amountMoney.amount' });
    const badCard = await stack.gql(CHARGE, { input: { customerId, cardId: 'x y', amountMoney: usd(1), idempotencyKey: key() } });
    expect(badCard.data?.chargeCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.cardId' });
    expect(writes(await stack.calls())).toEqual([]);

    const otherCustomer = await newCustomer(stack.square());
    const foreignCard = await newCard(stack.square(), otherCustomer);
    const foreign = await stack.gql(CHARGE, { input: { customerId, cardId: foreignCard, amountMoney: usd(1), idempotencyKey: key() } });
    expect(foreign.data?.chargeCustomer).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('refuses a retried charge with the same key and another amount as ConflictError', async () => {
    const square = stack.square();
    const customerId = await newCustomer(square);
    await newCard(square, customerId);
    const idempotencyKey = key();
    const first = await stack.gql(CHARGE_CUSTOMER, { input: { customerId, amountMoney: usd(2500), idempotencyKey } });
    expect(first.data.chargeCustomer.__typename).toBe('ChargeCustomerSuccess');
    const same = await stack.gql(CHARGE_CUSTOMER, { input: { customerId, amountMoney: usd(2500), idempotencyKey } });
    expect(same.data.chargeCustomer.payment.squareId).toBe(first.data.chargeCustomer.payment.squareId);
    const other = await stack.gql(CHARGE_CUSTOMER, { input: { customerId, amountMoney: usd(2600), idempotencyKey } });
    expect(other.data.chargeCustomer).toMatchObject({ __typename: 'ConflictError', code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('scopes of payment writes', () => {
  const writer = generateKey('payments-writer', ['PAYMENTS_WRITE']);
  const reader = generateKey('payments-reader', ['PAYMENTS_READ', 'CUSTOMERS_READ']);
  const scoped = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [writer.entry, reader.entry] }), 'test keys') });

  it('needs PAYMENTS_WRITE to take a payment, and PAYMENTS_READ as well to charge a customer', async () => {
    await scoped.clearCalls();
    const create = await scoped.gql(CREATE_PAYMENT, { input: paymentInput() }, { token: reader.key });
    expect(create.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['PAYMENTS_WRITE'] });
    const charge = await scoped.gql(
      graphql(`mutation PaymentsWriteChargeScoped { chargeCustomer(input: { customerId: "C1", amountMoney: { amount: 1, currency: USD }, idempotencyKey: "k" }) { __typename } }`),
      {},
      { token: writer.key },
    );
    expect(charge.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['PAYMENTS_READ'] });
    for (const mutation of [
      `completePayment(input: { paymentId: "P1" })`,
      `cancelPayment(input: { paymentId: "P1" })`,
      `cancelPaymentByIdempotencyKey(input: { idempotencyKey: "k" })`,
    ]) {
      const result = await scoped.gql(`mutation { ${mutation} { __typename } }`, {}, { token: reader.key });
      expect(result.errors?.[0]?.extensions, mutation).toMatchObject({ code: 'FORBIDDEN', scopes: ['PAYMENTS_WRITE'] });
    }
    expect(await scoped.calls()).toEqual([]);
  });
});
