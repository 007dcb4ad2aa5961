import type { FastifyInstance } from 'fastify';
import type { Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { retrieveSegment, segmentsOf } from '../domain/customer-segments.js';
import { merchantCreatedAt } from '../domain/merchants.js';
import { paginate } from '../plumbing/pagination.js';
import { parse, querySchema, shapes } from '../plumbing/validation.js';

/** ListCustomerSegments: 1–50, default 50; out of range → VALUE_TOO_LOW / VALUE_TOO_HIGH. */
const MAX_PAGE = 50;

const listQuery = querySchema<Square.customers.ListSegmentsRequest>()({
  cursor: z.string(),
  limit: shapes.queryInt.min(1).max(MAX_PAGE),
});

/** Customer Segments API: list and retrieve the merchant's (static) segments. */
export function registerCustomerSegments(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/customers/segments', async (request) => {
    const q = parse(listQuery, request.query);
    const merchantId = request.merchant.id;
    const page = paginate({
      items: segmentsOf(merchantId, merchantCreatedAt(ctx, merchantId)).map((doc, seq) => ({ doc, seq })),
      key: ({ seq }) => [seq],
      limit: q.limit ?? MAX_PAGE,
      cursor: q.cursor,
      query: 'ListCustomerSegments',
    });
    return { segments: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });

  app.get<{ Params: { segment_id: string } }>('/customers/segments/:segment_id', async (request) => {
    const merchantId = request.merchant.id;
    return { segment: retrieveSegment(merchantId, merchantCreatedAt(ctx, merchantId), request.params.segment_id) };
  });
}
