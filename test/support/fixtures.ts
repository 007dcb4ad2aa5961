import { randomUUID } from 'node:crypto';
import { SquareError, type serialization } from 'square';
import { newId } from '../../src/emulator/ids.js';
import type { TestEmulator } from './emulator.js';

/** A fresh token, so that a test has a merchant of its own. */
export const newToken = () => `test-${randomUUID()}`;

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

/** The webhook events emitted so far for one object. */
export function eventsFor(square: TestEmulator, objectId: string) {
  return square.emulator.ctx.webhooks.events().filter((e) => e.data.id === objectId);
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
