import { SquareClient } from 'square';
import { squareFetch } from './transport.js';

export interface SquareConnection {
  /** Square's API root: production, sandbox, or any Square-compatible server such as the emulator. */
  baseUrl: string;
  timeoutInSeconds: number;
  /** The SDK retries 408, 429 and 5xx itself (POST included); every write carries an idempotency key. */
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
