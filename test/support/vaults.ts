import { createHash, randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { SquareClient } from 'square';
import { openVault, VaultKeyRing, type SellerGrant, type SellerVault } from '../../src/vault/index.js';
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

/** The emulator's demo application, which every test's sellers authorize. */
export const DEMO_APP = { id: 'EMULATOR-DEMO-APP', secret: 'EMULATOR-DEMO-APP-SECRET' } as const;
const REDIRECT_URI = 'http://127.0.0.1:9/oauth/square/callback';
export const SELLER_SCOPES = ['MERCHANT_PROFILE_READ', 'CUSTOMERS_READ'];

async function emulatorJson(url: string, init: RequestInit = {}): Promise<any> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const body = await response.json();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * Sellers who connected through the emulator's OAuth, as the connect flow stores them: each a
 * merchant of its own (provisioned by a first call with a plain token), granted through the
 * control plane and exchanged at /oauth2/token for real emulator tokens — with the application's
 * secret, or (`pkce`) as a public client proving the flow with its verifier.
 */
export async function grantedSellers(emulatorUrl: string, count: number, { concurrency = 16, pkce = false } = {}): Promise<SellerGrant[]> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const grants: SellerGrant[] = [];
  const one = async (): Promise<SellerGrant> => {
    const { merchant } = await emulatorJson(`${emulatorUrl}/v2/merchants/me`, { headers: { authorization: `Bearer vault-seller-${randomUUID()}` } });
    const { redirect_url } = await emulatorJson(`${emulatorUrl}/_emulator/oauth/authorizations`, {
      method: 'POST',
      body: JSON.stringify({
        client_id: DEMO_APP.id, scopes: SELLER_SCOPES, redirect_uri: REDIRECT_URI, merchant_id: merchant.id,
        ...(pkce ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
      }),
    });
    const token = await new SquareClient({ baseUrl: emulatorUrl, maxRetries: 0 }).oAuth.obtainToken({
      clientId: DEMO_APP.id,
      ...(pkce ? { codeVerifier: verifier } : { clientSecret: DEMO_APP.secret }),
      grantType: 'authorization_code',
      code: new URL(redirect_url).searchParams.get('code')!,
      redirectUri: REDIRECT_URI,
    });
    return {
      merchantId: token.merchantId!,
      businessName: merchant.business_name ?? null,
      scopes: SELLER_SCOPES,
      tokens: { accessToken: token.accessToken!, refreshToken: token.refreshToken, expiresAt: token.expiresAt! },
    };
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        next++;
        grants.push(await one());
      }
    }),
  );
  return grants;
}

/** The emulator's clock as the vault and refresher take it, kept in step by moving it through the control plane. */
export async function emulatorClock(emulatorUrl: string) {
  let offsetMs = (await emulatorJson(`${emulatorUrl}/_emulator/clock`)).offset_ms as number;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: async (ms: number) => {
      offsetMs = (await emulatorJson(`${emulatorUrl}/_emulator/clock`, { method: 'POST', body: JSON.stringify({ advance_ms: ms }) })).offset_ms;
    },
  };
}

/** Whether `accessToken` works against the emulator now: it reads its seller's profile. */
export async function tokenWorks(emulatorUrl: string, accessToken: string, merchantId: string): Promise<boolean> {
  const response = await fetch(`${emulatorUrl}/v2/merchants/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  return response.ok && ((await response.json()) as { merchant: { id: string } }).merchant.id === merchantId;
}
