import type { DisconnectReason, SellerVault } from '../../vault/types.js';
import type { AppliedListener } from '../../webhooks/index.js';

/** Who revoked, as `oauth.authorization.revoked` says (`data.object.revocation.revoker_type`). */
function revokerOf(body: unknown): unknown {
  return (body as { data?: { object?: { revocation?: { revoker_type?: unknown } } } }).data?.object?.revocation?.revoker_type;
}

/**
 * Disconnects a seller when Square says its authorization of the application ended
 * (`oauth.authorization.revoked`): revoked by the seller or by Square, or by the application
 * itself (disconnectSeller here, or another of its tools), at once and on every instance's
 * next request, since the vault is shared.
 */
export function disconnectOnRevocation(vault: SellerVault): AppliedListener {
  return async (applied) => {
    if (applied.type !== 'oauth.authorization.revoked') return;
    const reason: DisconnectReason = revokerOf(applied.body) === 'APPLICATION' ? 'DISCONNECTED_BY_PARTNER' : 'REVOKED_BY_SELLER';
    await vault.disconnect(applied.merchantId, reason);
  };
}
