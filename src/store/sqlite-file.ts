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
