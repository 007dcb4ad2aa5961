import type { serialization } from 'square';
import type { EmulatorContext, Stores } from '../context.js';
import { timestamp } from '../plumbing/clock.js';
import type { Db } from '../plumbing/db.js';
import { errors } from '../plumbing/errors.js';
import { merchantIdForToken } from '../plumbing/ids.js';
import { mainLocationId, newLocation } from './locations.js';

type Merchant = serialization.Merchant.Raw;

/**
 * Every distinct bearer token is its own merchant. A merchant appears on first use
 * with one main location, so that any token works against a fresh emulator.
 */
export class Merchants {
  private readonly known = new Set<string>();
  private readonly insertStmt;
  private readonly existsStmt;

  constructor(
    private readonly db: Db,
    private readonly stores: Stores,
  ) {
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO merchants (merchant_id, created_at) VALUES (?, ?)');
    this.existsStmt = db.prepare('SELECT 1 FROM merchants WHERE merchant_id = ?');
  }

  /** Whether the token's merchant is in the database (an emulator file keeps it across restarts). */
  has(token: string): boolean {
    return this.existsStmt.get(merchantIdForToken(token)) !== undefined;
  }

  /** Forgets what was provisioned, after the database was wiped. */
  reset(): void {
    this.known.clear();
  }

  ensure(token: string): string {
    const merchantId = merchantIdForToken(token);
    if (this.known.has(merchantId)) return merchantId;
    this.db.transaction(() => {
      const createdAt = timestamp();
      if (this.insertStmt.run(merchantId, createdAt).changes > 0) {
        const location = newLocation(merchantId, createdAt, { name: 'Main Location' });
        this.stores.locations.insert(merchantId, location.id!, location);
      }
    })();
    this.known.add(merchantId);
    return merchantId;
  }
}

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

/** RetrieveMerchant: a token sees its own merchant only, by id or as `me`; any other id is NOT_FOUND. */
export function retrieveMerchant(ctx: EmulatorContext, merchantId: string, id: string): Merchant {
  if (id !== 'me' && id !== merchantId) throw errors.notFound(`Merchant with ID \`${id}\` not found.`, 'merchant_id');
  return merchantOf(ctx, merchantId);
}
