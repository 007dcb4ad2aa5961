import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { redeemGiftCard, refundToGiftCard } from '../../src/emulator/domain/gift-card-activities.js';
import { newLocation } from '../../src/emulator/domain/locations.js';
import { useEmulator } from '../support/emulator.js';
import { eventsFor, key, newMerchant, wireUsd as usd } from '../support/fixtures.js';

const square = useEmulator();

/** A merchant with a PENDING digital gift card, and raw-JSON helpers for activities on it. */
async function giftCard() {
  const { token, client, merchantId } = newMerchant(square);
  const locationId = (await client.locations.list()).locations![0]!.id!;
  const card = (await client.giftCards.create({ idempotencyKey: key(), locationId, giftCard: { type: 'DIGITAL' } })).giftCard!;
  const post = (activity: Record<string, unknown>, idempotencyKey = key()) =>
    square.raw('POST', '/v2/gift-cards/activities', {
      token,
      body: { idempotency_key: idempotencyKey, gift_card_activity: { location_id: locationId, gift_card_id: card.id, ...activity } },
    });
  /** Creates an activity that must succeed and returns it. */
  const act = async (type: string, details: Record<string, unknown>) => {
    const res = await post({ type, [`${type.toLowerCase()}_activity_details`]: details });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.gift_card_activity;
  };
  const activate = (amount = 5000) => act('ACTIVATE', { amount_money: usd(amount), buyer_payment_instrument_ids: ['cash'] });
  const stored = () => square.emulator.ctx.stores.giftCards.get(merchantId, card.id!)!;
  return { token, client, merchantId, locationId, card, post, act, activate, stored };
}

describe('CreateGiftCardActivity', () => {
  it('walks a card through every balance-changing type, recording the balance after each', async () => {
    const { act, activate, stored, card, client } = await giftCard();
    const steps: Array<[Promise<any>, number]> = [];
    const record = async (activity: Promise<any>, balance: number) => {
      const done = await activity;
      expect(done.gift_card_balance_money).toEqual(usd(balance));
      expect(stored().balance_money).toEqual(usd(balance));
      steps.push([activity, balance]);
      return done;
    };
    const activated = await record(activate(5000), 5000);
    expect(activated).toMatchObject({
      type: 'ACTIVATE',
      gift_card_id: card.id,
      gift_card_gan: card.gan,
      activate_activity_details: { amount_money: usd(5000), buyer_payment_instrument_ids: ['cash'] },
    });
    expect(activated.id).toMatch(/^gcact_/);
    expect(stored().state).toBe('ACTIVE');
    await record(act('LOAD', { amount_money: usd(2000), buyer_payment_instrument_ids: ['card-1'], reference_id: 'reload' }), 7000);
    const redeem = await record(act('REDEEM', { amount_money: usd(1500), reference_id: 'order-9' }), 5500);
    expect(redeem.redeem_activity_details).toEqual({ amount_money: usd(1500), reference_id: 'order-9', status: 'COMPLETED' });
    await record(act('ADJUST_INCREMENT', { amount_money: usd(300), reason: 'COMPLIMENTARY' }), 5800);
    await record(act('ADJUST_DECREMENT', { amount_money: usd(800), reason: 'SUPPORT_ISSUE' }), 5000);
    const refund = await record(act('REFUND', { redeem_activity_id: redeem.id, amount_money: usd(500) }), 5500);
    expect(refund.refund_activity_details).toEqual({ redeem_activity_id: redeem.id, amount_money: usd(500) });
    await record(act('UNLINKED_ACTIVITY_REFUND', { amount_money: usd(250), reference_id: 'ext-refund' }), 5750);
    await record(act('CLEAR_BALANCE', { reason: 'SUSPICIOUS_ACTIVITY' }), 0);
    await record(act('DEACTIVATE', { reason: 'SUSPICIOUS_ACTIVITY' }), 0);
    expect(stored().state).toBe('DEACTIVATED');
    expect((await client.giftCards.get({ id: card.id! })).giftCard).toMatchObject({ state: 'DEACTIVATED', balanceMoney: { amount: 0n } });
  });

  it('works by GAN alone, and checks that an id and a GAN name the same card', async () => {
    const { post, card } = await giftCard();
    const details = { activate_activity_details: { amount_money: usd(1000), buyer_payment_instrument_ids: ['cash'] } };
    const byGan = await post({ type: 'ACTIVATE', gift_card_id: undefined, gift_card_gan: card.gan, ...details });
    expect(byGan.status).toBe(200);
    expect(byGan.body.gift_card_activity).toMatchObject({ gift_card_id: card.id, gift_card_gan: card.gan });
    const mismatch = await post({ type: 'LOAD', gift_card_gan: '7783000000000000', load_activity_details: details.activate_activity_details });
    expect(mismatch.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'gift_card_activity.gift_card_gan' });
    const neither = await post({ type: 'LOAD', gift_card_id: undefined, load_activity_details: details.activate_activity_details });
    expect(neither.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'gift_card_activity.gift_card_id' });
    const unknownGan = await post({ type: 'LOAD', gift_card_id: undefined, gift_card_gan: '7783000000000000', load_activity_details: {} });
    expect(unknownGan.status).toBe(404);
  });

  it('activates from a GIFT_CARD line item of an order, once', async () => {
    const { post, merchantId, stored } = await giftCard();
    const orders = square.emulator.ctx.stores.orders;
    orders.insert(merchantId, 'ORDER1', {
      id: 'ORDER1',
      location_id: 'L',
      line_items: [
        { uid: 'coffee', quantity: '1', base_price_money: usd(450) as any },
        { uid: 'gift', quantity: '1', item_type: 'GIFT_CARD', base_price_money: usd(2500) as any, total_money: usd(2500) as any },
      ],
    });
    const details = (uid: string, order = 'ORDER1') => ({ type: 'ACTIVATE', activate_activity_details: { order_id: order, line_item_uid: uid } });
    expect((await post(details('coffee'))).body.errors[0]).toMatchObject({ code: 'INVALID_VALUE' });
    expect((await post(details('gift', 'NOPE'))).status).toBe(404);
    const missingUid = await post({ type: 'ACTIVATE', activate_activity_details: { order_id: 'ORDER1' } });
    expect(missingUid.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'gift_card_activity.activate_activity_details.line_item_uid' });
    const ok = await post(details('gift'));
    expect(ok.body.gift_card_activity.activate_activity_details).toEqual({ order_id: 'ORDER1', line_item_uid: 'gift', amount_money: usd(2500) });
    expect(stored()).toMatchObject({ state: 'ACTIVE', balance_money: usd(2500) });
    const again = await post({ type: 'LOAD', load_activity_details: { order_id: 'ORDER1', line_item_uid: 'gift' } });
    expect(again.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'gift_card_activity.load_activity_details.line_item_uid' });
  });

  it('refuses activities the card’s state does not allow, recording nothing', async () => {
    const { post, activate, act, merchantId, card, stored } = await giftCard();
    const load = { type: 'LOAD', load_activity_details: { amount_money: usd(100), buyer_payment_instrument_ids: ['x'] } };
    const redeem = { type: 'REDEEM', redeem_activity_details: { amount_money: usd(100) } };
    for (const activity of [load, redeem, { type: 'CLEAR_BALANCE', clear_balance_activity_details: { reason: 'REUSE_GIFTCARD' } }]) {
      const res = await post(activity);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST' });
    }
    await activate(1000);
    const twice = await post({ type: 'ACTIVATE', activate_activity_details: { amount_money: usd(100), buyer_payment_instrument_ids: ['x'] } });
    expect(twice.body.errors[0]).toMatchObject({ code: 'BAD_REQUEST' });
    await act('DEACTIVATE', { reason: 'SUSPICIOUS_ACTIVITY' });
    for (const activity of [load, redeem, { type: 'DEACTIVATE', deactivate_activity_details: { reason: 'SUSPICIOUS_ACTIVITY' } }]) {
      expect((await post(activity)).status).toBe(400);
    }
    const history = square.emulator.ctx.stores.giftCardActivities.all(merchantId).filter((s) => s.doc.gift_card_id === card.id);
    expect(history.map((s) => s.doc.type)).toEqual(['ACTIVATE', 'DEACTIVATE']);
    expect(stored()).toMatchObject({ state: 'DEACTIVATED', balance_money: usd(1000) });
  });

  it('blocks a card as a chargeback does (control plane), allowing only deactivation until it is unblocked', async () => {
    const { token, post, activate, merchantId, card, stored } = await giftCard();
    const control = (action: string, as: string | null = token) => square.raw('POST', `/_emulator/gift-cards/${card.id}/${action}`, { token: as });
    expect((await control('block')).status).toBe(400); // a PENDING card has nothing to block
    await activate(1000);
    expect((await control('block', null)).status).toBe(401);
    const blocked = await control('block');
    expect(blocked.body.gift_card).toMatchObject({ state: 'BLOCKED', balance_money: usd(1000) });
    const load = { type: 'LOAD', load_activity_details: { amount_money: usd(100), buyer_payment_instrument_ids: ['x'] } };
    expect((await post(load)).body.errors[0]).toMatchObject({ code: 'BAD_REQUEST' });
    expect((await post({ type: 'BLOCK', block_activity_details: { reason: 'CHARGEBACK_BLOCK' } })).status).toBe(400);
    expect((await control('unblock')).body.gift_card).toMatchObject({ state: 'ACTIVE' });
    expect((await control('unblock')).status).toBe(400);
    expect((await post(load)).status).toBe(200);
    const history = square.emulator.ctx.stores.giftCardActivities.all(merchantId).filter((s) => s.doc.gift_card_id === card.id);
    expect(history.map((s) => [s.doc.type, s.doc.block_activity_details ?? s.doc.unblock_activity_details])).toEqual([
      ['ACTIVATE', undefined],
      ['BLOCK', { reason: 'CHARGEBACK_BLOCK' }],
      ['UNBLOCK', { reason: 'CHARGEBACK_UNBLOCK' }],
      ['LOAD', undefined],
    ]);
    expect(stored()).toMatchObject({ state: 'ACTIVE', balance_money: usd(1100) });
    expect((await square.raw('POST', '/_emulator/gift-cards/gftc:nosuchcard/block', { token })).status).toBe(404);
  });

  it('refuses redemptions and decrements beyond the balance with INSUFFICIENT_FUNDS', async () => {
    const { post, activate, stored } = await giftCard();
    await activate(1000);
    for (const activity of [
      { type: 'REDEEM', redeem_activity_details: { amount_money: usd(1001) } },
      { type: 'ADJUST_DECREMENT', adjust_decrement_activity_details: { amount_money: usd(1001), reason: 'SUPPORT_ISSUE' } },
    ]) {
      const res = await post(activity);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ category: 'PAYMENT_METHOD_ERROR', code: 'INSUFFICIENT_FUNDS' });
    }
    expect(stored().balance_money).toEqual(usd(1000));
    expect((await post({ type: 'REDEEM', redeem_activity_details: { amount_money: usd(1000) } })).body.gift_card_activity.gift_card_balance_money).toEqual(usd(0));
  });

  it('caps refunds at the amount redeemed and ties them to a REDEEM of the same card', async () => {
    const { post, act, activate } = await giftCard();
    await activate(1000);
    const redeem = await act('REDEEM', { amount_money: usd(600) });
    const load = await act('LOAD', { amount_money: usd(100), buyer_payment_instrument_ids: ['x'] });
    const refund = (id: string, amount: number) => post({ type: 'REFUND', refund_activity_details: { redeem_activity_id: id, amount_money: usd(amount) } });
    expect((await refund(redeem.id, 400)).status).toBe(200);
    const over = await refund(redeem.id, 201);
    expect(over.status).toBe(400);
    expect(over.body.errors[0]).toMatchObject({ category: 'REFUND_ERROR', code: 'REFUND_AMOUNT_INVALID' });
    expect((await refund(redeem.id, 200)).body.gift_card_activity.gift_card_balance_money).toEqual(usd(1100));
    expect((await refund(load.id, 10)).body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'gift_card_activity.refund_activity_details.redeem_activity_id' });
    const other = await giftCard();
    await other.activate(1000);
    const foreignRedeem = await other.act('REDEEM', { amount_money: usd(100) });
    expect((await refund(foreignRedeem.id, 10)).body.errors[0]).toMatchObject({ code: 'INVALID_VALUE' });
  });

  it('validates types, details, reasons, amounts and currencies', async () => {
    const { post, activate } = await giftCard();
    const expectError = async (activity: Record<string, unknown>, code: string, field?: string) => {
      const res = await post(activity);
      expect(res.status, JSON.stringify(activity)).toBe(400);
      expect(res.body.errors[0]).toMatchObject(field ? { code, field } : { code });
    };
    await expectError({ type: 'ACTIVATE' }, 'MISSING_REQUIRED_PARAMETER', 'gift_card_activity.activate_activity_details');
    await expectError({ type: 'ACTIVATE', activate_activity_details: { buyer_payment_instrument_ids: ['x'] } }, 'MISSING_REQUIRED_PARAMETER', 'gift_card_activity.activate_activity_details.amount_money');
    await expectError({ type: 'ACTIVATE', activate_activity_details: { amount_money: usd(100) } }, 'MISSING_REQUIRED_PARAMETER', 'gift_card_activity.activate_activity_details.buyer_payment_instrument_ids');
    await expectError({ type: 'ACTIVATE', activate_activity_details: { amount_money: usd(0), buyer_payment_instrument_ids: ['x'] } }, 'VALUE_TOO_LOW', 'gift_card_activity.activate_activity_details.amount_money.amount');
    await expectError({ type: 'ACTIVATE', activate_activity_details: { amount_money: { amount: 100, currency: 'XXY' }, buyer_payment_instrument_ids: ['x'] } }, 'INVALID_ENUM_VALUE');
    await expectError({ type: 'ACTIVATE', activate_activity_details: { amount_money: { amount: 1.5, currency: 'USD' }, buyer_payment_instrument_ids: ['x'] } }, 'EXPECTED_INTEGER');
    await expectError({ type: 'ACTIVATE', activate_activity_details: { amount_money: usd(100), buyer_payment_instrument_ids: ['x'] }, load_activity_details: {} }, 'INVALID_VALUE', 'gift_card_activity.load_activity_details');
    await expectError({ type: 'BLOCK', block_activity_details: { reason: 'CHARGEBACK_BLOCK' } }, 'INVALID_VALUE', 'gift_card_activity.type');
    await expectError({ type: 'IMPORT' }, 'INVALID_VALUE', 'gift_card_activity.type');
    await expectError({ type: 'SPEND' }, 'INVALID_ENUM_VALUE', 'gift_card_activity.type');
    await expectError({ type: 'LOAD', load_activity_details: { amount_money: usd(100), tip: 1 } }, 'UNKNOWN_BODY_PARAMETER', 'gift_card_activity.load_activity_details.tip');
    await expectError({ type: 'LOAD', location_id: 5 }, 'EXPECTED_STRING', 'gift_card_activity.location_id');
    // The SDK's schema reports a list of the wrong type without its path, so `field` is not checked here.
    await expectError({ type: 'LOAD', load_activity_details: { buyer_payment_instrument_ids: 'cash' } }, 'EXPECTED_ARRAY');
    await expectError({ type: undefined }, 'MISSING_REQUIRED_PARAMETER', 'gift_card_activity.type');
    await expectError({ type: 'LOAD', location_id: undefined, load_activity_details: {} }, 'MISSING_REQUIRED_PARAMETER', 'gift_card_activity.location_id');
    await activate(1000);
    await expectError({ type: 'CLEAR_BALANCE', clear_balance_activity_details: { reason: 'UNKNOWN_REASON' } }, 'INVALID_ENUM_VALUE');
    await expectError({ type: 'DEACTIVATE', deactivate_activity_details: { reason: 'CHARGEBACK_DEACTIVATE' } }, 'INVALID_ENUM_VALUE', 'gift_card_activity.deactivate_activity_details.reason');
    await expectError({ type: 'DEACTIVATE', deactivate_activity_details: { reason: 'BORED' } }, 'INVALID_ENUM_VALUE', 'gift_card_activity.deactivate_activity_details.reason');
    await expectError({ type: 'ADJUST_INCREMENT', adjust_increment_activity_details: { amount_money: usd(1) } }, 'MISSING_REQUIRED_PARAMETER', 'gift_card_activity.adjust_increment_activity_details.reason');
    await expectError({ type: 'REDEEM', redeem_activity_details: { amount_money: { amount: 100, currency: 'EUR' } } }, 'CURRENCY_MISMATCH');
    await expectError({ type: 'REFUND', refund_activity_details: { amount_money: usd(1) } }, 'MISSING_REQUIRED_PARAMETER', 'gift_card_activity.refund_activity_details.redeem_activity_id');
    const long = await square.raw('POST', '/v2/gift-cards/activities', { body: { idempotency_key: 'k'.repeat(129), gift_card_activity: { type: 'LOAD', location_id: 'L' } } });
    expect(long.body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'idempotency_key' });
  });

  it('answers 404 for unknown or foreign gift cards and locations', async () => {
    const { post, card } = await giftCard();
    const load = { type: 'LOAD', load_activity_details: { amount_money: usd(100), buyer_payment_instrument_ids: ['x'] } };
    expect((await post({ ...load, gift_card_id: 'gftc:nope' })).body.errors[0]).toMatchObject({ code: 'NOT_FOUND', field: 'gift_card_activity.gift_card_id' });
    expect((await post({ ...load, location_id: 'LNOPE' })).body.errors[0]).toMatchObject({ code: 'NOT_FOUND', field: 'gift_card_activity.location_id' });
    const stranger = await giftCard();
    expect((await stranger.post({ ...load, gift_card_id: card.id })).status).toBe(404);
  });

  it('replays the first answer for the same key and refuses the key for another request', async () => {
    const { post, activate, stored } = await giftCard();
    await activate(1000);
    const redeem = { type: 'REDEEM', redeem_activity_details: { amount_money: usd(100) } };
    const first = await post(redeem, 'redeem-once');
    const again = await post(redeem, 'redeem-once');
    expect(again.body).toEqual(first.body);
    expect(stored().balance_money).toEqual(usd(900));
    const reused = await post({ type: 'REDEEM', redeem_activity_details: { amount_money: usd(200) } }, 'redeem-once');
    expect(reused.body.errors[0]).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // A refused request is not remembered: the same key works once the request is fixed.
    const refused = await post({ type: 'REDEEM', redeem_activity_details: { amount_money: usd(5000) } }, 'redeem-fixed');
    expect(refused.status).toBe(400);
    expect((await post({ type: 'REDEEM', redeem_activity_details: { amount_money: usd(50) } }, 'redeem-fixed')).status).toBe(200);
  });

  it('emits gift_card.activity.created and gift_card.updated', async () => {
    const { activate, card } = await giftCard();
    const activity = await activate(1000);
    const created = square.emulator.ctx.webhooks.events().filter((e) => e.data.id === activity.id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      type: 'gift_card.activity.created',
      data: { type: 'gift_card_activity', id: activity.id, object: { gift_card_activity: activity } },
    });
    const updated = eventsFor(square, card.id!).filter((e) => e.type === 'gift_card.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.data).toMatchObject({ type: 'gift_card', object: { gift_card: { state: 'ACTIVE', balance_money: usd(1000) } } });
  });
});

describe('ListGiftCardActivities', () => {
  it('pages newest first with the default of 50, a cursor only while more remain, and stays stable under inserts', async () => {
    const { client, act, activate, card } = await giftCard();
    const ids = [(await activate(1)).id as string];
    for (let i = 0; i < 54; i++) ids.push((await act('ADJUST_INCREMENT', { amount_money: usd(1), reason: 'COMPLIMENTARY' })).id);
    const newest = [...ids].reverse();
    const first = await client.giftCards.activities.list({ giftCardId: card.id! });
    expect(first.data.map((a) => a.id)).toEqual(newest.slice(0, 50));
    await act('ADJUST_INCREMENT', { amount_money: usd(1), reason: 'COMPLIMENTARY' });
    const second = await client.giftCards.activities.list({ giftCardId: card.id!, cursor: first.response.cursor });
    expect(second.data.map((a) => a.id)).toEqual(newest.slice(50));
    expect(second.response.cursor).toBeUndefined();
    const asc = await client.giftCards.activities.list({ sortOrder: 'ASC', limit: 100 });
    expect(asc.data.map((a) => a.id).slice(0, 55)).toEqual(ids);
    expect(asc.data.at(-1)?.giftCardBalanceMoney?.amount).toBe(56n);
  });

  it('filters by gift card, type, location and time window', async () => {
    const { client, merchantId, act, activate, card, locationId } = await giftCard();
    const kiosk = newLocation(merchantId, new Date().toISOString(), { name: 'Kiosk' });
    square.emulator.ctx.stores.locations.insert(merchantId, kiosk.id!, kiosk);
    // Apart by a few milliseconds, so that time windows can tell them apart.
    const activated = await activate(1000);
    await sleep(3);
    const redeem = await act('REDEEM', { amount_money: usd(100) });
    await sleep(3);
    const kioskRedeem = (
      await client.giftCards.activities.create({
        idempotencyKey: key(),
        giftCardActivity: { type: 'REDEEM', locationId: kiosk.id!, giftCardId: card.id!, redeemActivityDetails: { amountMoney: { amount: 50n, currency: 'USD' } } },
      })
    ).giftCardActivity!;
    const other = (await client.giftCards.create({ idempotencyKey: key(), locationId, giftCard: { type: 'DIGITAL' } })).giftCard!;
    const ids = async (request: Parameters<typeof client.giftCards.activities.list>[0]) =>
      (await client.giftCards.activities.list({ sortOrder: 'ASC', ...request })).data.map((a) => a.id);
    expect(await ids({})).toEqual([activated.id, redeem.id, kioskRedeem.id]);
    expect(await ids({ giftCardId: other.id! })).toEqual([]);
    expect(await ids({ type: 'REDEEM' })).toEqual([redeem.id, kioskRedeem.id]);
    expect(await ids({ locationId: kiosk.id! })).toEqual([kioskRedeem.id]);
    expect(await ids({ beginTime: redeem.created_at, endTime: redeem.created_at })).toEqual([redeem.id]);
    expect(await ids({ beginTime: redeem.created_at })).toEqual([redeem.id, kioskRedeem.id]);
    expect(await ids({ endTime: redeem.created_at })).toEqual([activated.id, redeem.id]);
    expect(await ids({ endTime: '2000-01-01T00:00:00Z' })).toEqual([]);
    expect(await ids({ beginTime: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect((await square.client().giftCards.activities.list()).data).toEqual([]);
  });

  it('refuses limits outside 1–100, bad times, types and cursors', async () => {
    const { token } = await giftCard();
    const get = (query: string) => square.raw('GET', `/v2/gift-cards/activities?${query}`, { token });
    expect((await get('limit=101')).body.errors[0]).toMatchObject({ code: 'VALUE_TOO_HIGH', field: 'limit' });
    expect((await get('limit=0')).body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'limit' });
    expect((await get('limit=many')).body.errors[0]).toMatchObject({ code: 'EXPECTED_INTEGER', field: 'limit' });
    expect((await get('begin_time=yesterday')).body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'begin_time' });
    expect((await get('type=SPEND')).body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'type' });
    expect((await get('sort_order=NEWEST')).body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'sort_order' });
    expect((await get('cursor=abc')).body.errors[0]).toMatchObject({ code: 'INVALID_CURSOR' });
  });
});

describe('redeemGiftCard and refundToGiftCard (for the Payments API)', () => {
  it('redeem for a payment and refund it back, inside the caller’s transaction', async () => {
    const { activate, merchantId, card, locationId, stored } = await giftCard();
    const ctx = square.emulator.ctx;
    await activate(1000);
    const redeemed = ctx.tx(() => redeemGiftCard(ctx, merchantId, { giftCardId: card.id!, amountMoney: usd(400), paymentId: 'PAY1', locationId, referenceId: 'r1' }));
    expect(redeemed).toMatchObject({ balance_money: usd(600), state: 'ACTIVE' });
    const activities = () => ctx.stores.giftCardActivities.all(merchantId).map((s) => s.doc);
    const redeem = activities().at(-1)!;
    expect(redeem.redeem_activity_details).toEqual({ amount_money: usd(400), payment_id: 'PAY1', reference_id: 'r1', status: 'COMPLETED' });

    const refunded = ctx.tx(() => refundToGiftCard(ctx, merchantId, { giftCardId: card.id!, amountMoney: usd(150), paymentId: 'PAY1', refundId: 'R1', locationId }));
    expect(refunded.balance_money).toEqual(usd(750));
    expect(activities().at(-1)).toMatchObject({
      type: 'REFUND',
      gift_card_balance_money: usd(750),
      refund_activity_details: { redeem_activity_id: redeem.id, amount_money: usd(150), payment_id: 'PAY1' },
    });
    expect(() => refundToGiftCard(ctx, merchantId, { giftCardId: card.id!, amountMoney: usd(251), paymentId: 'PAY1', locationId })).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ code: 'REFUND_AMOUNT_INVALID' })] }),
    );

    // A caller whose own work fails afterwards takes the redemption back with it.
    expect(() =>
      ctx.tx(() => {
        redeemGiftCard(ctx, merchantId, { giftCardId: card.id!, amountMoney: usd(100), paymentId: 'PAY2', locationId });
        throw new Error('payment failed later');
      }),
    ).toThrow('payment failed later');
    expect(stored().balance_money).toEqual(usd(750));
    expect(activities().some((a) => a.redeem_activity_details?.payment_id === 'PAY2')).toBe(false);
  });

  it('refuses short balances with PAYMENT_METHOD_ERROR INSUFFICIENT_FUNDS and cards that are not ACTIVE, recording nothing', async () => {
    const { activate, merchantId, card, locationId } = await giftCard();
    const ctx = square.emulator.ctx;
    const redeem = (amount: number) => () => redeemGiftCard(ctx, merchantId, { giftCardId: card.id!, amountMoney: usd(amount), paymentId: 'P', locationId });
    expect(redeem(100)).toThrow(expect.objectContaining({ status: 400, errors: [expect.objectContaining({ code: 'BAD_REQUEST' })] }));
    await activate(100);
    expect(redeem(101)).toThrow(
      expect.objectContaining({ status: 400, errors: [expect.objectContaining({ category: 'PAYMENT_METHOD_ERROR', code: 'INSUFFICIENT_FUNDS' })] }),
    );
    expect(ctx.stores.giftCardActivities.all(merchantId).map((s) => s.doc.type)).toEqual(['ACTIVATE']);
    expect(() => redeemGiftCard(ctx, merchantId, { giftCardId: 'gftc:nope', amountMoney: usd(1), paymentId: 'P', locationId })).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });

  it('refunds a payment to a PENDING card, activating it', async () => {
    const { merchantId, card, locationId, stored } = await giftCard();
    const ctx = square.emulator.ctx;
    refundToGiftCard(ctx, merchantId, { giftCardId: card.id!, amountMoney: usd(300), paymentId: 'CARD-PAYMENT', locationId });
    expect(stored()).toMatchObject({ state: 'ACTIVE', balance_money: usd(300) });
    const refund = ctx.stores.giftCardActivities.all(merchantId).at(-1)!.doc;
    expect(refund.refund_activity_details).toEqual({ amount_money: usd(300), payment_id: 'CARD-PAYMENT' });
  });
});
