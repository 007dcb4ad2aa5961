import { SquareClient } from 'square';
import { squareFetcher } from './fetcher.js';
export interface SquareConnection {
  /** Square's API root: production, sandbox, or any Square-compatible server such as the emulator. */
  baseUrl: string;
  /** How long Square has to answer one attempt at a call (SQUARE_TIMEOUT_SECONDS): budgetedFetch times each attempt. */
  timeoutInSeconds: number;
}

/**
 * One SDK client per seller token; the gateway never shares a client between tokens.
 * The SDK itself never retries: its retries would bypass the seller's budget and repeat
 * writes that are not safe to repeat. `fetch` (see budgeted-fetch.ts) retries what is safe.
 * Its calls go through the gateway's fetcher (fetcher.ts), which parses Square's JSON with
 * the engine's parser and applies no timeout of the SDK's: that one would run from the
 * start of a call, through its wait for the seller's budget and the pauses between its
 * retries, and time out calls Square never saw; `fetch` times each attempt and ends every
 * call at the request's deadline.
 */
export function createSquareClient(baseUrl: string, token: string, fetch: typeof globalThis.fetch): SquareClient {
  return new SquareClient({
    token,
    baseUrl,
    maxRetries: 0,
    fetch,
    fetcher: squareFetcher,
  });
}

export const SQUARE_BASE_URLS = {
  production: 'https://connect.squareup.com',
  sandbox: 'https://connect.squareupsandbox.com',
} as const;
