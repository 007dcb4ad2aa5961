import type { serialization } from 'square';
import { timestamp } from './clock.js';
import type { Db } from './db.js';
import type { Stores } from './context.js';
import { merchantIdForToken, newId } from './ids.js';

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
        const location = mainLocation(merchantId, createdAt);
        this.stores.locations.insert(merchantId, location.id!, location);
      }
    })();
    this.known.add(merchantId);
    return merchantId;
  }
}

export function newLocation(
  merchantId: string,
  createdAt: string,
  fields: Partial<serialization.Location.Raw> & { name: string },
): serialization.Location.Raw {
  return {
    id: newId.location(),
    merchant_id: merchantId,
    business_name: 'Emulated Seller',
    address: {
      address_line_1: '1455 Market Street',
      locality: 'San Francisco',
      administrative_district_level_1: 'CA',
      postal_code: '94103',
      country: 'US',
    },
    timezone: 'America/Los_Angeles',
    capabilities: ['CREDIT_CARD_PROCESSING', 'AUTOMATIC_TRANSFERS'],
    status: 'ACTIVE',
    created_at: createdAt,
    country: 'US',
    language_code: 'en-US',
    currency: 'USD',
    type: 'PHYSICAL',
    mcc: '7299',
    ...fields,
  };
}

function mainLocation(merchantId: string, createdAt: string): serialization.Location.Raw {
  return newLocation(merchantId, createdAt, { name: 'Main Location' });
}
