import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../../src/emulator/plumbing/clock.js';
import { useEmulator } from '../support/emulator.js';
import { failure, newToken, paymentMerchant } from '../support/fixtures.js';

const square = useEmulator();

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Far enough ahead of real time that freezing there is always forward. */
const FROZEN_AT = '2031-03-04T05:06:07.089Z';

interface Reading {
  now: string;
  mode: 'real' | 'frozen' | 'offset';
  offset_ms: number;
}

async function clock(method: 'GET' | 'DELETE' | 'POST', body?: unknown): Promise<Reading> {
  const response = await square.raw(method, '/_emulator/clock', { body });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as Reading;
}

async function refused(body: unknown) {
  const response = await square.raw('POST', '/_emulator/clock', { body });
  expect(response.status).toBe(400);
  return (response.body as { errors: Array<{ code: string; field?: string }> }).errors[0];
}

/** The webhook events the emulator emitted about one object, oldest first. */
async function eventsAbout(id: string) {
  const { body } = await square.raw('GET', '/_emulator/events');
  return (body as { events: Array<{ type: string; created_at: string; data: { id: string; object?: { payment?: { status: string } } } }> }).events.filter(
    (event) => event.data.id === id,
  );
}

async function newCustomer(token = newToken()) {
  return (await square.client(token).customers.create({ idempotencyKey: randomUUID(), givenName: 'Ada' })).customer!;
}

// A reset wipes every dated object, so the clock may return to real time for the next test. The clock is the
// process's, which a file run before this one in the same worker may have moved: the first test starts from a reset too.
beforeAll(async () => {
  await square.raw('POST', '/_emulator/reset');
});
afterEach(async () => {
  await square.raw('POST', '/_emulator/reset');
});

describe('the emulator clock', () => {
  it('runs on real time until moved', async () => {
    const before = Date.now();
    const reading = await clock('GET');
    expect(reading).toMatchObject({ mode: 'real', offset_ms: 0 });
    expect(Date.parse(reading.now)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(reading.now)).toBeLessThanOrEqual(Date.now());
  });

  it('stands still where it is frozen, and new objects are dated there', async () => {
    expect(await clock('POST', { frozen_at: FROZEN_AT })).toMatchObject({ now: FROZEN_AT, mode: 'frozen' });
    await sleep(20);
    expect((await clock('GET')).now).toBe(FROZEN_AT);
    const customer = await newCustomer();
    expect(customer).toMatchObject({ createdAt: FROZEN_AT, updatedAt: FROZEN_AT });
    const [created] = await eventsAbout(customer.id!);
    expect(created).toMatchObject({ type: 'customer.created', created_at: FROZEN_AT });
  });

  it('accepts a frozen_at with a UTC offset', async () => {
    expect((await clock('POST', { frozen_at: '2031-03-04T07:06:07.089+02:00' })).now).toBe(FROZEN_AT);
  });

  it('advances a frozen clock and keeps it frozen', async () => {
    await clock('POST', { frozen_at: FROZEN_AT });
    const reading = await clock('POST', { advance_ms: 90 * MINUTE });
    expect(reading).toMatchObject({ now: '2031-03-04T06:36:07.089Z', mode: 'frozen' });
    expect((await newCustomer()).createdAt).toBe(reading.now);
  });

  it('advances a running clock ahead of real time, and it keeps running', async () => {
    const reading = await clock('POST', { advance_ms: DAY });
    expect(reading.mode).toBe('offset');
    expect(reading.offset_ms).toBe(DAY);
    const before = Date.now();
    await sleep(20);
    const customer = await newCustomer();
    expect(Date.parse(customer.createdAt!) - before).toBeGreaterThanOrEqual(DAY + 20);
    expect((await clock('POST', { advance_ms: MINUTE })).offset_ms).toBe(DAY + MINUTE);
  });

  it('sets an offset from real time', async () => {
    const before = Date.now();
    const reading = await clock('POST', { offset_ms: 3 * DAY });
    const after = Date.now();
    expect(reading).toMatchObject({ mode: 'offset', offset_ms: 3 * DAY });
    // Read while the call was made, however long it took.
    expect(Date.parse(reading.now) - 3 * DAY).toBeGreaterThanOrEqual(before);
    expect(Date.parse(reading.now) - 3 * DAY).toBeLessThanOrEqual(after);
  });

  it('dates objects in the order the clock moved, so time windows and pages follow it', async () => {
    const { client, pay } = paymentMerchant(square);
    await clock('POST', { frozen_at: FROZEN_AT });
    const first = await pay();
    await clock('POST', { advance_ms: DAY });
    const second = await pay();
    expect(Date.parse(second.createdAt!) - Date.parse(first.createdAt!)).toBe(DAY);

    const sinceSecond = await client.payments.list({ beginTime: second.createdAt! });
    expect(sinceSecond.data.map((p) => p.id)).toEqual([second.id]);
    // ListPayments looks back one year by default: a year on, neither payment is listed.
    await clock('POST', { advance_ms: 366 * DAY });
    expect((await client.payments.list({})).data).toEqual([]);
  });

  it('refuses to move back before a time it handed out, and any other bad move', async () => {
    await clock('POST', { frozen_at: FROZEN_AT });
    expect(await refused({ frozen_at: '2031-03-04T05:06:07.088Z' })).toMatchObject({ code: 'INVALID_VALUE', field: 'frozen_at' });
    expect(await refused({ offset_ms: 0 })).toMatchObject({ code: 'INVALID_VALUE', field: 'offset_ms' });
    expect(await refused({ advance_ms: -1 })).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'advance_ms' });
    expect(await refused({ offset_ms: -1 })).toMatchObject({ code: 'VALUE_TOO_LOW', field: 'offset_ms' });
    expect(await refused({ frozen_at: 'tomorrow' })).toMatchObject({ code: 'INVALID_VALUE', field: 'frozen_at' });
    expect(await refused({ frozen_at: FROZEN_AT, advance_ms: 1 })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused({})).toMatchObject({ code: 'BAD_REQUEST' });
    expect((await clock('GET')).now).toBe(FROZEN_AT);
  });

  it('returns to real time on DELETE', async () => {
    const { now } = await clock('GET');
    await clock('POST', { frozen_at: now });
    await sleep(20);
    expect(await clock('DELETE')).toMatchObject({ mode: 'real', offset_ms: 0 });
  });

  it('keeps running from the latest time it handed out when real time has not reached it yet', async () => {
    await clock('POST', { advance_ms: DAY });
    const customer = await newCustomer();
    const reading = await clock('DELETE');
    expect(reading.mode).toBe('offset');
    expect(Date.parse(reading.now)).toBeGreaterThanOrEqual(Date.parse(customer.createdAt!));
    expect(reading.offset_ms).toBeGreaterThan(DAY - MINUTE);
  });

  it('goes back to real time when the emulator is reset', async () => {
    await clock('POST', { frozen_at: FROZEN_AT });
    await square.raw('POST', '/_emulator/reset');
    expect(await clock('GET')).toMatchObject({ mode: 'real', offset_ms: 0 });
  });
});

describe('Clock, on a real time the test moves', () => {
  it('stays as far ahead as it went after DELETE, running at real speed, until a reset', () => {
    let real = 1_000;
    const clock = new Clock(() => real);
    clock.freeze(5_000);
    expect(clock.nowMs()).toBe(5_000);
    clock.backToReal();
    expect(clock.read()).toEqual({ now: new Date(5_000).toISOString(), mode: 'offset', offset_ms: 4_000 });
    real += 10_000;
    expect(clock.nowMs()).toBe(15_000);
    expect(() => clock.offset(0)).toThrow(/cannot move back/);
    clock.reset();
    expect(clock.read()).toEqual({ now: new Date(real).toISOString(), mode: 'real', offset_ms: 0 });
  });

  it('goes back to real time on DELETE once real time has passed everything handed out', () => {
    let real = 1_000;
    const clock = new Clock(() => real);
    clock.freeze(2_000);
    clock.nowMs();
    real = 3_000;
    clock.backToReal();
    expect(clock.read()).toMatchObject({ mode: 'real', offset_ms: 0 });
  });
});

describe('delayed capture on the clock', () => {
  it('cancels a payment whose delay_duration elapses, voids its authorization and says so by webhook', async () => {
    const { client, pay } = paymentMerchant(square);
    await clock('POST', { frozen_at: FROZEN_AT });
    const payment = await pay({ autocomplete: false, delayDuration: 'PT10M' });
    expect(payment).toMatchObject({ status: 'APPROVED', delayAction: 'CANCEL', delayedUntil: '2031-03-04T05:16:07.089Z' });
    expect(payment.cardDetails!.status).toBe('AUTHORIZED');

    await clock('POST', { advance_ms: 10 * MINUTE - 1 });
    expect((await client.payments.get({ paymentId: payment.id! })).payment!.status).toBe('APPROVED');

    await clock('POST', { advance_ms: 1 });
    // The sweep on the move applied it: the webhook is out before anyone reads the payment.
    const updated = (await eventsAbout(payment.id!)).filter((event) => event.type === 'payment.updated');
    expect(updated.map((event) => event.data.object!.payment!.status)).toEqual(['CANCELED']);

    const expired = (await client.payments.get({ paymentId: payment.id! })).payment!;
    expect(expired).toMatchObject({ status: 'CANCELED', cardDetails: { status: 'VOIDED' } });
    expect(expired.cardDetails!.cardPaymentTimeline!.voidedAt).toBe(payment.delayedUntil);
    expect(await failure(client.payments.complete({ paymentId: payment.id! }))).toMatchObject({
      status: 400,
      errors: [{ code: 'DELAYED_TRANSACTION_EXPIRED' }],
    });
  });

  it('completes a payment whose delay_action is COMPLETE and captures its authorization', async () => {
    const { client, pay } = paymentMerchant(square);
    const payment = await pay({ autocomplete: false, delayDuration: 'PT1H', delayAction: 'COMPLETE' });
    await clock('POST', { advance_ms: 2 * 60 * MINUTE });

    const updated = (await eventsAbout(payment.id!)).filter((event) => event.type === 'payment.updated');
    expect(updated.map((event) => event.data.object!.payment!.status)).toEqual(['COMPLETED']);
    const captured = (await client.payments.get({ paymentId: payment.id! })).payment!;
    expect(captured).toMatchObject({ status: 'COMPLETED', cardDetails: { status: 'CAPTURED' } });
    expect(captured.cardDetails!.cardPaymentTimeline!.capturedAt).toBe(payment.delayedUntil);
    expect(await failure(client.payments.complete({ paymentId: payment.id! }))).toMatchObject({
      errors: [{ code: 'DELAYED_TRANSACTION_CAPTURED' }],
    });
  });

  it('holds a card-not-present authorization for Square’s default 7 days', async () => {
    const { client, pay } = paymentMerchant(square);
    await clock('POST', { frozen_at: FROZEN_AT });
    const payment = await pay({ autocomplete: false });
    expect(payment.delayDuration).toBe('PT168H');
    await clock('POST', { advance_ms: 7 * DAY - MINUTE });
    expect((await client.payments.get({ paymentId: payment.id! })).payment!.status).toBe('APPROVED');
    await clock('POST', { advance_ms: MINUTE });
    expect((await client.payments.get({ paymentId: payment.id! })).payment!.status).toBe('CANCELED');
  });

  it('leaves a payment completed before its delay elapsed as it was', async () => {
    const { client, pay } = paymentMerchant(square);
    const payment = await pay({ autocomplete: false, delayDuration: 'PT10M' });
    await client.payments.complete({ paymentId: payment.id! });
    await clock('POST', { advance_ms: DAY });
    expect((await client.payments.get({ paymentId: payment.id! })).payment!).toMatchObject({
      status: 'COMPLETED',
      cardDetails: { status: 'CAPTURED' },
    });
    expect((await eventsAbout(payment.id!)).filter((event) => event.type === 'payment.updated')).toHaveLength(1);
  });
});
