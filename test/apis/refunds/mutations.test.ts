import { describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../../src/gateway/api-keys.js';
import { graphql } from '../../gql/index.js';
import { key } from '../../support/fixtures.js';
import { useGateway } from '../../support/gateway.js';
import { CREATE_PAYMENT, REFUND_PAYMENT, newGiftCard, usd, writes } from '../../support/payments.js';

const stack = useGateway();

async function completedPayment(cents: number, extra: Record<string, unknown> = {}): Promise<{ id: string; squareId: string }> {
  const result = await stack.gql(CREATE_PAYMENT, {
    input: { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(cents), idempotencyKey: key(), ...extra },
  });
  return result.data.createPayment.payment;
}

const refundInput = (paymentId: string, cents: number, extra: Record<string, unknown> = {}) => ({
  paymentId,
  amountMoney: usd(cents),
  idempotencyKey: key(),
  ...extra,
});

describe('refundPayment', () => {
  it('refunds in part, then the rest, and the payment shows both refunds', async () => {
    const payment = await completedPayment(2000);
    const first = await stack.gql(REFUND_PAYMENT, { input: refundInput(payment.id, 500, { reason: 'Cold coffee' }) });
    expect(first.data.refundPayment).toMatchObject({
      __typename: 'RefundPaymentSuccess',
      refund: {
        status: 'PENDING',
        reason: 'Cold coffee',
        amountMoney: { amount: '500', currency: 'USD' },
        payment: { squareId: payment.squareId, refundedMoney: { amount: '500' } },
      },
    });
    const rest = await stack.gql(REFUND_PAYMENT, { input: refundInput(payment.squareId, 1500) });
    expect(rest.data.refundPayment.refund.payment.refundedMoney).toEqual({ amount: '2000' });

    const read = await stack.gql(graphql(`query RefundsOfPayment($id: ID!) { payment(id: $id) { refundedMoney { amount } refunds { squareId status } } }`), {
      id: payment.id,
    });
    expect(read.data?.payment?.refundedMoney).toEqual({ amount: '2000' });
    expect(read.data!.payment!.refunds!.map((r) => r.squareId).sort()).toEqual(
      [first.data.refundPayment.refund.squareId, rest.data.refundPayment.refund.squareId].sort(),
    );
    const refund = await stack.gql(graphql(`query RefundById($id: ID!) { refund(id: $id) { squareId payment { squareId } } }`), {
      id: first.data.refundPayment.refund.id,
    });
    expect(refund.data?.refund).toEqual({ squareId: first.data.refundPayment.refund.squareId, payment: { squareId: payment.squareId } });
  });

  it('refunds a gift card payment back onto the card', async () => {
    const giftCardId = await newGiftCard(stack.square(), 3000);
    const payment = await completedPayment(1000, { sourceId: giftCardId });
    const refunded = await stack.gql(REFUND_PAYMENT, { input: refundInput(payment.squareId, 1000) });
    expect(refunded.data.refundPayment).toMatchObject({ __typename: 'RefundPaymentSuccess', refund: { status: 'COMPLETED' } });
    expect((await stack.square().giftCards.get({ id: giftCardId })).giftCard?.balanceMoney?.amount).toBe(3000n);
  });

  it('refuses a refund above what remains without asking Square to refund', async () => {
    const payment = await completedPayment(1000);
    expect((await stack.gql(REFUND_PAYMENT, { input: refundInput(payment.id, 400) })).data.refundPayment.__typename).toBe(
      'RefundPaymentSuccess',
    );
    await stack.clearCalls();
    const tooMuch = await stack.gql(REFUND_PAYMENT, { input: refundInput(payment.id, 700) });
    expect(tooMuch.data.refundPayment).toMatchObject({
      __typename: 'ValidationError',
      field: 'input.amountMoney.amount',
      code: 'REFUND_AMOUNT_INVALID',
    });
    expect(tooMuch.data.refundPayment.message).toContain('$6.00');
    const overTotal = await stack.gql(REFUND_PAYMENT, { input: refundInput(payment.id, 1001) });
    expect(overTotal.data.refundPayment).toMatchObject({ __typename: 'ValidationError', field: 'input.amountMoney.amount' });
    expect(writes(await stack.calls())).toEqual([]);
    const exact = await stack.gql(REFUND_PAYMENT, { input: refundInput(payment.id, 600) });
    expect(exact.data.refundPayment.__typename).toBe('RefundPaymentSuccess');
  });

  it('refuses a payment that is not completed, another currency and an unknown payment, without refunding', async () => {
    const approved = await completedPayment(1000, { autocomplete: false });
    const declined = await stack.gql(CREATE_PAYMENT, {
      input: { sourceId: 'cnon:card-nonce-declined', amountMoney: usd(1000), idempotencyKey: key() },
    });
    const completed = await completedPayment(1000);
    await stack.clearCalls();
    const notYet = await stack.gql(REFUND_PAYMENT, { input: refundInput(approved.id, 100) });
    expect(notYet.data.refundPayment).toMatchObject({
      __typename: 'ValidationError',
      field: 'input.paymentId',
      code: 'REFUND_ERROR_PAYMENT_NEEDS_COMPLETION',
    });
    const failed = await stack.gql(REFUND_PAYMENT, { input: refundInput(declined.data.createPayment.paymentId, 100) });
    expect(failed.data.refundPayment).toMatchObject({
      __typename: 'ValidationError',
      code: 'PAYMENT_NOT_REFUNDABLE',
      message: 'This payment failed and cannot be refunded; only completed payments can.',
    });
    const euros = await stack.gql(REFUND_PAYMENT, { input: { ...refundInput(completed.id, 100), amountMoney: { amount: '100', currency: 'EUR' } } });
    expect(euros.data.refundPayment).toMatchObject({ __typename: 'ValidationError', field: 'input.amountMoney.currency' });
    const unknown = await stack.gql(REFUND_PAYMENT, { input: refundInput('NOSUCHPAYMENT', 100) });
    expect(unknown.data.refundPayment).toMatchObject({ __typename: 'NotFoundError' });
    expect(writes(await stack.calls())).toEqual([]);
  });

  it('refuses bad input naming the field, before any Square call', async () => {
    await stack.clearCalls();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ amountMoney: usd(0) }, 'input.amountMoney.amount'],
      [{ amountMoney: usd(-5) }, 'input.amountMoney.amount'],
      [{ reason: 'r'.repeat(193) }, 'input.reason'],
      [{ idempotencyKey: 'k'.repeat(46) }, 'input.idempotencyKey'],
      [{ idempotencyKey: '' }, 'input.idempotencyKey'],
      [{ paymentId: 'bad id!' }, 'input.paymentId'],
    ];
    for (const [extra, field] of cases) {
      const result = await stack.gql(REFUND_PAYMENT, { input: refundInput('SOMEPAYMENT', 100, extra) });
      expect(result.data.refundPayment, field).toMatchObject({ __typename: 'ValidationError', field });
    }
    expect(await stack.calls()).toEqual([]);
  });

  it('returns the same refund for a retry with the same key, and ConflictError for another amount under it', async () => {
    const payment = await completedPayment(1000);
    const input = refundInput(payment.id, 1000);
    const first = await stack.gql(REFUND_PAYMENT, { input });
    // Nothing is left to refund, yet the retry is answered with the refund it made.
    const retry = await stack.gql(REFUND_PAYMENT, { input });
    expect(retry.data.refundPayment.refund.squareId).toBe(first.data.refundPayment.refund.squareId);

    const partial = await completedPayment(1000);
    const reused = refundInput(partial.id, 300);
    await stack.gql(REFUND_PAYMENT, { input: reused });
    const other = await stack.gql(REFUND_PAYMENT, { input: { ...reused, amountMoney: usd(200) } });
    expect(other.data.refundPayment).toMatchObject({ __typename: 'ConflictError', code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('scopes of refunds', () => {
  const writer = generateKey('payments-writer', ['PAYMENTS_WRITE']);
  const scoped = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [writer.entry] }), 'test keys') });

  it('needs PAYMENTS_READ as well as PAYMENTS_WRITE, for the check before the refund', async () => {
    await scoped.clearCalls();
    const result = await scoped.gql(REFUND_PAYMENT, { input: refundInput('P1', 100) }, { token: writer.key });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['PAYMENTS_READ'] });
    expect(await scoped.calls()).toEqual([]);
  });
});
