import { randomUUID } from 'node:crypto';
import { SquareError } from 'square';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { paymentMerchant } from '../support/fixtures.js';

const square = useEmulator();

const INT64_MAX = 2n ** 63n - 1n;
/** Past 2^53, where a JSON number read as a double loses its last digits. */
const BEYOND_DOUBLE = 2n ** 60n + 7n;

describe('amounts across the whole int64 range', () => {
  it('keeps every digit of an amount past 2^53 through create, read, list and refund, as the SDK sends and reads it', async () => {
    const { client, pay, refund } = paymentMerchant(square);
    const payment = await pay({ amountMoney: { amount: BEYOND_DOUBLE, currency: 'USD' }, tipMoney: { amount: 3n, currency: 'USD' } });
    expect(payment.amountMoney?.amount).toBe(BEYOND_DOUBLE);
    expect(payment.totalMoney?.amount).toBe(BEYOND_DOUBLE + 3n);

    const read = (await client.payments.get({ paymentId: payment.id! })).payment!;
    expect(read.totalMoney?.amount).toBe(BEYOND_DOUBLE + 3n);
    const listed = (await client.payments.list({})).data.find((p) => p.id === payment.id);
    expect(listed?.amountMoney?.amount).toBe(BEYOND_DOUBLE);
    // The order Square makes for the payment holds it as a tender, tip included.
    const order = (await client.orders.get({ orderId: payment.orderId! })).order!;
    expect(order.totalMoney?.amount).toBe(BEYOND_DOUBLE + 3n);

    await refund({ paymentId: payment.id!, amountMoney: { amount: BEYOND_DOUBLE - 1n, currency: 'USD' } });
    const refunded = (await client.payments.get({ paymentId: payment.id! })).payment!;
    expect(refunded.refundedMoney?.amount).toBe(BEYOND_DOUBLE - 1n);
  });

  it('takes the largest int64 amount and answers it with the same digits on the wire', async () => {
    const { token, pay } = paymentMerchant(square);
    const payment = await pay({ amountMoney: { amount: INT64_MAX, currency: 'USD' } });
    expect(payment.amountMoney?.amount).toBe(INT64_MAX);
    const text = await (await fetch(`${square.url}/v2/payments/${payment.id}`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(text).toContain(`"amount_money":{"amount":${INT64_MAX},"currency":"USD"}`);
  });

  it('refuses amounts outside int64, and a total (amount and tip) past it, as VALUE_TOO_HIGH / VALUE_TOO_LOW', async () => {
    const { token } = paymentMerchant(square);
    const create = (amount: string, tip = '0') =>
      square.raw('POST', '/v2/payments', {
        token,
        body: `{"source_id":"cnon:card-nonce-ok","idempotency_key":"${randomUUID()}","amount_money":{"amount":${amount},"currency":"USD"},"tip_money":{"amount":${tip},"currency":"USD"}}`,
      });
    const over = await create(`${INT64_MAX + 1n}`);
    expect(over.status).toBe(400);
    expect(over.body.errors[0]).toMatchObject({ code: 'VALUE_TOO_HIGH', field: 'amount_money.amount' });
    const under = await create('1', `${-(2n ** 63n) - 1n}`);
    expect(under.body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'tip_money.amount' });
    const sum = await create(`${INT64_MAX}`, '1');
    expect(sum.status).toBe(400);
    expect(sum.body.errors[0]).toMatchObject({ code: 'VALUE_TOO_HIGH', field: 'amount_money.amount' });
  });

  it('refuses an order or a gift card balance that would add up past int64, storing nothing', async () => {
    const { client } = paymentMerchant(square);
    const locationId = (await client.locations.list()).locations![0]!.id!;
    const order = client.orders.create({
      idempotencyKey: randomUUID(),
      order: { locationId, lineItems: [{ name: 'Too much', quantity: '2', basePriceMoney: { amount: INT64_MAX, currency: 'USD' } }] },
    });
    await expect(order).rejects.toSatisfy((e) => e instanceof SquareError && e.statusCode === 400 && e.errors[0]?.code === 'VALUE_TOO_HIGH');
    expect((await client.orders.search({ locationIds: [locationId] })).orders ?? []).toEqual([]);

    const { giftCard } = await client.giftCards.create({ idempotencyKey: randomUUID(), locationId, giftCard: { type: 'DIGITAL' } });
    const activity = (type: 'ACTIVATE' | 'LOAD', amount: bigint) =>
      client.giftCards.activities.create({
        idempotencyKey: randomUUID(),
        giftCardActivity: {
          type,
          locationId,
          giftCardId: giftCard!.id!,
          [type === 'ACTIVATE' ? 'activateActivityDetails' : 'loadActivityDetails']: {
            amountMoney: { amount, currency: 'USD' },
            buyerPaymentInstrumentIds: ['cash'],
          },
        },
      });
    await activity('ACTIVATE', INT64_MAX);
    await expect(activity('LOAD', 1n)).rejects.toSatisfy((e) => e instanceof SquareError && e.errors[0]?.code === 'VALUE_TOO_HIGH');
    expect((await client.giftCards.get({ id: giftCard!.id! })).giftCard?.balanceMoney?.amount).toBe(INT64_MAX);
  });
});
