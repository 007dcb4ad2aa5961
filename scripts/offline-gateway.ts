import type { GatewayOptions } from '../src/gateway/server.js';

/**
 * A gateway that is never to call Square, built by a script for what it checks of documents
 * (the schema it serves, the checks a document meets): its Square is the discard port.
 */
export const OFFLINE_GATEWAY = {
  authMode: 'server',
  squareToken: 'unused',
  squareBaseUrl: 'http://127.0.0.1:9',
  squareTimeoutSeconds: 1,
  squareMaxRetries: 0,
  squareRatePerSecond: 1,
  squareBurst: 1,
  requestDeadlineMs: 1_000,
  locationsTtlMs: 0,
  logging: false,
} as const satisfies GatewayOptions;
