import type { FastifyInstance } from 'fastify';
import type { Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { SEGMENT_PAGE, listSegments, retrieveSegment } from '../domain/customer-segments.js';
import { parse, querySchema, shapes } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** A limit outside 1–50 is VALUE_TOO_LOW / VALUE_TOO_HIGH, as Square answers. */
const listQuery = querySchema<Square.customers.ListSegmentsRequest>()({
  cursor: z.string(),
  limit: shapes.queryInt.min(1).max(SEGMENT_PAGE),
});

export const CUSTOMER_SEGMENT_ENDPOINTS: Endpoints = {
  'GET /customers/segments': { response: 'ListCustomerSegmentsResponse', scopes: ['CUSTOMERS_READ'] }, // ListCustomerSegments
  'GET /customers/segments/:segment_id': { response: 'GetCustomerSegmentResponse', scopes: ['CUSTOMERS_READ'] }, // RetrieveCustomerSegment
};

/** Customer Segments API: list and retrieve the merchant's (static) segments. */
export function registerCustomerSegments(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/customers/segments', async (request) => listSegments(ctx, request.merchant.id, parse(listQuery, request.query)));

  app.get<{ Params: { segment_id: string } }>('/customers/segments/:segment_id', async (request) => ({
    segment: retrieveSegment(ctx, request.merchant.id, request.params.segment_id),
  }));
}
