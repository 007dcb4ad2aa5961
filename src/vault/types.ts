/**
 * The seller vault: the sellers who connected through Square OAuth, with their tokens
 * encrypted at rest. The connect flow writes it, partner requests read a seller's access
 * token from it, the refresher renews tokens before they expire, and a revocation (by the
 * seller at Square, by the partner, or a token Square refuses) marks the seller disconnected.
 */

/** CONNECTED: its tokens work; REFRESH_FAILING: renewals fail (its access token still works until it expires); DISCONNECTED: no tokens kept. */
export type SellerStatus = 'CONNECTED' | 'REFRESH_FAILING' | 'DISCONNECTED';

/** Why a seller is disconnected. */
export type DisconnectReason =
  /** The seller revoked the application at Square (`oauth.authorization.revoked`). */
  | 'REVOKED_BY_SELLER'
  /** A partner called `disconnectSeller` (the gateway revoked the tokens at Square). */
  | 'DISCONNECTED_BY_PARTNER'
  /** Square answered 401 to the seller's access token (revoked or expired). */
  | 'TOKEN_REJECTED'
  /** Square refused to renew the seller's refresh token (revoked, expired or unknown). */
  | 'REFRESH_REJECTED';

/** A seller as the vault describes it: never its tokens. Times are ISO 8601. */
export interface VaultSeller {
  merchantId: string;
  businessName: string | null;
  status: SellerStatus;
  /** The permissions the seller granted, as Square names them. */
  scopes: string[];
  connectedAt: string;
  /** Null once disconnected. */
  accessTokenExpiresAt: string | null;
  lastRefreshedAt: string | null;
  /** Failed renewals since the last one that worked. */
  refreshFailures: number;
  /** What the last failed renewal answered (Square's error code and detail, never a token). */
  lastRefreshError: string | null;
  disconnectedAt: string | null;
  disconnectReason: DisconnectReason | null;
}

/** A grant as Square's ObtainToken answers it. */
export interface SellerTokens {
  accessToken: string;
  /** Absent only for Square's short-lived tokens, which are not renewed. */
  refreshToken: string | undefined;
  /** ISO 8601. */
  expiresAt: string;
}

export interface SellerGrant {
  merchantId: string;
  businessName: string | null;
  scopes: readonly string[];
  tokens: SellerTokens;
}

/** A seller a refresher instance has claimed for renewal: no other instance renews it until the claim lapses. */
export interface RefreshClaim {
  merchantId: string;
  refreshToken: string;
  /** Renewals that failed in a row before this one. */
  failures: number;
}

export interface SellerVault {
  /** Stores a seller's grant from the OAuth callback, replacing any earlier one: the seller is CONNECTED from now on. */
  connect(grant: SellerGrant): Promise<void>;
  /** Every seller ever connected (disconnected ones too), by merchant id. */
  sellers(): Promise<VaultSeller[]>;
  seller(merchantId: string): Promise<VaultSeller | undefined>;
  /** The seller's current access token, decrypted; undefined when the seller is unknown or disconnected. */
  accessToken(merchantId: string): Promise<string | undefined>;
  /** Forgets the seller's tokens and records why; false when it was not connected. */
  disconnect(merchantId: string, reason: DisconnectReason): Promise<boolean>;
  /**
   * Claims up to `limit` sellers whose access token expires before `dueBefore` and whose
   * backoff has passed, for `leaseMs`; in a fleet on one database each seller is claimed by one instance.
   */
  claimDueRefreshes(dueBefore: Date, leaseMs: number, limit: number): Promise<RefreshClaim[]>;
  /** A claimed renewal worked: the new tokens replace the old, the claim ends. */
  refreshed(merchantId: string, tokens: SellerTokens): Promise<void>;
  /** A claimed renewal failed: recorded, and the seller is due again after `retryInMs`. */
  refreshFailed(merchantId: string, error: string, retryInMs: number): Promise<void>;
  close(): Promise<void>;
}
