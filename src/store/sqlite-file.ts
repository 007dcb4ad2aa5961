import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Opens a SQLite file (or `:memory:`) as the gateway's stores keep theirs: every commit fsynced
 * (WAL, synchronous=FULL), so an acknowledged write survives a power cut, not only a crash, and
 * a writer in another process waited for rather than refused.
 */
export function openSqliteFile(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * Applies the migrations not yet recorded in `table` (one per store, so that stores sharing a file
 * keep apart), in one IMMEDIATE transaction: it takes the write lock first, so two processes
 * opening one file migrate one after the other.
 */
export function migrateSqlite(db: Database.Database, table: string, migrations: readonly string[]): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
    const applied = db.prepare<[], { version: number | null }>(`SELECT max(version) AS version FROM ${table}`).get()?.version ?? 0;
    migrations.forEach((sql, index) => {
      if (index < applied) return;
      db.exec(sql);
      db.prepare(`INSERT INTO ${table} (version, applied_at) VALUES (?, ?)`).run(index + 1, new Date().toISOString());
    });
  }).immediate();
}
