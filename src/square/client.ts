import { SquareClient } from 'square';
import { squareFetch } from './transport.js';

export interface SquareConnection {
  /** Square's API root: production, sandbox, or any Square-compatible server such as the emulator. */
  baseUrl: string;
  timeoutInSeconds: number;
  /**
   * How often the SDK retries a read answered with 408, 429 or 5xx. Writes pass `maxRetries: 0`
   * per request, and the gateway sends one again only when that cannot take effect twice
   * (src/schema/mutations/write.ts), up to this many times.
   */
  maxRetries: number;
}

/** One SDK client per seller token; the gateway never shares a client between tokens. */
export function createSquareClient(connection: SquareConnection, token: string): SquareClient {
  return new SquareClient({
    token,
    baseUrl: connection.baseUrl,
    timeoutInSeconds: connection.timeoutInSeconds,
    maxRetries: connection.maxRetries,
    fetch: squareFetch,
  });
}

export const SQUARE_BASE_URLS = {
  production: 'https://connect.squareup.com',
  sandbox: 'https://connect.squareupsandbox.com',
} as const;
