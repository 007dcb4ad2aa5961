import type { BulkStore } from './bulk.js';
import { PostgresBulkStore } from './bulk-postgres.js';
import { SqliteBulkStore } from './bulk-sqlite.js';
import type { KeyDocumentStore } from './key-documents.js';
import { PostgresKeyDocumentStore } from './key-documents-postgres.js';
import { SqliteKeyDocumentStore } from './key-documents-sqlite.js';
import { PostgresEventStore } from './postgres.js';
import { SqliteEventStore } from './sqlite.js';
import type { EventStore } from './types.js';

export type { BulkChunk, BulkLimits, BulkOperationRecord, BulkOutcome, BulkStatus, BulkStore, NewBulkOperation } from './bulk.js';
export { PostgresBulkStore } from './bulk-postgres.js';
export { SqliteBulkStore } from './bulk-sqlite.js';
export type { AppliedEventRecord, AppliedRow, EventEnvelope, EventStore, StoredEvent } from './types.js';
export { PostgresEventStore, type PostgresApplyHook } from './postgres.js';
export { SqliteEventStore, type SqliteApplyHook } from './sqlite.js';
export type { KeyDocumentEntry, KeyDocumentStore, KeyDocumentsRegistration } from './key-documents.js';
export { PostgresKeyDocumentStore } from './key-documents-postgres.js';
export { SqliteKeyDocumentStore } from './key-documents-sqlite.js';

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

/** Opens the store of the API keys' trusted documents beside the event store (the same database), migrated and ready. */
export async function openKeyDocumentStore(settings: StoreSettings): Promise<KeyDocumentStore> {
  // Small reads by primary key, one per request sent by id: a few connections serve them beside the event store's.
  if (settings.databaseUrl) return PostgresKeyDocumentStore.open({ connectionString: settings.databaseUrl, poolSize: 4 });
  return new SqliteKeyDocumentStore(settings.sqlitePath);
}
