import { SquareClient, SquareError } from 'square';
import type { SquareConnection } from './client.js';
import { squareFetch } from './transport.js';

/** The gateway's application at Square, whose sellers connect through OAuth (SQUARE_APPLICATION_ID, SQUARE_APPLICATION_SECRET). */
export interface SquareApplication {
  id: string;
  /** A confidential client's secret; a public (PKCE) client has none. */
  secret?: string | undefined;
}

/**
 * RevokeToken for one seller, made with the application's credentials (`Authorization: Client <secret>`):
 * every access and refresh token of the seller's authorization ends. A seller who no longer
 * authorizes the application (Square: 404, it revoked at its side already) needs nothing more.
 * Made outside every seller's budget: it is the application's call, not the seller's.
 */
export function authorizationRevoker(connection: SquareConnection, application: Required<SquareApplication>): (merchantId: string) => Promise<void> {
  // The SDK wants a token for its bearer header; this call's Authorization header replaces it.
  const client = new SquareClient({ token: application.secret, baseUrl: connection.baseUrl, timeoutInSeconds: connection.timeoutInSeconds, maxRetries: 0, fetch: squareFetch });
  return async (merchantId) => {
    try {
      await client.oAuth.revokeToken({ clientId: application.id, merchantId }, { headers: { Authorization: `Client ${application.secret}` } });
    } catch (error) {
      if (error instanceof SquareError && error.statusCode === 404) return;
      throw error;
    }
  };
}
