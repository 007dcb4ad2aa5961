import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { migrateSqlite, openSqliteFile } from '../store/sqlite-file.js';
import type { VaultKeyRing } from './cipher.js';
import {
  countsByKey,
  countsByStatus,
  normalizedTime,
  openTokens,
  resealed,
  ROTATION_BATCH,
  toClaims,
  UNREADABLE_RETRY_MS,
  sealTokens,
  SELLER_COLUMNS,
  toVaultSeller,
  type ClaimedRow,
  type SellerRow,
} from './rows.js';
import type { DisconnectReason, RefreshClaim, SellerGrant, SellerStatus, SellerTokens, SellerVault, VaultSeller, VaultSummary } from './types.js';

/**
 * Schema versions in order, recorded in `vault_migrations` rather than `PRAGMA user_version`: the
 * vault may share its file with the event store (GATEWAY_DB), whose user_version counts its own.
 */
const MIGRATIONS = [
  `CREATE TABLE vault_sellers (
     merchant_id TEXT PRIMARY KEY,
     business_name TEXT,
     status TEXT NOT NULL,
     scopes TEXT NOT NULL,
     connected_at TEXT NOT NULL,
     access_token_expires_at TEXT,
     last_refreshed_at TEXT,
     refresh_failures INTEGER NOT NULL DEFAULT 0,
     last_refresh_error TEXT,
     disconnected_at TEXT,
     disconnect_reason TEXT,
     key_id TEXT,
     sealed_tokens BLOB,
     refreshable INTEGER NOT NULL DEFAULT 0,
     next_refresh_at TEXT,
     lease TEXT,
     leased_until TEXT
   );
   CREATE INDEX vault_sellers_due ON vault_sellers (access_token_expires_at) WHERE refreshable = 1 AND status <> 'DISCONNECTED';
   CREATE INDEX vault_sellers_key ON vault_sellers (key_id) WHERE key_id IS NOT NULL;`,
  `CREATE TABLE vault_connect_flows (flow_id TEXT PRIMARY KEY, expires_at TEXT NOT NULL);
   CREATE INDEX vault_connect_flows_expiry ON vault_connect_flows (expires_at);`,
];

type Row = SellerRow<string>;
type SealedRow = { merchant_id: string; key_id: string; sealed_tokens: Buffer };

export interface SqliteVaultOptions {
  path: string;
  keys: VaultKeyRing;
  now: () => Date;
}

/** The vault in a SQLite file (or `:memory:`), opened as the event store opens its own. */
export class SqliteSellerVault implements SellerVault {
  private readonly db: Database.Database;
  private readonly keys: VaultKeyRing;
  private readonly clock: () => Date;
  private readonly statements;

  constructor(options: SqliteVaultOptions) {
    this.db = openSqliteFile(options.path);
    this.keys = options.keys;
    this.clock = options.now;
    migrateSqlite(this.db, 'vault_migrations', MIGRATIONS);
    const db = this.db;
    this.statements = {
      connect: db.prepare(
        `INSERT INTO vault_sellers (merchant_id, business_name, status, scopes, connected_at, access_token_expires_at, key_id, sealed_tokens, refreshable)
         VALUES (:merchant, :name, 'CONNECTED', :scopes, :now, :expires, :key, :sealed, :refreshable)
         ON CONFLICT (merchant_id) DO UPDATE SET business_name = excluded.business_name, status = 'CONNECTED', scopes = excluded.scopes,
           connected_at = excluded.connected_at, access_token_expires_at = excluded.access_token_expires_at, last_refreshed_at = NULL,
           refresh_failures = 0, last_refresh_error = NULL, disconnected_at = NULL, disconnect_reason = NULL, key_id = excluded.key_id,
           sealed_tokens = excluded.sealed_tokens, refreshable = excluded.refreshable, next_refresh_at = NULL, lease = NULL, leased_until = NULL`,
      ),
      sellers: db.prepare<[], Row>(`SELECT ${SELLER_COLUMNS} FROM vault_sellers ORDER BY merchant_id`),
      seller: db.prepare<[string], Row>(`SELECT ${SELLER_COLUMNS} FROM vault_sellers WHERE merchant_id = ?`),
      sealed: db.prepare<[string], SealedRow>(
        "SELECT merchant_id, key_id, sealed_tokens FROM vault_sellers WHERE merchant_id = ? AND status <> 'DISCONNECTED'",
      ),
      disconnect: db.prepare<{ merchant: string; reason: DisconnectReason; now: string; lease: string | null }>(
        `UPDATE vault_sellers SET status = 'DISCONNECTED', disconnected_at = :now, disconnect_reason = :reason, access_token_expires_at = NULL,
           key_id = NULL, sealed_tokens = NULL, refreshable = 0, next_refresh_at = NULL, lease = NULL, leased_until = NULL
         WHERE merchant_id = :merchant AND status <> 'DISCONNECTED' AND (:lease IS NULL OR lease = :lease)`,
      ),
      // One statement, so the choice and the claim are one write: an instance on the same file claims before or after, never beside.
      claim: db.prepare<{ due: string; now: string; until: string; lease: string; limit: number }, ClaimedRow>(
        `UPDATE vault_sellers SET lease = :lease, leased_until = :until
         WHERE merchant_id IN (
           SELECT merchant_id FROM vault_sellers
           WHERE refreshable = 1 AND status <> 'DISCONNECTED' AND access_token_expires_at < :due
             AND (next_refresh_at IS NULL OR next_refresh_at <= :now) AND (leased_until IS NULL OR leased_until <= :now)
           ORDER BY access_token_expires_at LIMIT :limit
         )
         RETURNING merchant_id, key_id, sealed_tokens, refresh_failures`,
      ),
      refreshed: db.prepare<{ merchant: string; lease: string; now: string; expires: string; key: string; sealed: Buffer; refreshable: number }>(
        `UPDATE vault_sellers SET status = 'CONNECTED', access_token_expires_at = :expires, last_refreshed_at = :now, refresh_failures = 0,
           last_refresh_error = NULL, key_id = :key, sealed_tokens = :sealed, refreshable = :refreshable, next_refresh_at = NULL,
           lease = NULL, leased_until = NULL
         WHERE merchant_id = :merchant AND lease = :lease AND status <> 'DISCONNECTED'`,
      ),
      refreshFailed: db.prepare<{ merchant: string; lease: string; error: string; next: string }>(
        `UPDATE vault_sellers SET status = 'REFRESH_FAILING', refresh_failures = refresh_failures + 1, last_refresh_error = :error,
           next_refresh_at = :next, lease = NULL, leased_until = NULL
         WHERE merchant_id = :merchant AND lease = :lease AND status <> 'DISCONNECTED'`,
      ),
      recordRejection: db.prepare<{ merchant: string; error: string }>(
        'UPDATE vault_sellers SET refresh_failures = refresh_failures + 1, last_refresh_error = :error WHERE merchant_id = :merchant',
      ),
      // Rows sealed with a key the ring lacks cannot be re-sealed: they stay as they are, and summary() names their key.
      olderKeys: db.prepare<{ keys: string; limit: number }, SealedRow>(
        'SELECT merchant_id, key_id, sealed_tokens FROM vault_sellers WHERE key_id IN (SELECT value FROM json_each(:keys)) LIMIT :limit',
      ),
      reseal: db.prepare<{ merchant: string; old: string; key: string; sealed: Buffer }>(
        'UPDATE vault_sellers SET key_id = :key, sealed_tokens = :sealed WHERE merchant_id = :merchant AND key_id = :old',
      ),
      forgetFlows: db.prepare<[string]>('DELETE FROM vault_connect_flows WHERE expires_at <= ?'),
      spendFlow: db.prepare<[string, string]>('INSERT INTO vault_connect_flows (flow_id, expires_at) VALUES (?, ?) ON CONFLICT (flow_id) DO NOTHING'),
      counts: db.prepare<[], { status: SellerStatus; count: number }>('SELECT status, count(*) AS count FROM vault_sellers GROUP BY status'),
      keys: db.prepare<[], { key_id: string; count: number }>(
        'SELECT key_id, count(*) AS count FROM vault_sellers WHERE key_id IS NOT NULL GROUP BY key_id ORDER BY key_id',
      ),
      oldest: db.prepare<[], { at: string | null }>(
        "SELECT min(coalesce(last_refreshed_at, connected_at)) AS at FROM vault_sellers WHERE status <> 'DISCONNECTED'",
      ),
    };
  }


  async connect(grant: SellerGrant): Promise<void> {
    const sealed = sealTokens(this.keys, grant.merchantId, grant.tokens);
    this.statements.connect.run({
      merchant: grant.merchantId,
      name: grant.businessName,
      scopes: grant.scopes.join(' '),
      now: this.now(),
      expires: normalizedTime(grant.tokens.expiresAt),
      key: sealed.keyId,
      sealed: sealed.data,
      refreshable: grant.tokens.refreshToken === undefined ? 0 : 1,
    });
  }

  async sellers(): Promise<VaultSeller[]> {
    return this.statements.sellers.all().map((row) => toVaultSeller(row, (t) => t));
  }

  async seller(merchantId: string): Promise<VaultSeller | undefined> {
    const row = this.statements.seller.get(merchantId);
    return row && toVaultSeller(row, (t) => t);
  }

  async accessToken(merchantId: string): Promise<string | undefined> {
    const row = this.statements.sealed.get(merchantId);
    return row && openTokens(this.keys, merchantId, { keyId: row.key_id, data: row.sealed_tokens }).access;
  }

  async disconnect(merchantId: string, reason: DisconnectReason): Promise<boolean> {
    return this.statements.disconnect.run({ merchant: merchantId, reason, now: this.now(), lease: null }).changes === 1;
  }

  async claimDueRefreshes(dueBefore: Date, leaseMs: number, limit: number): Promise<RefreshClaim[]> {
    const now = this.clock();
    const lease = randomUUID();
    const rows = this.statements.claim.all({
      due: dueBefore.toISOString(),
      now: now.toISOString(),
      until: new Date(now.getTime() + leaseMs).toISOString(),
      lease,
      limit,
    });
    const { claims, unreadable } = toClaims(this.keys, lease, rows);
    for (const { claim, error } of unreadable) await this.refreshFailed(claim, error, UNREADABLE_RETRY_MS);
    return claims;
  }

  async refreshed(claim: RefreshClaim, tokens: SellerTokens): Promise<boolean> {
    const sealed = sealTokens(this.keys, claim.merchantId, tokens);
    const { changes } = this.statements.refreshed.run({
      merchant: claim.merchantId,
      lease: claim.lease,
      now: this.now(),
      expires: normalizedTime(tokens.expiresAt),
      key: sealed.keyId,
      sealed: sealed.data,
      refreshable: tokens.refreshToken === undefined ? 0 : 1,
    });
    return changes === 1;
  }

  async refreshFailed(claim: RefreshClaim, error: string, retryInMs: number | undefined): Promise<boolean> {
    const merchant = claim.merchantId;
    if (retryInMs === undefined) {
      return this.db.transaction(() => {
        const disconnected = this.statements.disconnect.run({ merchant, reason: 'REFRESH_REJECTED', now: this.now(), lease: claim.lease }).changes === 1;
        if (disconnected) this.statements.recordRejection.run({ merchant, error });
        return disconnected;
      })();
    }
    const next = new Date(this.clock().getTime() + retryInMs).toISOString();
    return this.statements.refreshFailed.run({ merchant, lease: claim.lease, error, next }).changes === 1;
  }

  async rotateKeys(): Promise<number> {
    let count = 0;
    for (;;) {
      const batch = this.db.transaction(() => {
        const rows = this.statements.olderKeys.all({ keys: JSON.stringify(this.keys.olderKeyIds), limit: ROTATION_BATCH });
        for (const row of rows) {
          const sealed = resealed(this.keys, row.merchant_id, { keyId: row.key_id, data: row.sealed_tokens });
          this.statements.reseal.run({ merchant: row.merchant_id, old: row.key_id, key: sealed.keyId, sealed: sealed.data });
        }
        return rows.length;
      })();
      count += batch;
      if (batch < ROTATION_BATCH) return count;
    }
  }

  async spendConnectFlow(flowId: string, expiresAt: Date): Promise<boolean> {
    return this.db.transaction(() => {
      this.statements.forgetFlows.run(this.now());
      return this.statements.spendFlow.run(flowId, expiresAt.toISOString()).changes === 1;
    })();
  }

  async summary(): Promise<VaultSummary> {
    return {
      sellers: countsByStatus(this.statements.counts.all()),
      oldestTokenObtainedAt: this.statements.oldest.get()?.at ?? null,
      sealedWith: countsByKey(this.statements.keys.all()),
    };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private now(): string {
    return this.clock().toISOString();
  }
}
