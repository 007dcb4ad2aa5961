import type { VaultSeller } from '../../vault/types.js';
import { builder } from '../../schema/builder.js';

export const ConnectedSellerRef = builder.objectRef<VaultSeller>('ConnectedSeller');
