import { randomUUID } from 'node:crypto';
import { SquareClient } from 'square';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { DEFAULT_SQUARE_VERSION } from '../../src/emulator/plumbing/square-version.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import { conformanceProblems } from './conformance.js';

/** A fetch that passes every call through unchanged and records responses that break Square's schema. */
function conformingFetch(problems: string[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const text = await response.clone().text();
    const method = (init?.method ?? 'GET').toUpperCase();
    problems.push(...conformanceProblems(method, url.pathname, response.status, text ? JSON.parse(text) : undefined));
    return response;
  };
}

export interface TestEmulator {
  emulator: Emulator;
  url: string;
  /** An SDK client for `token` (a fresh merchant when omitted); responses are checked against the schema. */
  client(token?: string, options?: { maxRetries?: number }): SquareClient;
  /**
   * A raw JSON call, for what the SDK will not send (malformed bodies, missing tokens, another Square-Version).
   * Answers in a Square-Version other than the SDK's have no SDK schema to be checked against.
   */
  raw(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; version?: string },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  problems: string[];
}

/**
 * Starts a fresh emulator for the test file (no demo data unless asked) and fails any
 * test during which a response did not match the SDK's schema for its endpoint.
 */
export function useEmulator(options: EmulatorOptions = {}): TestEmulator {
  const handle = { problems: [] as string[] } as TestEmulator;
  beforeAll(async () => {
    handle.emulator = await createEmulator({ seed: false, ...options });
    handle.url = await handle.emulator.listen();
  });
  afterAll(async () => {
    await handle.emulator?.close();
  });
  afterEach(() => {
    expect(handle.problems.splice(0)).toEqual([]);
  });
  handle.client = (token = `test-${randomUUID()}`, clientOptions = {}) =>
    new SquareClient({ token, baseUrl: handle.url, fetch: conformingFetch(handle.problems), maxRetries: clientOptions.maxRetries ?? 0 });
  handle.raw = async (method, path, { token = 'raw-token', body, version } = {}) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (version !== undefined) headers['square-version'] = version;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(handle.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    const sdkShapes = version === undefined || version === DEFAULT_SQUARE_VERSION;
    if (path.startsWith('/v2/') && sdkShapes) handle.problems.push(...conformanceProblems(method, path.split('?')[0]!, response.status, parsed));
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return handle;
}
