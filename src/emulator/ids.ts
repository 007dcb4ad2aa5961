import { createHash, randomBytes } from 'node:crypto';

const UPPER = 'ABCDEFGHJKMNPQRSTVWXYZ0123456789';
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function draw(alphabet: string, length: number, bytes = randomBytes(length)): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** Identifiers shaped like Square's so that ids look and sort as they do in the real API. */
export const newId = {
  customer: () => draw(UPPER, 26),
  location: () => 'L' + draw(UPPER, 12),
  card: () => 'ccof:' + draw(MIXED, 24),
  giftCard: () => 'gftc:' + draw(MIXED, 32).toLowerCase(),
  giftCardActivity: () => 'gcact_' + draw(MIXED, 32).toLowerCase(),
  payment: () => draw(MIXED, 29),
  refund: (paymentId: string) => `${paymentId}_${draw(MIXED, 44)}`,
  order: () => draw(MIXED, 27),
  uid: () => draw(MIXED, 22),
  event: () => crypto.randomUUID(),
  fingerprint: () => 'sq-1-' + draw(MIXED, 64),
  versionToken: () => draw(MIXED, 45),
  gan: () => '7783' + Array.from(randomBytes(12), (b) => String(b % 10)).join(''),
};

/** Every bearer token is its own merchant; its id is derived so the same token always maps to the same merchant. */
export function merchantIdForToken(token: string): string {
  return 'ML' + draw(UPPER, 12, createHash('sha256').update(token).digest());
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
