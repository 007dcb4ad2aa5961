import type { FastifyInstance } from 'fastify';
import type { Square, serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import { errors } from '../errors.js';
import { parse, querySchema, shapes } from '../validation.js';
import { mainLocationId } from '../domain/locations.js';

type Merchant = serialization.Merchant.Raw;

const listQuery = querySchema<Square.ListMerchantsRequest>()({ cursor: shapes.queryInt });

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

  app.get<{ Params: { merchant_id: string } }>('/merchants/:merchant_id', async (request) => {
    const { merchant_id: id } = request.params;
    if (id !== 'me' && id !== request.merchant.id)
      throw errors.notFound(`Merchant with ID \`${id}\` not found.`, 'merchant_id');
    return { merchant: merchantOf(ctx, request.merchant.id) };
  });
}

/** When the emulator first saw the merchant's token. */
export function merchantCreatedAt(ctx: EmulatorContext, merchantId: string): string | undefined {
  return ctx.db
    .prepare<[string], { created_at: string }>('SELECT created_at FROM merchants WHERE merchant_id = ?')
    .get(merchantId)?.created_at;
}

function merchantOf(ctx: EmulatorContext, merchantId: string): Merchant {
  const created = merchantCreatedAt(ctx, merchantId);
  const main = ctx.stores.locations.get(merchantId, mainLocationId(ctx, merchantId))!;
  return {
    id: merchantId,
    business_name: main.business_name ?? 'Emulated Seller',
    country: main.country ?? 'US',
    language_code: main.language_code ?? 'en-US',
    currency: main.currency ?? 'USD',
    status: 'ACTIVE',
    main_location_id: main.id!,
    ...(created ? { created_at: created } : {}),
  };
}
