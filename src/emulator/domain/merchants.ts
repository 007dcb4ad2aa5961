import type { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import { mainLocationId } from './locations.js';

type Merchant = serialization.Merchant.Raw;

/** When the emulator first saw the merchant's token. */
export function merchantCreatedAt(ctx: EmulatorContext, merchantId: string): string | undefined {
  return ctx.db
    .prepare<[string], { created_at: string }>('SELECT created_at FROM merchants WHERE merchant_id = ?')
    .get(merchantId)?.created_at;
}

/** The merchant as the Merchants API shows it: its country, currency and language are its main location's. */
export function merchantOf(ctx: EmulatorContext, merchantId: string): Merchant {
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
