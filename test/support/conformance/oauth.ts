import type { ResponseRoute } from './types.js';

/** Square's OAuth API, outside `/v2`. */
export const oauthRoutes: ResponseRoute[] = [
  ['POST', '/oauth2/token', 'ObtainTokenResponse'],
  ['POST', '/oauth2/token/status', 'RetrieveTokenStatusResponse'],
  ['POST', '/oauth2/revoke', 'RevokeTokenResponse'],
];
