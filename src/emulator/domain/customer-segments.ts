import type { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import { errors } from '../plumbing/errors.js';
import { sha256 } from '../plumbing/ids.js';
import { paginate } from '../plumbing/pagination.js';
import { merchantCreatedAt } from './merchants.js';

type Segment = serialization.CustomerSegment.Raw;
type Customer = serialization.Customer.Raw;

/** Whether a customer has an enabled card on file, making them a member of *Cards on file*. */
interface CardHolders {
  has(customerId: string): boolean;
}

/**
 * Sellers define segments (Smart Groups) in the Seller Dashboard, never through the API,
 * so every emulated merchant has the same three, with rules simple enough to compute on
 * each read. Their ids are derived from the merchant, so they are stable across resets.
 */
const SEGMENTS: ReadonlyArray<{ name: string; member: (customer: Customer, cardHolders: CardHolders) => boolean }> = [
  { name: 'Reachable by email', member: (c) => Boolean(c.email_address) && c.preferences?.email_unsubscribed !== true },
  { name: 'Reachable by phone', member: (c) => Boolean(c.phone_number) },
  { name: 'Cards on file', member: (c, cardHolders) => cardHolders.has(c.id!) },
];

function segmentId(merchantId: string, name: string): string {
  const digest = Buffer.from(sha256(`${merchantId}|segment|${name}`), 'hex');
  return 'gv2:' + digest.toString('base64url').replace(/[-_]/g, 'X').slice(0, 26).toUpperCase();
}

/** ListCustomerSegments: 1–50 a page, 50 unless told. */
export const SEGMENT_PAGE = 50;

/** The merchant's segments, dated from the merchant's creation when known. */
function segmentsOf(ctx: EmulatorContext, merchantId: string): Segment[] {
  const createdAt = merchantCreatedAt(ctx, merchantId);
  return SEGMENTS.map(({ name }) => ({
    id: segmentId(merchantId, name),
    name,
    ...(createdAt ? { created_at: createdAt, updated_at: createdAt } : {}),
  }));
}

export function listSegments(ctx: EmulatorContext, merchantId: string, query: { cursor?: string; limit?: number }) {
  const page = paginate({
    items: segmentsOf(ctx, merchantId).map((doc, seq) => ({ doc, seq })),
    key: ({ seq }) => [seq],
    limit: query.limit ?? SEGMENT_PAGE,
    cursor: query.cursor,
    query: 'ListCustomerSegments',
  });
  return { segments: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

export function retrieveSegment(ctx: EmulatorContext, merchantId: string, id: string): Segment {
  const segment = segmentsOf(ctx, merchantId).find((s) => s.id === id);
  if (!segment) throw errors.notFound(`Segment with ID \`${id}\` not found.`, 'segment_id');
  return segment;
}

/** Asked customer by customer, through the cards' index: a seller of thousands reads a page of them, not every card. */
function cardHoldersOf(ctx: EmulatorContext, merchantId: string): CardHolders {
  return { has: (customerId) => ctx.stores.cards.where(merchantId, '$.customer_id', [customerId]).some(({ doc }) => doc.enabled) };
}

/**
 * Membership of one of the merchant's segments, for SearchCustomers' `segment_ids` filter;
 * undefined when the merchant has no such segment.
 */
export function segmentMembership(
  ctx: EmulatorContext,
  merchantId: string,
  id: string,
): ((customer: Customer) => boolean) | undefined {
  const segment = SEGMENTS.find(({ name }) => segmentId(merchantId, name) === id);
  if (!segment) return undefined;
  const cardHolders = cardHoldersOf(ctx, merchantId);
  return (customer) => segment.member(customer, cardHolders);
}

/**
 * A profile as Square reads it back: with the segments it belongs to as `segment_ids`
 * (left out when none), computed on each read since membership follows the profile.
 * Webhook payloads go without them, as Square's do.
 */
export function withSegmentIds(ctx: EmulatorContext, merchantId: string): (customer: Customer) => Customer {
  const cardHolders = cardHoldersOf(ctx, merchantId);
  return (customer) => {
    const ids = SEGMENTS.filter(({ member }) => member(customer, cardHolders)).map(({ name }) => segmentId(merchantId, name));
    return ids.length > 0 ? { ...customer, segment_ids: ids } : customer;
  };
}
