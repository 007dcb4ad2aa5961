import type { VaultKeyRing } from './cipher.js';
import { PostgresSellerVault } from './postgres.js';
import { SqliteSellerVault } from './sqlite.js';
import type { SellerVault } from './types.js';

export type * from './types.js';
export { VaultKeyError, VaultKeyRing } from './cipher.js';
export { PostgresSellerVault } from './postgres.js';
export { SqliteSellerVault } from './sqlite.js';

export interface VaultSettings {
  /** PostgreSQL when set (`DATABASE_URL`): the fleet's one vault. */
  databaseUrl?: string | undefined;
  /** A schema of its own in PostgreSQL (tests); the connection's search_path otherwise. */
  schema?: string | undefined;
  /**
   * The SQLite file otherwise; it may be the event store's (`GATEWAY_DB`), as the vault keeps
   * its own tables and migration record. `:memory:` keeps nothing.
   */
  sqlitePath?: string | undefined;
  /** `VAULT_KEYS`. */
  keys: VaultKeyRing;
  /** The clock that dates connects, renewals, backoffs and leases; the system's by default. */
  now?: (() => Date) | undefined;
}

/** Opens the configured vault, migrated and ready. */
export async function openVault(settings: VaultSettings): Promise<SellerVault> {
  const now = settings.now ?? (() => new Date());
  if (settings.databaseUrl) {
    return PostgresSellerVault.open({ connectionString: settings.databaseUrl, schema: settings.schema, keys: settings.keys, now });
  }
  if (settings.sqlitePath === undefined) throw new Error('The seller vault needs a database: a PostgreSQL URL or a SQLite file');
  return new SqliteSellerVault({ path: settings.sqlitePath, keys: settings.keys, now });
}
