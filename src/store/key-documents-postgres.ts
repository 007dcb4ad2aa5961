import type pg from 'pg';
import type { KeyDocumentEntry, KeyDocumentStore, KeyDocumentsRegistration } from './key-documents.js';
import { isConnectionLost, onClient, openMigratedPool, type PoolOptions } from './postgres-connection.js';

/** Schema versions in order, recorded in `key_documents_migrations`: the event store, which may share the schema, records its own in `schema_migrations`. */
const MIGRATIONS = {
  table: 'key_documents_migrations',
  versions: [
    {
      version: 1,
      sql: `CREATE TABLE key_documents (
              key_sha256 TEXT NOT NULL,
              digest TEXT NOT NULL,
              document TEXT NOT NULL,
              registered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              PRIMARY KEY (key_sha256, digest)
            );`,
    },
  ],
};

/**
 * The first of the two keys of the advisory lock a registration holds on its API key until
 * it commits, so that two registrations for one key (on any instances) count one after the
 * other and never pass the limit together. Two-key locks never meet the event store's one-key ones.
 */
const REGISTRATION_LOCK_CLASS = 0x4b44; // "KD"

/** The keys' documents in PostgreSQL, shared by every instance of a fleet. */
export class PostgresKeyDocumentStore implements KeyDocumentStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and brings its table up to date. */
  static async open(options: PoolOptions): Promise<PostgresKeyDocumentStore> {
    const pool = await openMigratedPool(options, MIGRATIONS);
    return new PostgresKeyDocumentStore(pool);
  }

  async register(keySha256: string, documents: ReadonlyMap<string, string>, limit: number): Promise<KeyDocumentsRegistration> {
    const digests = [...documents.keys()];
    // A transaction lost with its connection rolled back, and runs again; one lost while committing may have
    // committed, and then its second run finds the documents there (added: 0): the same documents are kept either way.
    return onClient(
      this.pool,
      async (client) => {
        await client.query('BEGIN');
        try {
          await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [REGISTRATION_LOCK_CLASS, keySha256]);
          const { rows } = await client.query<{ held: string; present: string }>(
            'SELECT count(*) AS held, count(*) FILTER (WHERE digest = ANY($2::text[])) AS present FROM key_documents WHERE key_sha256 = $1',
            [keySha256, digests],
          );
          const added = digests.length - Number(rows[0]!.present);
          const total = Number(rows[0]!.held) + added;
          if (total > limit) {
            await client.query('ROLLBACK');
            return { outcome: 'over-limit', total };
          }
          await client.query(
            `INSERT INTO key_documents (key_sha256, digest, document)
             SELECT $1, d.digest, d.document FROM unnest($2::text[], $3::text[]) AS d(digest, document)
             ON CONFLICT DO NOTHING`,
            [keySha256, digests, [...documents.values()]],
          );
          await client.query('COMMIT');
          return { outcome: 'registered', added, total };
        } catch (error) {
          // A lost connection took the transaction with it.
          if (!isConnectionLost(error)) await client.query('ROLLBACK');
          throw error;
        }
      },
      { rerun: true },
    );
  }

  async document(keySha256: string, digest: string): Promise<string | undefined> {
    const { rows } = await this.query<{ document: string }>('SELECT document FROM key_documents WHERE key_sha256 = $1 AND digest = $2', [keySha256, digest], {
      rerun: true,
    });
    return rows[0]?.document;
  }

  async list(keySha256: string): Promise<KeyDocumentEntry[]> {
    const { rows } = await this.query<{ digest: string; registered_at: Date }>(
      'SELECT digest, registered_at FROM key_documents WHERE key_sha256 = $1 ORDER BY registered_at, digest',
      [keySha256],
      { rerun: true },
    );
    return rows.map((row) => ({ digest: row.digest, registeredAt: row.registered_at.toISOString() }));
  }

  async remove(keySha256: string, digest: string): Promise<boolean> {
    // Run once: run again after a lost answer, it would say false of a document it removed.
    const { rowCount } = await this.query('DELETE FROM key_documents WHERE key_sha256 = $1 AND digest = $2', [keySha256, digest], { rerun: false });
    return rowCount === 1;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private query<R extends pg.QueryResultRow>(text: string, values: unknown[], options: { rerun: boolean }): Promise<pg.QueryResult<R>> {
    return onClient(this.pool, (client) => client.query<R>(text, values), options);
  }
}
