import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { isConnectionLost, onClient, openMigratedPool, type PoolOptions } from '../store/postgres-connection.js';
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

/** Schema versions in order, recorded in `vault_migrations`: the event store, which may share the schema, records its own in `schema_migrations`. */
const MIGRATIONS = {
  table: 'vault_migrations',
  versions: [
    {
      version: 1,
      sql: `CREATE TABLE vault_sellers (
              merchant_id TEXT PRIMARY KEY,
              business_name TEXT,
              status TEXT NOT NULL,
              scopes TEXT NOT NULL,
              connected_at TIMESTAMPTZ NOT NULL,
              access_token_expires_at TIMESTAMPTZ,
              last_refreshed_at TIMESTAMPTZ,
              refresh_failures INTEGER NOT NULL DEFAULT 0,
              last_refresh_error TEXT,
              disconnected_at TIMESTAMPTZ,
              disconnect_reason TEXT,
              key_id TEXT,
              sealed_tokens BYTEA,
              refreshable BOOLEAN NOT NULL DEFAULT false,
              next_refresh_at TIMESTAMPTZ,
              lease UUID,
              leased_until TIMESTAMPTZ
            );
            CREATE INDEX vault_sellers_due ON vault_sellers (access_token_expires_at) WHERE refreshable AND status <> 'DISCONNECTED';
            CREATE INDEX vault_sellers_key ON vault_sellers (key_id) WHERE key_id IS NOT NULL;`,
    },
    {
      version: 2,
      sql: `CREATE TABLE vault_connect_flows (flow_id TEXT PRIMARY KEY, expires_at TIMESTAMPTZ NOT NULL);
            CREATE INDEX vault_connect_flows_expiry ON vault_connect_flows (expires_at);`,
    },
  ],
};

type Row = SellerRow<Date>;
type SealedRow = { merchant_id: string; key_id: string; sealed_tokens: Buffer };
const toSeller = (row: Row) => toVaultSeller(row, (t) => t.toISOString());

export interface PostgresVaultOptions extends PoolOptions {
  keys: VaultKeyRing;
  now: () => Date;
}

/**
 * The vault in PostgreSQL, for a fleet: every instance claims due renewals from the one table,
 * each seller by one instance at a time (`FOR UPDATE SKIP LOCKED`, then a lease that lapses if
 * the instance dies). Times are the instances' clocks (`now`), not the database's, so that a
 * renewal is due by the same clock that dates Square's expiry in tests.
 */
export class PostgresSellerVault implements SellerVault {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly keys: VaultKeyRing,
    private readonly now: () => Date,
  ) {}

  /** Connects and brings the vault's tables up to date. */
  static async open(options: PostgresVaultOptions): Promise<PostgresSellerVault> {
    const pool = await openMigratedPool(options, MIGRATIONS);
    return new PostgresSellerVault(pool, options.keys, options.now);
  }

  async connect(grant: SellerGrant): Promise<void> {
    const sealed = sealTokens(this.keys, grant.merchantId, grant.tokens);
    // Safe to run again: the second run writes the same grant.
    await this.query(
      `INSERT INTO vault_sellers (merchant_id, business_name, status, scopes, connected_at, access_token_expires_at, key_id, sealed_tokens, refreshable)
       VALUES ($1, $2, 'CONNECTED', $3, $4, $5, $6, $7, $8)
       ON CONFLICT (merchant_id) DO UPDATE SET business_name = excluded.business_name, status = 'CONNECTED', scopes = excluded.scopes,
         connected_at = excluded.connected_at, access_token_expires_at = excluded.access_token_expires_at, last_refreshed_at = NULL,
         refresh_failures = 0, last_refresh_error = NULL, disconnected_at = NULL, disconnect_reason = NULL, key_id = excluded.key_id,
         sealed_tokens = excluded.sealed_tokens, refreshable = excluded.refreshable, next_refresh_at = NULL, lease = NULL, leased_until = NULL`,
      [
        grant.merchantId,
        grant.businessName,
        grant.scopes.join(' '),
        this.now(),
        normalizedTime(grant.tokens.expiresAt),
        sealed.keyId,
        sealed.data,
        grant.tokens.refreshToken !== undefined,
      ],
      { rerun: true },
    );
  }

  async sellers(): Promise<VaultSeller[]> {
    const { rows } = await this.query<Row>(`SELECT ${SELLER_COLUMNS} FROM vault_sellers ORDER BY merchant_id`, [], { rerun: true });
    return rows.map(toSeller);
  }

  async seller(merchantId: string): Promise<VaultSeller | undefined> {
    const { rows } = await this.query<Row>(`SELECT ${SELLER_COLUMNS} FROM vault_sellers WHERE merchant_id = $1`, [merchantId], { rerun: true });
    return rows[0] && toSeller(rows[0]);
  }

  async accessToken(merchantId: string): Promise<string | undefined> {
    const { rows } = await this.query<SealedRow>(
      "SELECT merchant_id, key_id, sealed_tokens FROM vault_sellers WHERE merchant_id = $1 AND status <> 'DISCONNECTED'",
      [merchantId],
      { rerun: true },
    );
    const row = rows[0];
    return row && openTokens(this.keys, merchantId, { keyId: row.key_id, data: row.sealed_tokens }).access;
  }

  async disconnect(merchantId: string, reason: DisconnectReason): Promise<boolean> {
    // Safe to run again: the second run finds the seller disconnected already.
    const { rowCount } = await this.query(`${DISCONNECT} WHERE merchant_id = $1 AND status <> 'DISCONNECTED'`, [merchantId, reason, this.now()], {
      rerun: true,
    });
    return rowCount === 1;
  }

  async claimDueRefreshes(dueBefore: Date, leaseMs: number, limit: number): Promise<RefreshClaim[]> {
    const now = this.now();
    const lease = randomUUID();
    // A claim whose answer was lost with its connection is run again; the rows the lost one claimed lapse with its lease.
    const { rows } = await this.query<ClaimedRow>(
      `UPDATE vault_sellers v SET lease = $1, leased_until = $2
       FROM (
         SELECT merchant_id FROM vault_sellers
         WHERE refreshable AND status <> 'DISCONNECTED' AND access_token_expires_at < $3
           AND (next_refresh_at IS NULL OR next_refresh_at <= $4) AND (leased_until IS NULL OR leased_until <= $4)
         ORDER BY access_token_expires_at LIMIT $5
         FOR UPDATE SKIP LOCKED
       ) due
       WHERE v.merchant_id = due.merchant_id
       RETURNING v.merchant_id, v.key_id, v.sealed_tokens, v.refresh_failures`,
      [lease, new Date(now.getTime() + leaseMs), dueBefore, now, limit],
      { rerun: true },
    );
    const { claims, unreadable } = toClaims(this.keys, lease, rows);
    for (const { claim, error } of unreadable) await this.refreshFailed(claim, error, UNREADABLE_RETRY_MS);
    return claims;
  }

  async refreshed(claim: RefreshClaim, tokens: SellerTokens): Promise<boolean> {
    const sealed = sealTokens(this.keys, claim.merchantId, tokens);
    // Safe to run again: after a commit whose answer was lost, the second run finds the claim ended and changes nothing (saying it no longer held).
    const { rowCount } = await this.query(
      `UPDATE vault_sellers SET status = 'CONNECTED', access_token_expires_at = $3, last_refreshed_at = $4, refresh_failures = 0,
         last_refresh_error = NULL, key_id = $5, sealed_tokens = $6, refreshable = $7, next_refresh_at = NULL, lease = NULL, leased_until = NULL
       WHERE merchant_id = $1 AND lease = $2 AND status <> 'DISCONNECTED'`,
      [claim.merchantId, claim.lease, normalizedTime(tokens.expiresAt), this.now(), sealed.keyId, sealed.data, tokens.refreshToken !== undefined],
      { rerun: true },
    );
    return rowCount === 1;
  }

  async refreshFailed(claim: RefreshClaim, error: string, retryInMs: number | undefined): Promise<boolean> {
    // Run once: run twice, it would count one failure twice.
    if (retryInMs === undefined) {
      const { rowCount } = await this.query(
        `${DISCONNECT}, refresh_failures = refresh_failures + 1, last_refresh_error = $5
         WHERE merchant_id = $1 AND lease = $4 AND status <> 'DISCONNECTED'`,
        [claim.merchantId, 'REFRESH_REJECTED', this.now(), claim.lease, error],
        { rerun: false },
      );
      return rowCount === 1;
    }
    const { rowCount } = await this.query(
      `UPDATE vault_sellers SET status = 'REFRESH_FAILING', refresh_failures = refresh_failures + 1, last_refresh_error = $3,
         next_refresh_at = $4, lease = NULL, leased_until = NULL
       WHERE merchant_id = $1 AND lease = $2 AND status <> 'DISCONNECTED'`,
      [claim.merchantId, claim.lease, error, new Date(this.now().getTime() + retryInMs)],
      { rerun: false },
    );
    return rowCount === 1;
  }

  async rotateKeys(): Promise<number> {
    let count = 0;
    for (;;) {
      const batch = await onClient(this.pool, (client) => this.resealBatch(client), { rerun: true });
      count += batch;
      if (batch < ROTATION_BATCH) return count;
    }
  }

  /** One transaction of a rotation; instances rotating at once skip each other's rows. */
  private async resealBatch(client: pg.PoolClient): Promise<number> {
    await client.query('BEGIN');
    try {
      // Rows sealed with a key the ring lacks cannot be re-sealed: they stay as they are, and summary() names their key.
      const { rows } = await client.query<SealedRow>(
        'SELECT merchant_id, key_id, sealed_tokens FROM vault_sellers WHERE key_id = ANY($1::text[]) LIMIT $2 FOR UPDATE SKIP LOCKED',
        [this.keys.olderKeyIds, ROTATION_BATCH],
      );
      const sealed = rows.map((row) => resealed(this.keys, row.merchant_id, { keyId: row.key_id, data: row.sealed_tokens }));
      await client.query(
        `UPDATE vault_sellers v SET key_id = $2, sealed_tokens = s.sealed
         FROM unnest($1::text[], $3::bytea[]) AS s(merchant_id, sealed) WHERE v.merchant_id = s.merchant_id`,
        [rows.map((row) => row.merchant_id), this.keys.currentKeyId, sealed.map((s) => s.data)],
      );
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      if (!isConnectionLost(error)) await client.query('ROLLBACK');
      throw error;
    }
  }

  async spendConnectFlow(flowId: string, expiresAt: Date): Promise<boolean> {
    // Not run again after a lost connection: a first run that committed unanswered would make the rerun refuse the seller's own callback.
    const { rowCount } = await this.query(
      `WITH forgotten AS (DELETE FROM vault_connect_flows WHERE expires_at <= $3)
       INSERT INTO vault_connect_flows (flow_id, expires_at) VALUES ($1, $2) ON CONFLICT (flow_id) DO NOTHING`,
      [flowId, expiresAt, this.now()],
      { rerun: false },
    );
    return rowCount === 1;
  }

  async summary(): Promise<VaultSummary> {
    const [counts, oldest, keys] = await Promise.all([
      this.query<{ status: SellerStatus; count: string }>('SELECT status, count(*) AS count FROM vault_sellers GROUP BY status', [], { rerun: true }),
      this.query<{ at: Date | null }>(
        "SELECT min(coalesce(last_refreshed_at, connected_at)) AS at FROM vault_sellers WHERE status <> 'DISCONNECTED'",
        [],
        { rerun: true },
      ),
      this.query<{ key_id: string; count: string }>(
        'SELECT key_id, count(*) AS count FROM vault_sellers WHERE key_id IS NOT NULL GROUP BY key_id ORDER BY key_id',
        [],
        { rerun: true },
      ),
    ]);
    return {
      sellers: countsByStatus(counts.rows),
      oldestTokenObtainedAt: oldest.rows[0]?.at?.toISOString() ?? null,
      sealedWith: countsByKey(keys.rows),
    };
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private query<R extends pg.QueryResultRow>(text: string, values: unknown[], options: { rerun: boolean }): Promise<pg.QueryResult<R>> {
    return onClient(this.pool, (client) => client.query<R>(text, values), options);
  }
}

/** Forgets a seller's tokens ($1 the merchant, $2 the reason, $3 the time); the caller adds the rest of the SET and the WHERE. */
const DISCONNECT = `UPDATE vault_sellers SET status = 'DISCONNECTED', disconnected_at = $3, disconnect_reason = $2, access_token_expires_at = NULL,
  key_id = NULL, sealed_tokens = NULL, refreshable = false, next_refresh_at = NULL, lease = NULL, leased_until = NULL`;
