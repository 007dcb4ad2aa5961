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
  /** This claim's own id: its outcome is recorded only while it holds (not once another instance took it over after it lapsed, nor after a connect or disconnect). */
  lease: string;
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
  /** A claimed renewal worked: the new tokens replace the old (the seller is CONNECTED again), the claim ends; false when the claim no longer held. */
  refreshed(claim: RefreshClaim, tokens: SellerTokens): Promise<boolean>;
  /**
   * A claimed renewal failed, and the claim ends: the seller is REFRESH_FAILING and due again after `retryInMs`;
   * with `retryInMs` undefined Square refused the refresh token, and the seller is DISCONNECTED (REFRESH_REJECTED).
   * False when the claim no longer held.
   */
  refreshFailed(claim: RefreshClaim, error: string, retryInMs: number | undefined): Promise<boolean>;
  /**
   * Records that the connect flow `flowId` was completed: true the first time, false ever after (a replayed
   * callback), in the one database a fleet shares. Flows past `expiresAt` are forgotten: their state is refused by its date.
   */
  spendConnectFlow(flowId: string, expiresAt: Date): Promise<boolean>;
  /** Re-seals with the current key every seller's tokens sealed with an older key of the ring; returns how many. */
  rotateKeys(): Promise<number>;
  /** What metrics, /readyz and `npm run vault:rotate` show: sellers per status, the oldest access token held, the keys in use. */
  summary(): Promise<VaultSummary>;
  close(): Promise<void>;
}

export interface VaultSummary {
  sellers: Record<SellerStatus, number>;
  /** When the oldest access token the vault holds was obtained (at connect or its last renewal), ISO 8601; null when it holds none. */
  oldestTokenObtainedAt: string | null;
  /** Sellers whose tokens are sealed with each key id: a key no longer listed here may leave VAULT_KEYS. */
  sealedWith: Record<string, number>;
}
