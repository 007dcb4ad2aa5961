import type { Logger } from 'pino';
import type { SellerVault, VaultSeller } from '../vault/types.js';
import { allows, type SellerAllowance } from './authentication.js';

export interface ConnectedSellersOptions {
  /** The sellers connected through Square OAuth. */
  vault?: SellerVault | undefined;
  /**
   * Ends a seller's authorization of the application at Square (OAuth RevokeToken); resolves once Square
   * holds none. Absent for a public (PKCE) client, which Square lets revoke nothing: its secret is needed.
   */
  revokeAuthorization?: ((merchantId: string) => Promise<void>) | undefined;
}

/** The connected sellers a partner's request may see and disconnect: its key's (every one without API keys). */
export interface ConnectedSellers {
  /** Every one the caller may see, disconnected ones too, by merchant id. */
  list(): Promise<VaultSeller[]>;
  /** Whether the caller may see and act for this seller. */
  allows(merchantId: string): boolean;
  /** The seller as the vault has it; undefined when it never connected. */
  find(merchantId: string): Promise<VaultSeller | undefined>;
  /**
   * Revokes the seller's authorization at Square (when the gateway can), then forgets its tokens
   * (DISCONNECTED_BY_PARTNER); a seller disconnected already is left as it is. Throws when Square
   * could not revoke: the seller stays connected.
   */
  disconnect(merchantId: string): Promise<VaultSeller>;
}

/** The part of a request's context a partner manages its sellers with; undefined for a caller without connected sellers. */
export function connectedSellers(options: ConnectedSellersOptions, allowance: SellerAllowance | undefined): ConnectedSellers | undefined {
  const { vault, revokeAuthorization } = options;
  if (!vault || !allowance) return undefined;
  return {
    list: async () => (await vault.sellers()).filter((seller) => allows(allowance, seller.merchantId)),
    allows: (merchantId) => allows(allowance, merchantId),
    find: (merchantId) => vault.seller(merchantId),
    disconnect: async (merchantId) => {
      const seller = await vault.seller(merchantId);
      if (!seller) throw new Error(`seller ${merchantId} never connected`);
      if (seller.status === 'DISCONNECTED') return seller;
      await revokeAuthorization?.(merchantId);
      await vault.disconnect(merchantId, 'DISCONNECTED_BY_PARTNER');
      return (await vault.seller(merchantId))!;
    },
  };
}

/**
 * Disconnects a connected seller whose access token Square refused (401: revoked, expired),
 * so that no later request sends it again; a failure to record it is logged, and the next
 * request's call is refused by Square and tries again.
 */
export async function disconnectRejected(vault: SellerVault, merchantId: string, logger: Logger): Promise<void> {
  try {
    if (await vault.disconnect(merchantId, 'TOKEN_REJECTED')) logger.warn({ merchantId }, 'Square refused a connected seller’s access token: the seller is disconnected');
  } catch (error) {
    logger.error({ err: error, merchantId }, 'a seller whose token Square refused could not be marked disconnected');
  }
}
