import type Database from 'better-sqlite3';
import type { KeyDocumentEntry, KeyDocumentStore, KeyDocumentsRegistration } from './key-documents.js';
import { migrateSqlite, openSqliteFile } from './sqlite-file.js';

/** Schema versions in order, recorded in `key_documents_migrations` (the event store's file keeps `user_version` for its own). */
const MIGRATIONS = [
  `CREATE TABLE key_documents (
     key_sha256 TEXT NOT NULL,
     digest TEXT NOT NULL,
     document TEXT NOT NULL,
     registered_at TEXT NOT NULL,
     PRIMARY KEY (key_sha256, digest)
   ) WITHOUT ROWID;`,
];

/** The keys' documents in the embedded SQLite file (the event store's, GATEWAY_DB), or `:memory:`, opened as `openSqliteFile` says. */
export class SqliteKeyDocumentStore implements KeyDocumentStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    migrateSqlite(this.db, 'key_documents_migrations', MIGRATIONS);
    const db = this.db;
    this.statements = {
      count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM key_documents WHERE key_sha256 = ?'),
      has: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM key_documents WHERE key_sha256 = ? AND digest = ?'),
      insert: db.prepare('INSERT INTO key_documents (key_sha256, digest, document, registered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      document: db.prepare<[string, string], { document: string }>('SELECT document FROM key_documents WHERE key_sha256 = ? AND digest = ?'),
      list: db.prepare<[string], { digest: string; registered_at: string }>(
        'SELECT digest, registered_at FROM key_documents WHERE key_sha256 = ? ORDER BY registered_at, digest',
      ),
      remove: db.prepare('DELETE FROM key_documents WHERE key_sha256 = ? AND digest = ?'),
    };
  }


  async register(keySha256: string, documents: ReadonlyMap<string, string>, limit: number): Promise<KeyDocumentsRegistration> {
    const now = new Date().toISOString();
    // IMMEDIATE: another process registering for the same key counts after this one has added its documents.
    return this.db
      .transaction((): KeyDocumentsRegistration => {
        const fresh = [...documents].filter(([digest]) => !this.statements.has.get(keySha256, digest));
        const total = this.statements.count.get(keySha256)!.n + fresh.length;
        if (total > limit) return { outcome: 'over-limit', total };
        for (const [digest, document] of fresh) this.statements.insert.run(keySha256, digest, document, now);
        return { outcome: 'registered', added: fresh.length, total };
      })
      .immediate();
  }

  async document(keySha256: string, digest: string): Promise<string | undefined> {
    return this.statements.document.get(keySha256, digest)?.document;
  }

  async list(keySha256: string): Promise<KeyDocumentEntry[]> {
    return this.statements.list.all(keySha256).map((row) => ({ digest: row.digest, registeredAt: row.registered_at }));
  }

  async remove(keySha256: string, digest: string): Promise<boolean> {
    return this.statements.remove.run(keySha256, digest).changes === 1;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
