import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * What objects are looked up by (Collection.where), each with its index: a seller with thousands of customers
 * lists one customer's cards or orders, an order's payments and a GAN's gift card without reading every document of the kind.
 */
export const INDEXED_PATHS: Readonly<Record<string, string>> = {
  '$.customer_id': 'docs_by_customer',
  '$.order_id': 'docs_by_order',
  '$.gan': 'docs_by_gan',
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS merchants (
  merchant_id TEXT PRIMARY KEY,
  created_at  TEXT NOT NULL
);
-- Every Square object is one JSON document; rowid gives a stable insertion order for cursors.
CREATE TABLE IF NOT EXISTS docs (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  merchant_id TEXT NOT NULL,
  kind        TEXT NOT NULL,
  id          TEXT NOT NULL,
  doc         TEXT NOT NULL,
  UNIQUE (merchant_id, kind, id)
);
CREATE INDEX IF NOT EXISTS docs_by_kind ON docs (merchant_id, kind, seq);
${Object.entries(INDEXED_PATHS)
  .map(([path, index]) => `CREATE INDEX IF NOT EXISTS ${index} ON docs (merchant_id, kind, json_extract(doc, '${path}'));`)
  .join('\n')}
CREATE TABLE IF NOT EXISTS idempotency (
  merchant_id TEXT NOT NULL,
  endpoint    TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status      INTEGER NOT NULL,
  response    TEXT NOT NULL,
  PRIMARY KEY (merchant_id, endpoint, key)
);
-- OAuth (src/emulator/domain/oauth.ts): times are the emulator clock's milliseconds.
CREATE TABLE IF NOT EXISTS oauth_codes (
  code           TEXT PRIMARY KEY,
  client_id      TEXT NOT NULL,
  merchant_id    TEXT NOT NULL,
  scopes         TEXT NOT NULL,
  redirect_uri   TEXT,
  code_challenge TEXT,
  expires_at     INTEGER NOT NULL,
  used           INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS oauth_tokens (
  token       TEXT PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
  client_id   TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  scopes      TEXT NOT NULL,
  pkce        INTEGER NOT NULL,
  expires_at  INTEGER,
  revoked_at  INTEGER,
  used_at     INTEGER
);
CREATE INDEX IF NOT EXISTS oauth_tokens_by_seller ON oauth_tokens (client_id, merchant_id);
`;

/** Opens the emulator's database: a file path, or in-memory when none is given. */
export function openDb(path = ':memory:'): Db {
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return db;
}

export function wipe(db: Db): void {
  db.exec('DELETE FROM docs; DELETE FROM merchants; DELETE FROM idempotency; DELETE FROM oauth_codes; DELETE FROM oauth_tokens;');
}
