import type pg from 'pg';
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
import { isConnectionLost, MIGRATION_LOCK, onClient, openMigratedPool, type PoolOptions } from './postgres-connection.js';

const ACTIVE = `status IN (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Schema versions in order, recorded in `bulk_migrations`. */
const VERSIONS: Array<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `CREATE TABLE bulk_operations (
            id TEXT PRIMARY KEY,
            seller TEXT NOT NULL,
            merchant_id TEXT NOT NULL,
            key_sha256 TEXT,
            query TEXT NOT NULL,
            sealed_token TEXT,
            status TEXT NOT NULL,
            error_code TEXT,
            error_message TEXT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
            completed_at TIMESTAMPTZ,
            object_count BIGINT NOT NULL DEFAULT 0,
            root_object_count BIGINT NOT NULL DEFAULT 0,
            file_size BIGINT NOT NULL DEFAULT 0,
            chunk_count INTEGER NOT NULL DEFAULT 0,
            progress TEXT,
            changes_cursor BIGINT NOT NULL,
            owner TEXT,
            lease_until TIMESTAMPTZ
          );
          CREATE INDEX bulk_operations_latest ON bulk_operations (seller, key_sha256, created_at);
          CREATE INDEX bulk_operations_active ON bulk_operations (created_at) WHERE status IN ('CREATED', 'RUNNING');
          CREATE TABLE bulk_chunks (
            operation_id TEXT NOT NULL REFERENCES bulk_operations (id) ON DELETE CASCADE,
            n INTEGER NOT NULL,
            lines TEXT NOT NULL,
            PRIMARY KEY (operation_id, n)
          );`,
  },
  {
    version: 2,
    // Ends recorded before this version were published when recorded, as far as anything can tell now.
    sql: `ALTER TABLE bulk_operations ADD COLUMN end_published BOOLEAN NOT NULL DEFAULT false;
          UPDATE bulk_operations SET end_published = true WHERE NOT ${ACTIVE};
          CREATE INDEX bulk_operations_unpublished ON bulk_operations (completed_at) WHERE NOT end_published;`,
  },
];

/** Held while an operation is created, so that instances creating at once count each other's (the limits). */
const CREATE_LOCK = MIGRATION_LOCK + 2;

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
  created_at: Date;
  completed_at: Date | null;
  object_count: string;
  root_object_count: string;
  file_size: string;
  progress: string | null;
  changes_cursor: string;
}

// PostgreSQL's BIGINTs arrive as text; counts and sequences stay far below 2^53.
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
  createdAt: row.created_at.toISOString(),
  completedAt: row.completed_at?.toISOString() ?? null,
  objectCount: Number(row.object_count),
  rootObjectCount: Number(row.root_object_count),
  fileSize: Number(row.file_size),
  progress: row.progress,
  changesCursor: Number(row.changes_cursor),
});

/** A lease `$n` milliseconds from now, on the database's clock, which every instance shares. */
const leaseFrom = (n: number) => `clock_timestamp() + $${n}::float8 * interval '1 millisecond'`;

/** Bulk operations in PostgreSQL (`DATABASE_URL`): any instance of a fleet answers them, one runs each. */
export class PostgresBulkStore implements BulkStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and brings the bulk tables up to date. */
  static async open(options: PoolOptions): Promise<PostgresBulkStore> {
    return new PostgresBulkStore(await openMigratedPool(options, { table: 'bulk_migrations', versions: VERSIONS }));
  }

  async create(operation: NewBulkOperation, limits: BulkLimits): Promise<Created> {
    return this.transaction(async (client): Promise<Created> => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [CREATE_LOCK]);
      const { rows } = await client.query<{ seller: string; key: string }>(
        `SELECT count(*) FILTER (WHERE seller = $1) AS seller, count(*) FILTER (WHERE key_sha256 = $2) AS key FROM bulk_operations WHERE ${ACTIVE}`,
        [operation.seller, operation.keySha256],
      );
      if (Number(rows[0]!.seller) >= limits.perSeller) return { limited: 'seller', limit: limits.perSeller };
      if (operation.keySha256 !== null && Number(rows[0]!.key) >= limits.perKey) return { limited: 'key', limit: limits.perKey };
      const inserted = await client.query<Row>(
        `INSERT INTO bulk_operations (id, seller, merchant_id, key_sha256, query, sealed_token, status, changes_cursor)
         VALUES ($1, $2, $3, $4, $5, $6, 'CREATED', $7) RETURNING *`,
        [
          operation.id,
          operation.seller,
          operation.merchantId,
          operation.keySha256,
          operation.query,
          operation.sealedToken,
          operation.changesCursor,
        ],
      );
      return { created: toRecord(inserted.rows[0]!) };
    });
  }

  async operation(id: string): Promise<BulkOperationRecord | undefined> {
    const { rows } = await this.query<Row>('SELECT * FROM bulk_operations WHERE id = $1', [id], true);
    return rows[0] && toRecord(rows[0]);
  }

  async latest(seller: string, keySha256: string | null): Promise<BulkOperationRecord | undefined> {
    const { rows } = await this.query<Row>(
      'SELECT * FROM bulk_operations WHERE seller = $1 AND key_sha256 IS NOT DISTINCT FROM $2 ORDER BY created_at DESC LIMIT 1',
      [seller, keySha256],
      true,
    );
    return rows[0] && toRecord(rows[0]);
  }

  async claim(owner: string, leaseMs: number, id?: string): Promise<BulkOperationRecord | undefined> {
    // SKIP LOCKED: instances claiming at once each take another operation, or none, never the same one.
    const { rows } = await this.query<Row>(
      `UPDATE bulk_operations SET owner = $1, lease_until = ${leaseFrom(2)}, status = 'RUNNING'
       WHERE id = (
         SELECT id FROM bulk_operations WHERE ${ACTIVE} AND (lease_until IS NULL OR lease_until < clock_timestamp())
           AND ($3::text IS NULL OR id = $3) ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
       ) RETURNING *`,
      [owner, leaseMs, id ?? null],
      false,
    );
    return rows[0] && toRecord(rows[0]);
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.query(
      `UPDATE bulk_operations SET lease_until = ${leaseFrom(3)} WHERE id = $1 AND owner = $2 AND status = 'RUNNING'`,
      [id, owner, leaseMs],
      true,
    );
    return rowCount === 1;
  }

  async append(id: string, owner: string, leaseMs: number, chunk: BulkChunk): Promise<boolean> {
    const chunks = chunk.lines === '' ? 0 : 1;
    // Rolled back whole when its connection is lost before COMMIT; a COMMIT whose answer was lost is not
    // run again (it would write the chunk twice): the run fails that step, and resumes from what committed.
    return this.transaction(async (client) => {
      const advanced = await client.query<{ chunk_count: number }>(
        `UPDATE bulk_operations SET lease_until = ${leaseFrom(3)}, object_count = object_count + $4, root_object_count = root_object_count + $5,
           file_size = file_size + $6, chunk_count = chunk_count + $7, progress = $8
         WHERE id = $1 AND owner = $2 AND status = 'RUNNING' RETURNING chunk_count`,
        [id, owner, leaseMs, chunk.objects, chunk.rootObjects, chunk.bytes, chunks, chunk.progress],
      );
      const row = advanced.rows[0];
      if (!row) return false;
      if (chunks) await client.query('INSERT INTO bulk_chunks (operation_id, n, lines) VALUES ($1, $2, $3)', [id, row.chunk_count - 1, chunk.lines]);
      return true;
    });
  }

  async finish(id: string, owner: string, outcome: BulkOutcome): Promise<BulkOperationRecord | undefined> {
    const failed = outcome.status === 'FAILED' ? outcome : undefined;
    const { rows } = await this.query<Row>(
      `UPDATE bulk_operations SET status = $3, error_code = $4, error_message = $5, completed_at = clock_timestamp(),
         owner = NULL, lease_until = NULL, sealed_token = NULL
       WHERE id = $1 AND owner = $2 AND status = 'RUNNING' RETURNING *`,
      [id, owner, outcome.status, failed?.code ?? null, failed?.message ?? null],
      false,
    );
    return rows[0] && toRecord(rows[0]);
  }

  async cancel(id: string): Promise<BulkOperationRecord | undefined> {
    const { rows } = await this.query<Row>(
      `UPDATE bulk_operations SET status = 'CANCELED', completed_at = clock_timestamp(), owner = NULL, lease_until = NULL, sealed_token = NULL
       WHERE id = $1 AND ${ACTIVE} RETURNING *`,
      [id],
      false,
    );
    return rows[0] && toRecord(rows[0]);
  }

  async chunks(id: string, from: number, limit: number): Promise<string[]> {
    const { rows } = await this.query<{ lines: string }>(
      'SELECT lines FROM bulk_chunks WHERE operation_id = $1 AND n >= $2 ORDER BY n LIMIT $3',
      [id, from, limit],
      true,
    );
    return rows.map((row) => row.lines);
  }

  async unpublishedEnds(before: Date, limit: number): Promise<BulkOperationRecord[]> {
    const { rows } = await this.query<Row>(
      `SELECT * FROM bulk_operations WHERE NOT end_published AND NOT ${ACTIVE} AND completed_at < $1 ORDER BY completed_at LIMIT $2`,
      [before, limit],
      true,
    );
    return rows.map(toRecord);
  }

  async endPublished(id: string): Promise<void> {
    await this.query('UPDATE bulk_operations SET end_published = true WHERE id = $1', [id], true);
  }

  async expire(before: Date): Promise<number> {
    const { rowCount } = await this.query(`DELETE FROM bulk_operations WHERE NOT ${ACTIVE} AND completed_at < $1`, [before], true);
    return rowCount ?? 0;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private query<R extends pg.QueryResultRow>(text: string, values: unknown[], rerun: boolean): Promise<pg.QueryResult<R>> {
    return onClient(this.pool, (client) => client.query<R>(text, values), { rerun });
  }

  /** `work` in one transaction, never run again once its COMMIT was sent (its outcome is then unknown). */
  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return onClient(
      this.pool,
      async (client) => {
        await client.query('BEGIN');
        let result: T;
        try {
          result = await work(client);
        } catch (error) {
          if (!isConnectionLost(error)) await client.query('ROLLBACK');
          throw error;
        }
        await client.query('COMMIT');
        return result;
      },
      { rerun: false },
    );
  }
}
