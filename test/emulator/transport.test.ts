import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { sendRaw } from '../support/raw-http.js';

const square = useEmulator();

describe('Square transport conventions', () => {
  it('answers 401 UNAUTHORIZED without a bearer token', async () => {
    const res = await square.raw('GET', '/v2/locations', { token: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail: expect.any(String) }],
    });
  });

  it('answers 400 for a malformed JSON body', async () => {
    const res = await square.raw('POST', '/v2/customers', { body: '{"given_name": ' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST' });
  });

  it('answers 404 with Square error body for an unknown endpoint', async () => {
    const res = await square.raw('GET', '/v2/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.errors[0]).toMatchObject({ code: 'NOT_FOUND', detail: 'No such endpoint: GET /v2/nowhere' });
  });

  it('answers Square’s paths it does not emulate as unknown endpoints, not as an id an emulated route did not find', async () => {
    for (const api of ['locations', 'merchants', 'orders']) {
      const res = await square.raw('GET', `/v2/${api}/custom-attribute-definitions?limit=5`);
      expect(res.status, api).toBe(404);
      expect(res.body.errors).toEqual([
        { category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `No such endpoint: GET /v2/${api}/custom-attribute-definitions` },
      ]);
    }
  });
});

describe('control plane', () => {
  it('logs Square calls with method, path, status and time, and clears the log', async () => {
    await fetch(`${square.url}/_emulator/requests`, { method: 'DELETE' });
    await square.client('log-token').locations.list();
    await square.raw('GET', '/v2/locations/LNOPE', { token: 'log-token' });
    const { requests } = (await (await fetch(`${square.url}/_emulator/requests`)).json()) as { requests: any[] };
    expect(requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/v2/locations', 200],
      ['GET', '/v2/locations/LNOPE', 404],
    ]);
    expect(Date.parse(requests[0].at)).not.toBeNaN();
    await fetch(`${square.url}/_emulator/requests`, { method: 'DELETE' });
    const after = (await (await fetch(`${square.url}/_emulator/requests`)).json()) as { requests: unknown[] };
    expect(after.requests).toEqual([]);
  });

  it('injects a 429 with Retry-After a given number of times, which the SDK retries through', async () => {
    const fault = await fetch(`${square.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/v2/locations', method: 'GET', status: 429, retry_after_seconds: 0, count: 1 }),
    });
    expect(fault.status).toBe(200);
    const first = await square.raw('GET', '/v2/locations');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('0');
    expect(first.body.errors[0]).toMatchObject({ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED' });
    expect((await square.raw('GET', '/v2/locations')).status).toBe(200);
  });

  it('applies faults, auth and the request log to Square’s API alone, never to the control plane', async () => {
    await fetch(`${square.url}/_emulator/requests`, { method: 'DELETE' });
    await fetch(`${square.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/**', status: 503 }),
    });
    expect((await square.raw('GET', '/v2/locations')).status).toBe(503);
    const stats = await fetch(`${square.url}/_emulator/stats`);
    expect(stats.status).toBe(200);
    expect(stats.headers.get('square-version')).toBeNull();
    const cleared = await fetch(`${square.url}/_emulator/faults`, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    const { requests } = (await (await fetch(`${square.url}/_emulator/requests`)).json()) as { requests: any[] };
    expect(requests.map((r) => [r.path, r.status])).toEqual([['/v2/locations', 503]]);
  });

  it('adds injected latency to matching calls', async () => {
    await fetch(`${square.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/v2/locations/*', latency_ms: 150, count: 1 }),
    });
    const started = performance.now();
    await square.raw('GET', '/v2/locations/main');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    await fetch(`${square.url}/_emulator/faults`, { method: 'DELETE' });
  });

  it('reports its memory and what it keeps', async () => {
    const stats = (await (await fetch(`${square.url}/_emulator/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ rss_bytes: expect.any(Number), heap_used_bytes: expect.any(Number), requests_logged: expect.any(Number) });
  });

  it('rejects a malformed fault with a typed error', async () => {
    const res = await fetch(`${square.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 999 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ field: string }> };
    expect(body.errors.map((e) => e.field).sort()).toEqual(['path', 'status']);
  });
});

describe('a request that stalls', () => {
  const slow = useEmulator({ requestTimeoutMs: 500 });

  it('gets 408 and its connection closed, whether its headers or its body stop coming', async () => {
    const port = Number(new URL(slow.url).port);
    const heads = ['GET /v2/locations HTTP/1.1\r\nhost: 127.0.0.1\r\n', 'POST /v2/customers HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer stall-test\r\ncontent-type: application/json\r\ncontent-length: 50\r\n\r\n{"given'];
    const answers = await Promise.all(heads.map((head) => sendRaw(port, head)));
    for (const { response, elapsedMs } of answers) {
      expect(response).toMatch(/^HTTP\/1\.1 408 /);
      expect(elapsedMs).toBeLessThan(10_000);
    }
  });
});
