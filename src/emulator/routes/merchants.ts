import type { FastifyInstance } from 'fastify';
import type { Square } from 'square';
import type { EmulatorContext } from '../context.js';
import { merchantOf, retrieveMerchant } from '../domain/merchants.js';
import { parse, querySchema, shapes } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

const listQuery = querySchema<Square.ListMerchantsRequest>()({ cursor: shapes.queryInt });

export const MERCHANT_ENDPOINTS: Endpoints = {
  'GET /merchants': { response: 'ListMerchantsResponse', scopes: ['MERCHANT_PROFILE_READ'] }, // ListMerchants
  'GET /merchants/:merchant_id': { response: 'GetMerchantResponse', scopes: ['MERCHANT_PROFILE_READ'] }, // RetrieveMerchant
};

/**
 * Merchants API: a token belongs to exactly one merchant, so ListMerchants answers that
 * one and RetrieveMerchant knows only it (by id, or as `me`); another merchant's id is
 * NOT_FOUND, as a token cannot see other sellers. Country, currency and language are
 * those of the main location the emulator provisions.
 */
export function registerMerchants(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/merchants', async (request) => {
    // The cursor is an integer in Square's spec; with one merchant there is never a next page.
    parse(listQuery, request.query);
    return { merchant: [merchantOf(ctx, request.merchant.id)] };
  });

  app.get<{ Params: { merchant_id: string } }>('/merchants/:merchant_id', async (request) => ({
    merchant: retrieveMerchant(ctx, request.merchant.id, request.params.merchant_id),
  }));
}
