import type Database from 'better-sqlite3';
import {
  ACTIVE_STATUSES,
  type BulkChunk,
  type BulkLimits,
  type BulkOperationRecord,
  type BulkOutcome,
  type BulkStatus,
  type BulkStore,
  type Created,
  type NewBulkOperation,
} from './bulk.js';
import { migrateSqlite, openSqliteFile } from './sqlite-file.js';

const ACTIVE = `status IN (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Schema versions in order, recorded in `bulk_migrations` (the event store's file keeps `user_version` for its own). */
const MIGRATIONS = [
  `CREATE TABLE bulk_operations (
     id TEXT PRIMARY KEY,
     seller TEXT NOT NULL,
     merchant_id TEXT NOT NULL,
     key_sha256 TEXT,
     query TEXT NOT NULL,
     sealed_token TEXT,
     status TEXT NOT NULL,
     error_code TEXT,
     error_message TEXT,
     created_at TEXT NOT NULL,
     completed_at TEXT,
     object_count INTEGER NOT NULL DEFAULT 0,
     root_object_count INTEGER NOT NULL DEFAULT 0,
     file_size INTEGER NOT NULL DEFAULT 0,
     chunk_count INTEGER NOT NULL DEFAULT 0,
     progress TEXT,
     changes_cursor INTEGER NOT NULL,
     owner TEXT,
     lease_until INTEGER
   );
   CREATE INDEX bulk_operations_latest ON bulk_operations (seller, key_sha256, created_at);
   CREATE INDEX bulk_operations_active ON bulk_operations (created_at) WHERE status IN ('CREATED', 'RUNNING');
   CREATE TABLE bulk_chunks (
     operation_id TEXT NOT NULL,
     n INTEGER NOT NULL,
     lines TEXT NOT NULL,
     PRIMARY KEY (operation_id, n)
   ) WITHOUT ROWID;`,
  // Ends recorded before this version were published when recorded, as far as anything can tell now.
  `ALTER TABLE bulk_operations ADD COLUMN end_published INTEGER NOT NULL DEFAULT 0;
   UPDATE bulk_operations SET end_published = 1 WHERE NOT ${ACTIVE};
   CREATE INDEX bulk_operations_unpublished ON bulk_operations (completed_at) WHERE end_published = 0;`,
];

interface Row {
  id: string;
  seller: string;
  merchant_id: string;
  key_sha256: string | null;
  query: string;
  sealed_token: string | null;
  status: BulkStatus;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  completed_at: string | null;
  object_count: number;
  root_object_count: number;
  file_size: number;
  progress: string | null;
  changes_cursor: number;
}

const toRecord = (row: Row): BulkOperationRecord => ({
  id: row.id,
  seller: row.seller,
  merchantId: row.merchant_id,
  keySha256: row.key_sha256,
  query: row.query,
  sealedToken: row.sealed_token,
  status: row.status,
  errorCode: row.error_code,
  errorMessage: row.error_message,
  createdAt: row.created_at,
  completedAt: row.completed_at,
  objectCount: row.object_count,
  rootObjectCount: row.root_object_count,
  fileSize: row.file_size,
  progress: row.progress,
  changesCursor: row.changes_cursor,
});

/** Bulk operations in the embedded SQLite file (the event store's, GATEWAY_DB), or `:memory:`: for one instance. */
export class SqliteBulkStore implements BulkStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    migrateSqlite(this.db, 'bulk_migrations', MIGRATIONS);
    const db = this.db;
    this.statements = {
      activeOfSeller: db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM bulk_operations WHERE seller = ? AND ${ACTIVE}`),
      activeOfKey: db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM bulk_operations WHERE key_sha256 = ? AND ${ACTIVE}`),
      insert: db.prepare(
        `INSERT INTO bulk_operations (id, seller, merchant_id, key_sha256, query, sealed_token, status, created_at, changes_cursor)
         VALUES (@id, @seller, @merchantId, @keySha256, @query, @sealedToken, 'CREATED', @createdAt, @changesCursor)`,
      ),
      operation: db.prepare<[string], Row>('SELECT * FROM bulk_operations WHERE id = ?'),
      latest: db.prepare<[string, string | null], Row>(
        'SELECT * FROM bulk_operations WHERE seller = ? AND key_sha256 IS ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
      ),
      claimable: db.prepare<{ now: number; id: string | null }, { id: string }>(
        `SELECT id FROM bulk_operations WHERE ${ACTIVE} AND (lease_until IS NULL OR lease_until < :now) AND (:id IS NULL OR id = :id)
         ORDER BY created_at LIMIT 1`,
      ),
      take: db.prepare<{ id: string; owner: string; until: number }>(
        `UPDATE bulk_operations SET owner = :owner, lease_until = :until, status = 'RUNNING' WHERE id = :id`,
      ),
      renew: db.prepare<{ id: string; owner: string; until: number }>(
        `UPDATE bulk_operations SET lease_until = :until WHERE id = :id AND owner = :owner AND status = 'RUNNING'`,
      ),
      advance: db.prepare<{ id: string; owner: string; until: number; objects: number; roots: number; bytes: number; chunks: number; progress: string }>(
        `UPDATE bulk_operations SET lease_until = :until, object_count = object_count + :objects, root_object_count = root_object_count + :roots,
           file_size = file_size + :bytes, chunk_count = chunk_count + :chunks, progress = :progress
         WHERE id = :id AND owner = :owner AND status = 'RUNNING' RETURNING chunk_count`,
      ),
      insertChunk: db.prepare<[string, number, string]>('INSERT INTO bulk_chunks (operation_id, n, lines) VALUES (?, ?, ?)'),
      finish: db.prepare<{ id: string; owner: string; status: BulkStatus; code: string | null; message: string | null; now: string }, Row>(
        `UPDATE bulk_operations SET status = :status, error_code = :code, error_message = :message, completed_at = :now,
           owner = NULL, lease_until = NULL, sealed_token = NULL
         WHERE id = :id AND owner = :owner AND status = 'RUNNING' RETURNING *`,
      ),
      cancel: db.prepare<{ id: string; now: string }, Row>(
        `UPDATE bulk_operations SET status = 'CANCELED', completed_at = :now, owner = NULL, lease_until = NULL, sealed_token = NULL
         WHERE id = :id AND ${ACTIVE} RETURNING *`,
      ),
      unpublishedEnds: db.prepare<[string, number], Row>(
        `SELECT * FROM bulk_operations WHERE end_published = 0 AND NOT ${ACTIVE} AND completed_at < ? ORDER BY completed_at LIMIT ?`,
      ),
      endPublished: db.prepare<[string]>('UPDATE bulk_operations SET end_published = 1 WHERE id = ?'),
      chunks: db.prepare<[string, number, number], { lines: string }>('SELECT lines FROM bulk_chunks WHERE operation_id = ? AND n >= ? ORDER BY n LIMIT ?'),
      expired: db.prepare<[string], { id: string }>(`SELECT id FROM bulk_operations WHERE NOT ${ACTIVE} AND completed_at < ?`),
      deleteChunks: db.prepare<[string]>('DELETE FROM bulk_chunks WHERE operation_id = ?'),
      deleteOperation: db.prepare<[string]>('DELETE FROM bulk_operations WHERE id = ?'),
    };
  }

  async create(operation: NewBulkOperation, limits: BulkLimits): Promise<Created> {
    // IMMEDIATE: another process creating for the same seller counts after this one has inserted.
    return this.db
      .transaction((): Created => {
        if (this.statements.activeOfSeller.get(operation.seller)!.n >= limits.perSeller) return { limited: 'seller', limit: limits.perSeller };
        if (operation.keySha256 !== null && this.statements.activeOfKey.get(operation.keySha256)!.n >= limits.perKey) {
          return { limited: 'key', limit: limits.perKey };
        }
        this.statements.insert.run({ ...operation, createdAt: new Date().toISOString() });
        return { created: toRecord(this.statements.operation.get(operation.id)!) };
      })
      .immediate();
  }

  async operation(id: string): Promise<BulkOperationRecord | undefined> {
    const row = this.statements.operation.get(id);
    return row && toRecord(row);
  }

  async latest(seller: string, keySha256: string | null): Promise<BulkOperationRecord | undefined> {
    const row = this.statements.latest.get(seller, keySha256);
    return row && toRecord(row);
  }

  async claim(owner: string, leaseMs: number, id?: string): Promise<BulkOperationRecord | undefined> {
    return this.db
      .transaction(() => {
        const now = Date.now();
        const found = this.statements.claimable.get({ now, id: id ?? null });
        if (!found) return undefined;
        this.statements.take.run({ id: found.id, owner, until: now + leaseMs });
        return toRecord(this.statements.operation.get(found.id)!);
      })
      .immediate();
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.statements.renew.run({ id, owner, until: Date.now() + leaseMs }).changes === 1;
  }

  async append(id: string, owner: string, leaseMs: number, chunk: BulkChunk): Promise<boolean> {
    const chunks = chunk.lines === '' ? 0 : 1;
    return this.db
      .transaction(() => {
        const advanced = this.statements.advance.get({
          id,
          owner,
          until: Date.now() + leaseMs,
          objects: chunk.objects,
          roots: chunk.rootObjects,
          bytes: chunk.bytes,
          chunks,
          progress: chunk.progress,
        }) as { chunk_count: number } | undefined;
        if (!advanced) return false;
        if (chunks) this.statements.insertChunk.run(id, advanced.chunk_count - 1, chunk.lines);
        return true;
      })
      .immediate();
  }

  async finish(id: string, owner: string, outcome: BulkOutcome): Promise<BulkOperationRecord | undefined> {
    const failed = outcome.status === 'FAILED' ? outcome : undefined;
    const row = this.statements.finish.get({
      id,
      owner,
      status: outcome.status,
      code: failed?.code ?? null,
      message: failed?.message ?? null,
      now: new Date().toISOString(),
    });
    return row && toRecord(row);
  }

  async cancel(id: string): Promise<BulkOperationRecord | undefined> {
    const row = this.statements.cancel.get({ id, now: new Date().toISOString() });
    return row && toRecord(row);
  }

  async chunks(id: string, from: number, limit: number): Promise<string[]> {
    return this.statements.chunks.all(id, from, limit).map((row) => row.lines);
  }

  async unpublishedEnds(before: Date, limit: number): Promise<BulkOperationRecord[]> {
    return this.statements.unpublishedEnds.all(before.toISOString(), limit).map(toRecord);
  }

  async endPublished(id: string): Promise<void> {
    this.statements.endPublished.run(id);
  }

  async expire(before: Date): Promise<number> {
    return this.db.transaction(() => {
      const expired = this.statements.expired.all(before.toISOString());
      for (const { id } of expired) {
        this.statements.deleteChunks.run(id);
        this.statements.deleteOperation.run(id);
      }
      return expired.length;
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
