import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { openVault, VaultKeyRing, type SellerVault } from '../../src/vault/index.js';
import { DATABASE_URL, postgresLocation, sqliteLocation } from './stores.js';

/** A fresh `VAULT_KEYS` entry. */
export const vaultKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

/** A clock a test moves by hand, as the vault and the refresher take it. */
export function testClock(start = Date.now()) {
  let ms = start;
  return {
    now: () => new Date(ms),
    advance: (by: number) => {
      ms += by;
    },
  };
}

/** One empty vault database: `open()` connects to it (again, as another instance or after a restart), `drop()` removes it. */
export interface VaultLocation {
  open(keys: string, now: () => Date): Promise<SellerVault>;
  drop(): Promise<void>;
  /** Every byte the vault's rows occupy at rest, as text: the SQLite file and its WAL, or the PostgreSQL table's rows. */
  bytesAtRest(): Promise<string>;
  /** Runs a statement on the database behind the vault's back, as someone with access to it could. */
  tamper(sql: string): Promise<void>;
}

export interface VaultBackend {
  name: 'SQLite' | 'PostgreSQL';
  skip: boolean;
  fresh(): VaultLocation;
}

export function sqliteVaultLocation(): VaultLocation & { path: string } {
  const location = sqliteLocation();
  return {
    path: location.path,
    open: (keys, now) => openVault({ sqlitePath: location.path, keys: VaultKeyRing.parse(keys), now }),
    drop: location.drop,
    bytesAtRest: async () => {
      return [location.path, `${location.path}-wal`]
        .filter((file) => existsSync(file))
        .map((file) => readFileSync(file).toString('latin1'))
        .join('');
    },
    tamper: async (sql) => {
      const db = new Database(location.path);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
  };
}

export function postgresVaultLocation(): VaultLocation & { schema: string } {
  const location = postgresLocation();
  return {
    schema: location.schema,
    open: (keys, now) => openVault({ databaseUrl: DATABASE_URL!, schema: location.schema, keys: VaultKeyRing.parse(keys), now }),
    drop: location.drop,
    bytesAtRest: async () => {
      const rows = await onPostgres((client) => client.query<{ row: string }>(`SELECT row_to_json(v)::text AS row FROM ${location.schema}.vault_sellers v`));
      return rows.rows.map((r) => r.row).join('\n');
    },
    tamper: async (sql) => {
      await onPostgres((client) => client.query(`SET search_path = ${location.schema}; ${sql}`));
    },
  };
}

async function onPostgres<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const VAULT_BACKENDS: VaultBackend[] = [
  { name: 'SQLite', skip: false, fresh: sqliteVaultLocation },
  { name: 'PostgreSQL', skip: !DATABASE_URL, fresh: postgresVaultLocation },
];
