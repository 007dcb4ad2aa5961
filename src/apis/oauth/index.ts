import type { SquareApi } from '../api.js';
import { events } from './events.js';
import './seller.js';
import './mutations.js';

/**
 * Square's OAuth API in the graph: the sellers connected to the gateway (the seller vault,
 * src/vault), which a partner API key acts for, and their disconnection (RevokeToken, made
 * with the application's credentials: no seller's scope applies).
 */
export const oauth: SquareApi = { reads: 'the sellers connected through Square OAuth', writes: 'the connections of sellers to the gateway', events };
