import { randomUUID } from 'node:crypto';
import { SquareError, type serialization, type Square } from 'square';
import { newId } from '../../src/emulator/plumbing/ids.js';
import type { TestEmulator } from './emulator.js';

/** A fresh token, so that a test has a merchant of its own. */
export const newToken = () => `test-${randomUUID()}`;

/** A fresh idempotency key. */
export const key = (): string => randomUUID();

/** A merchant of its own: a fresh token, an SDK client for it, and its merchant id. */
export function newMerchant(square: TestEmulator) {
  const token = newToken();
  return { token, client: square.client(token), merchantId: square.emulator.ctx.merchantFor(token) };
}

/**
 * Stores a customer for `token`'s merchant straight into the emulator, for tests of
 * APIs that only need one to exist (cards, gift cards on file).
 */
export function addCustomer(square: TestEmulator, token: string, fields: Partial<serialization.Customer.Raw> = {}): string {
  const ctx = square.emulator.ctx;
  const merchantId = ctx.merchantFor(token);
  const id = newId.customer();
  const at = new Date().toISOString();
  ctx.stores.customers.insert(merchantId, id, { id, created_at: at, updated_at: at, version: 0, ...fields });
  return id;
}

/** A merchant of its own with one customer stored for it, with `fields`. */
export function merchantWithCustomer(square: TestEmulator, fields: Partial<serialization.Customer.Raw> = {}) {
  const merchant = newMerchant(square);
  return { ...merchant, customerId: addCustomer(square, merchant.token, fields) };
}

/** The webhook events emitted so far for one object. */
export function eventsFor(square: TestEmulator, objectId: string) {
  return square.emulator.ctx.webhooks.events().filter((e) => e.data.id === objectId);
}

/** The webhook events emitted so far for one merchant, of one type when given. */
export function merchantEvents(square: TestEmulator, merchantId: string, type?: string) {
  return square.emulator.ctx.webhooks.events().filter((e) => e.merchant_id === merchantId && (!type || e.type === type));
}

/** The status and errors of a call that must fail with a Square error. */
export async function failure(call: Promise<unknown>): Promise<{ status: number | undefined; errors: unknown[] }> {
  const error = await call.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof SquareError)) throw error;
  return { status: error.statusCode, errors: error.errors };
}

/** US dollars as the SDK takes them. */
export const usd = (amount: number) => ({ amount: BigInt(amount), currency: 'USD' as const });
/** US dollars as Square's JSON carries them, for raw calls. */
export const wireUsd = (amount: number) => ({ amount, currency: 'USD' as const });

/**
 * A merchant of its own, with CreatePayment (a card nonce and $10.00 unless told
 * otherwise) and RefundPayment ($10.00 unless told otherwise) at hand.
 */
export function paymentMerchant(square: TestEmulator) {
  const { token, client, merchantId } = newMerchant(square);
  const pay = async (request: Partial<Square.CreatePaymentRequest> = {}) =>
    (await client.payments.create({ sourceId: 'cnon:card-nonce-ok', idempotencyKey: key(), amountMoney: usd(1000), ...request }))
      .payment!;
  const refund = async (request: Partial<Square.RefundPaymentRequest>) =>
    (await client.refunds.refundPayment({ idempotencyKey: key(), amountMoney: usd(1000), ...request })).refund!;
  return { token, client, merchantId, pay, refund };
}
