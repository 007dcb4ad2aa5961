import { SquareClient } from 'square';
import { squareFetcher } from './fetcher.js';
import { squareReader, type SquareReader } from './reader.js';
import { headerRecord } from './transport.js';

/**
 * The Square-Version the gateway is written against, whose shapes it reads and writes: the one the `square` SDK
 * it is built with sends. Pinned here rather than left to the SDK, so that an upgraded SDK cannot move the
 * gateway to another version unseen: test/square/square-version.test.ts fails until the pin is moved with it,
 * after reading that version's breaking changes. SQUARE_VERSION overrides it.
 */
export const SQUARE_VERSION = '2026-09-16';

export interface SquareConnection {
  /** Square's API root: production, sandbox, or any Square-compatible server such as the emulator. */
  baseUrl: string;
  /** How long Square has to answer one attempt at a call (SQUARE_TIMEOUT_SECONDS): budgetedFetch times each attempt. */
  timeoutInSeconds: number;
  /** The Square-Version every call carries (SQUARE_VERSION). */
  squareVersion: string;
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
export function createSquareClient(connection: SquareConnection, token: string, fetch: typeof globalThis.fetch): SquareClient {
  return new SquareClient({
    token,
    baseUrl: connection.baseUrl,
    maxRetries: 0,
    fetch: withSquareVersion(fetch, connection.squareVersion),
    fetcher: squareFetcher,
  });
}

/** The hot reads (reader.ts) for the same token and Square-Version over the same `fetch` as its SDK client. */
export function createSquareReader(connection: SquareConnection, token: string, fetch: typeof globalThis.fetch): SquareReader {
  return squareReader(connection.baseUrl, token, connection.squareVersion, fetch);
}

/**
 * The SDK writes each call's Square-Version from that call's own options, over whatever its client was
 * given (and types the option as its own version alone): the version is set on the way out instead.
 */
function withSquareVersion(fetch: typeof globalThis.fetch, version: string): typeof globalThis.fetch {
  return (input, init = {}) => fetch(input, { ...init, headers: { ...headerRecord(init.headers), 'square-version': version } });
}

export const SQUARE_BASE_URLS = {
  production: 'https://connect.squareup.com',
  sandbox: 'https://connect.squareupsandbox.com',
} as const;
