import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';

const UPPER = 'ABCDEFGHJKMNPQRSTVWXYZ0123456789';
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const DIGITS = '0123456789';

/** Bytes for the next id of a kind; replaced by a seeded stream while the demo data is loaded. */
type ByteSource = (kind: string, length: number) => Buffer;

const seededSource = new AsyncLocalStorage<ByteSource>();
/** Seedings running now: the async context is turned off when the last ends. */
let seedings = 0;

/**
 * Runs `fn` with every id made inside it (however deep in the emulator's routes) drawn from
 * `seed` instead of at random, so that the same calls make the same ids. Each kind of id has
 * its own stream: a new call that makes, say, an order's line-item uids does not move the
 * customer or payment ids that follow it.
 */
export async function withSeededIds<T>(seed: string, fn: () => Promise<T>): Promise<T> {
  const counters = new Map<string, number>();
  const source: ByteSource = (kind, length) => {
    const n = counters.get(kind) ?? 0;
    counters.set(kind, n + 1);
    const blocks: Buffer[] = [];
    for (let block = 0; blocks.length * 32 < length; block++) {
      blocks.push(createHash('sha256').update(`${seed}/${kind}/${n}/${block}`).digest());
    }
    return Buffer.concat(blocks);
  };
  seedings++;
  try {
    return await seededSource.run(source, fn);
  } finally {
    // An enabled async context costs Node 20 a hook on every promise the process makes (the gateway's too, when it runs embedded).
    if (--seedings === 0) seededSource.disable();
  }
}

/** Whether the demo data is loading: what it makes must come out the same at every start. */
export const seeding = (): boolean => seededSource.getStore() !== undefined;

function encode(alphabet: string, bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/**
 * A seeded id's first character comes from the first half of the alphabet, a random id's
 * from the second, so that an object made later through the API can never take the id of
 * a demo object, however many of either there are.
 */
function draw(kind: string, alphabet: string, length: number): string {
  const seeded = seededSource.getStore();
  const bytes = seeded ? seeded(kind, length) : randomBytes(length);
  const half = Math.floor(alphabet.length / 2);
  const first = seeded ? bytes[0]! % half : half + (bytes[0]! % (alphabet.length - half));
  return alphabet[first] + encode(alphabet, bytes.subarray(1), length - 1);
}

/** Identifiers shaped like Square's so that ids look and sort as they do in the real API. */
export const newId = {
  customer: () => draw('customer', UPPER, 26),
  customerGroup: () => draw('customer_group', UPPER, 26),
  location: () => 'L' + draw('location', UPPER, 12),
  card: () => 'ccof:' + draw('card', MIXED, 24),
  giftCard: () => 'gftc:' + draw('gift_card', HEX, 32),
  giftCardActivity: () => 'gcact_' + draw('gift_card_activity', HEX, 32),
  payment: () => draw('payment', MIXED, 29),
  refund: (paymentId: string) => `${paymentId}_${draw('refund', MIXED, 44)}`,
  order: () => draw('order', MIXED, 27),
  uid: () => draw('uid', MIXED, 22),
  event: () => crypto.randomUUID(),
  fingerprint: () => 'sq-1-' + draw('fingerprint', MIXED, 64),
  versionToken: () => draw('version_token', MIXED, 45),
  gan: () => '7783' + draw('gan', DIGITS, 12),
  /** The Loyalty API's ids are UUIDs. */
  loyalty: (kind: 'program' | 'reward_tier' | 'account' | 'mapping' | 'reward' | 'event' | 'promotion') => uuid(draw(`loyalty_${kind}`, HEX, 32)),
  catalogObject: () => draw('catalog_object', UPPER, 24),
  inventoryChange: () => draw('inventory_change', UPPER, 26),
};

function uuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Every bearer token is its own merchant; its id is derived so the same token always maps to the same merchant. */
export function merchantIdForToken(token: string): string {
  return 'ML' + encode(UPPER, createHash('sha256').update(token).digest(), 12);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
