import { serialization } from 'square';
import { idIn, on } from '../api.js';

export const events = {
  // The seller's cached reads need no dropping: a disconnected seller's are never read, and a new connection reads afresh (src/context/seller-link.ts).
  // Its subscribers hear of it, and those acting for the connected seller end (src/schema/subscriptions.ts).
  'oauth.authorization.revoked': on(serialization.OauthAuthorizationRevokedEvent, (event) => {
    const merchantId = idIn(event.merchantId);
    return { stale: [], ...(merchantId ? { live: { objectId: merchantId } } : {}) };
  }),
};
