import { afterAll, describe, expect, it } from 'vitest';
import { gatewayConfig } from '../../src/gateway/config.js';
import type { CorsPolicy } from '../../src/gateway/cors.js';
import { createGateway, type Gateway } from '../../src/gateway/server.js';
import { NO_SQUARE } from '../support/gateway.js';

const gateways: Gateway[] = [];
afterAll(() => Promise.all(gateways.map((g) => g.close())));

/** A gateway with `cors` (Square is never called here); returns its /graphql URL. */
async function gatewayWith(cors: CorsPolicy | undefined): Promise<string> {
  const gateway = createGateway({
    ...NO_SQUARE,
    cors,
  });
  gateways.push(gateway);
  return gateway.listen();
}

/** The CORS headers of a preflight and of the request it announces, from `origin`. */
async function corsHeaders(url: string, origin: string) {
  const preflight = await fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' },
  });
  const actual = await fetch(url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  const pick = (response: Response) => ({
    origin: response.headers.get('access-control-allow-origin'),
    credentials: response.headers.get('access-control-allow-credentials'),
  });
  return { preflight: pick(preflight), actual: pick(actual) };
}

const NONE = { origin: null, credentials: null };

describe('CORS', () => {
  it('allows no other origin without a policy (outside demo mode by default)', async () => {
    const url = await gatewayWith(undefined);
    expect(await corsHeaders(url, 'https://evil.example')).toEqual({ preflight: NONE, actual: NONE });
    expect(await corsHeaders(url, 'http://localhost:3000')).toEqual({ preflight: NONE, actual: NONE });
  });

  it('answers an allowed origin with itself and credentials, and any other with nothing', async () => {
    const url = await gatewayWith({ origins: ['https://app.example.com', 'https://admin.example.com'] });
    const allowed = { origin: 'https://admin.example.com', credentials: 'true' };
    expect(await corsHeaders(url, 'https://admin.example.com')).toEqual({ preflight: allowed, actual: allowed });
    expect(await corsHeaders(url, 'https://evil.example')).toEqual({ preflight: NONE, actual: NONE });
    expect(await corsHeaders(url, 'http://localhost:3000')).toEqual({ preflight: NONE, actual: NONE });
  });

  it('answers * to every origin without credentials', async () => {
    const url = await gatewayWith({ origins: '*' });
    const open = { origin: 'https://anyone.example', credentials: null };
    expect(await corsHeaders(url, 'https://anyone.example')).toEqual({ preflight: open, actual: open });
  });

  it("allows this machine's origins in demo mode, and still no other", async () => {
    const url = await gatewayWith({ origins: [], loopback: true });
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:4000', 'http://[::1]:5173']) {
      const allowed = { origin, credentials: 'true' };
      expect(await corsHeaders(url, origin)).toEqual({ preflight: allowed, actual: allowed });
    }
    expect(await corsHeaders(url, 'https://evil.example')).toEqual({ preflight: NONE, actual: NONE });
    expect(await corsHeaders(url, 'http://localhost.evil.example')).toEqual({ preflight: NONE, actual: NONE });
  });

  it('reads CORS_ORIGINS as *, or a list of exact origins, and refuses anything else', () => {
    expect(gatewayConfig({}).corsOrigins).toEqual([]);
    expect(gatewayConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(gatewayConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:3000' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:3000',
    ]);
    expect(() => gatewayConfig({ CORS_ORIGINS: 'https://app.example.com/' })).toThrow(/CORS_ORIGINS must be/);
    expect(() => gatewayConfig({ CORS_ORIGINS: 'app.example.com' })).toThrow(/CORS_ORIGINS must be/);
  });
});
