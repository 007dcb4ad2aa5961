import type { FastifyInstance } from 'fastify';
import type { serialization } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { errors } from '../errors.js';
import { sha256 } from '../ids.js';
import { paginate } from '../pagination.js';
import { parse, shapes } from '../validation.js';
import { merchantCreatedAt } from './merchants.js';

type Segment = serialization.CustomerSegment.Raw;
type Customer = serialization.Customer.Raw;

/** ListCustomerSegments: 1–50, default 50; out of range → VALUE_TOO_LOW / VALUE_TOO_HIGH. */
const MAX_PAGE = 50;

const listQuery = z.object({ cursor: z.string().optional(), limit: shapes.queryInt.min(1).max(MAX_PAGE).optional() });

/**
 * Sellers define segments (Smart Groups) in the Seller Dashboard, never through the API,
 * so every emulated merchant has the same three, with rules simple enough to compute on
 * each read. Their ids are derived from the merchant, so they are stable across resets.
 */
const SEGMENTS: ReadonlyArray<{ name: string; member: (customer: Customer, cardHolders: Set<string>) => boolean }> = [
  { name: 'Reachable by email', member: (c) => Boolean(c.email_address) && c.preferences?.email_unsubscribed !== true },
  { name: 'Reachable by phone', member: (c) => Boolean(c.phone_number) },
  { name: 'Cards on file', member: (c, cardHolders) => cardHolders.has(c.id!) },
];

function segmentId(merchantId: string, name: string): string {
  const digest = Buffer.from(sha256(`${merchantId}|segment|${name}`), 'hex');
  return 'gv2:' + digest.toString('base64url').replace(/[-_]/g, 'X').slice(0, 26).toUpperCase();
}

function segmentsOf(ctx: EmulatorContext, merchantId: string): Segment[] {
  const created = merchantCreatedAt(ctx, merchantId);
  return SEGMENTS.map(({ name }) => ({
    id: segmentId(merchantId, name),
    name,
    ...(created ? { created_at: created, updated_at: created } : {}),
  }));
}

/** Customers with an enabled card on file, the members of *Cards on file*. */
function cardHoldersOf(ctx: EmulatorContext, merchantId: string): Set<string> {
  return new Set(
    ctx.stores.cards
      .all(merchantId)
      .filter(({ doc }) => doc.enabled)
      .map(({ doc }) => doc.customer_id!),
  );
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

/** Customer Segments API: list and retrieve the merchant's (static) segments. */
export function registerCustomerSegments(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/customers/segments', async (request) => {
    const q = parse(listQuery, request.query);
    const page = paginate({
      items: segmentsOf(ctx, request.merchant.id).map((doc, seq) => ({ doc, seq })),
      key: ({ seq }) => [seq],
      limit: q.limit ?? MAX_PAGE,
      cursor: q.cursor,
      query: 'ListCustomerSegments',
    });
    return { segments: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });

  app.get<{ Params: { segment_id: string } }>('/customers/segments/:segment_id', async (request) => {
    const { segment_id: id } = request.params;
    const segment = segmentsOf(ctx, request.merchant.id).find((s) => s.id === id);
    if (!segment) throw errors.notFound(`Segment with ID \`${id}\` not found.`, 'segment_id');
    return { segment };
  });
}
