import { VaultKeyError, type Sealed, type VaultKeyRing } from './cipher.js';
import type { DisconnectReason, RefreshClaim, SellerStatus, SellerTokens, VaultSeller } from './types.js';

/** A seller's row as both vaults keep it; the timestamp type is the driver's (Date in pg, ISO text in SQLite). */
export interface SellerRow<Time> {
  merchant_id: string;
  business_name: string | null;
  status: SellerStatus;
  scopes: string;
  connected_at: Time;
  access_token_expires_at: Time | null;
  last_refreshed_at: Time | null;
  refresh_failures: number;
  last_refresh_error: string | null;
  disconnected_at: Time | null;
  disconnect_reason: DisconnectReason | null;
}

/** The columns that describe a seller (never its tokens), for `SELECT`. */
export const SELLER_COLUMNS = `merchant_id, business_name, status, scopes, connected_at, access_token_expires_at, last_refreshed_at,
  refresh_failures, last_refresh_error, disconnected_at, disconnect_reason`;

export function toVaultSeller<Time>(row: SellerRow<Time>, iso: (time: Time) => string): VaultSeller {
  const isoOrNull = (time: Time | null) => (time === null ? null : iso(time));
  return {
    merchantId: row.merchant_id,
    businessName: row.business_name,
    status: row.status,
    scopes: row.scopes.split(' ').filter(Boolean),
    connectedAt: iso(row.connected_at),
    accessTokenExpiresAt: isoOrNull(row.access_token_expires_at),
    lastRefreshedAt: isoOrNull(row.last_refreshed_at),
    refreshFailures: row.refresh_failures,
    lastRefreshError: row.last_refresh_error,
    disconnectedAt: isoOrNull(row.disconnected_at),
    disconnectReason: row.disconnect_reason,
  };
}

/** A seller's two tokens, sealed together: one ciphertext, one IV, one key id per row. */
interface TokenPair {
  access: string;
  refresh: string | null;
}

export function sealTokens(keys: VaultKeyRing, merchantId: string, tokens: SellerTokens): Sealed {
  const pair: TokenPair = { access: tokens.accessToken, refresh: tokens.refreshToken ?? null };
  return keys.seal(JSON.stringify(pair), merchantId);
}

export function openTokens(keys: VaultKeyRing, merchantId: string, sealed: Sealed): TokenPair {
  return JSON.parse(keys.open(sealed, merchantId)) as TokenPair;
}

/** A claimed row as the claim query returns it. */
export interface ClaimedRow {
  merchant_id: string;
  key_id: string;
  sealed_tokens: Buffer;
  refresh_failures: number;
}

/** How long a seller whose tokens do not open waits before its next claim: its key must come back into VAULT_KEYS first. */
export const UNREADABLE_RETRY_MS = 3600_000;

/**
 * Claimed rows as claims, their refresh tokens opened. A row that does not open (its key gone
 * from VAULT_KEYS, say) is set aside with why, for the vault to record as a failed renewal,
 * rather than failing every claim of every cycle from then on.
 */
export function toClaims(keys: VaultKeyRing, lease: string, rows: readonly ClaimedRow[]): { claims: RefreshClaim[]; unreadable: Array<{ claim: RefreshClaim; error: string }> } {
  const claims: RefreshClaim[] = [];
  const unreadable: Array<{ claim: RefreshClaim; error: string }> = [];
  for (const row of rows) {
    const claim = { merchantId: row.merchant_id, lease, refreshToken: '', failures: row.refresh_failures };
    try {
      claims.push({ ...claim, refreshToken: openTokens(keys, row.merchant_id, { keyId: row.key_id, data: row.sealed_tokens }).refresh! });
    } catch (error) {
      if (!(error instanceof VaultKeyError)) throw error;
      unreadable.push({ claim, error: error.message });
    }
  }
  return { claims, unreadable };
}

/** Tokens sealed with an older key, sealed again with the current one. */
export function resealed(keys: VaultKeyRing, merchantId: string, sealed: Sealed): Sealed {
  return keys.seal(keys.open(sealed, merchantId), merchantId);
}

/** Square's `expires_at` (RFC 3339, with or without fractions) as one fixed format, so that SQLite's text comparisons order it. */
export function normalizedTime(time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new Error(`Not a time: "${time}"`);
  return new Date(ms).toISOString();
}

/** Sellers per status, every status present. */
export function countsByStatus(rows: ReadonlyArray<{ status: SellerStatus; count: number | string }>): Record<SellerStatus, number> {
  const counts: Record<SellerStatus, number> = { CONNECTED: 0, REFRESH_FAILING: 0, DISCONNECTED: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** Sellers per key id. */
export function countsByKey(rows: ReadonlyArray<{ key_id: string; count: number | string }>): Record<string, number> {
  return Object.fromEntries(rows.map((row) => [row.key_id, Number(row.count)]));
}

/** How many rows one rotation step re-seals in one transaction. */
export const ROTATION_BATCH = 500;
