import type { BulkStore } from './bulk.js';
import { PostgresBulkStore } from './bulk-postgres.js';
import { SqliteBulkStore } from './bulk-sqlite.js';
import { PostgresEventStore } from './postgres.js';
import { SqliteEventStore } from './sqlite.js';
import type { EventStore } from './types.js';

export type { AppliedEventRecord, EventEnvelope, EventStore, StoredEvent } from './types.js';
export { PostgresEventStore } from './postgres.js';
export { SqliteEventStore } from './sqlite.js';
export type { BulkChunk, BulkLimits, BulkOperationRecord, BulkOutcome, BulkStatus, BulkStore, NewBulkOperation } from './bulk.js';
export { PostgresBulkStore } from './bulk-postgres.js';
export { SqliteBulkStore } from './bulk-sqlite.js';

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

/** Opens the store of bulk operations beside the event store (the same database), migrated and ready. */
export async function openBulkStore(settings: StoreSettings): Promise<BulkStore> {
  if (settings.databaseUrl) return PostgresBulkStore.open({ connectionString: settings.databaseUrl });
  return new SqliteBulkStore(settings.sqlitePath);
}
