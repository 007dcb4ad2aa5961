import type { DisconnectReason, SellerStatus as VaultSellerStatus } from '../../vault/types.js';
import { builder } from '../../schema/builder.js';

export const SellerStatus = builder.enumType('SellerStatus', {
  description: 'Whether the gateway can act for a connected seller.',
  values: {
    CONNECTED: { description: 'Its tokens work, and are renewed before they expire.' },
    REFRESH_FAILING: { description: 'Renewing its access token fails (see lastRefreshError) and is being tried again; the token works until it expires.' },
    DISCONNECTED: { description: 'The gateway holds no token for it: it must connect again. Its fields fail with SELLER_DISCONNECTED.' },
  } satisfies Record<VaultSellerStatus, { description: string }>,
});

export const SellerDisconnectReason = builder.enumType('SellerDisconnectReason', {
  description: 'Why a seller is disconnected.',
  values: {
    REVOKED_BY_SELLER: { description: 'The seller (or Square) revoked the application’s access at Square (oauth.authorization.revoked).' },
    DISCONNECTED_BY_PARTNER: { description: 'disconnectSeller revoked the access at Square.' },
    TOKEN_REJECTED: { description: 'Square refused the seller’s access token (revoked or expired).' },
    REFRESH_REJECTED: { description: 'Square refused to renew the seller’s access token (its refresh token was revoked or expired).' },
  } satisfies Record<DisconnectReason, { description: string }>,
});
