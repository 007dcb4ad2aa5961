import { SquareClient } from 'square';
export interface SquareConnection {
  /** Square's API root: production, sandbox, or any Square-compatible server such as the emulator. */
  baseUrl: string;
  timeoutInSeconds: number;
}

/**
 * One SDK client per seller token; the gateway never shares a client between tokens.
 * The SDK itself never retries: its retries would bypass the seller's budget and repeat
 * writes that are not safe to repeat. `fetch` (see budgeted-fetch.ts) retries what is safe.
 */
export function createSquareClient(connection: SquareConnection, token: string, fetch: typeof globalThis.fetch): SquareClient {
  return new SquareClient({
    token,
    baseUrl: connection.baseUrl,
    timeoutInSeconds: connection.timeoutInSeconds,
    maxRetries: 0,
    fetch,
  });
}

export const SQUARE_BASE_URLS = {
  production: 'https://connect.squareup.com',
  sandbox: 'https://connect.squareupsandbox.com',
} as const;
