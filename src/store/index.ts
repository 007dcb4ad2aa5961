import { PostgresEventStore } from './postgres.js';
import { SqliteEventStore } from './sqlite.js';
import type { EventStore } from './types.js';

export type { AppliedEventRecord, AppliedRow, EventEnvelope, EventStore, StoredEvent } from './types.js';
export { PostgresEventStore, type PostgresApplyHook } from './postgres.js';
export { SqliteEventStore, type SqliteApplyHook } from './sqlite.js';

export interface StoreSettings {
  /** PostgreSQL when set (`DATABASE_URL`). */
  databaseUrl?: string | undefined;
  /** The embedded SQLite file otherwise (`GATEWAY_DB`); `:memory:` keeps nothing. */
  sqlitePath: string;
}

/** Opens the configured store, migrated and ready. */
export async function openStore(settings: StoreSettings): Promise<EventStore> {
  if (settings.databaseUrl) return PostgresEventStore.open({ connectionString: settings.databaseUrl });
  return new SqliteEventStore(settings.sqlitePath);
}
