import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import type { Gateway } from '../../src/gateway/server.js';
import { SqliteEventStore } from '../../src/store/index.js';
import { CustomerOverviewDocument } from '../gql/graphql.js';
import { createTestGateway, useGateway } from '../support/gateway.js';
import { REDIS_URL, testPrefix } from '../support/redis.js';
import { WAIT } from '../support/waiting.js';

const logging = false;
const key = generateKey('health-test', ['CUSTOMERS_READ']);
const stack = useGateway({ webhooks: true, apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [key.entry] }), 'test keys'), logging });

const probe = async (gatewayUrl: string, path: string, method = 'GET') => {
  const response = await fetch(new URL(path, gatewayUrl), { method });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? (JSON.parse(text) as unknown) : undefined };
};

/** A gateway of its own for one test, closed (with its store) afterwards. */
async function withGateway<T>(
  squareBaseUrl: string,
  options: Parameters<typeof createTestGateway>[1],
  use: (url: string, store: SqliteEventStore) => Promise<T>,
): Promise<T> {
  const store = new SqliteEventStore(':memory:');
  const gateway: Gateway = createTestGateway(squareBaseUrl, { logging, ...options }, store);
  try {
    return await use(await gateway.listen(), store);
  } finally {
    await gateway.close();
    await store.close();
  }
}

/** A port nothing listens on: Square (or Redis) down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('GET /healthz', () => {
  it('says the process is alive, without a key where /graphql wants one, and with no data', async () => {
    expect((await stack.gql(CustomerOverviewDocument, { first: 1, ordersFirst: 1 })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const alive = await probe(stack.url, '/healthz');
    expect(alive.status).toBe(200);
    expect(alive.body).toEqual({ status: 'ok' });
    expect(alive.headers.get('cache-control')).toBe('no-store');
    const head = await probe(stack.url, '/healthz', 'HEAD');
    expect([head.status, head.text]).toEqual([200, '']);
  });
});

describe('GET /readyz', () => {
  it('is ready when the event store and Square answer, and spends no Square call on it', async () => {
    await stack.clearCalls();
    const ready = await probe(stack.url, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { eventStore: 'ok', square: 'ok' } });
    expect(await stack.calls()).toEqual([]);
  });

  it('answers 503 "draining" once the gateway closes, serving on for the drain delay, then takes no connection', async () => {
    const gateway = createTestGateway(stack.emulatorUrl, { logging });
    const url = await gateway.listen();
    expect((await probe(url, '/readyz')).status).toBe(200);
    const closing = gateway.close({ drainDelayMs: 600 });
    const draining = await probe(url, '/readyz');
    expect([draining.status, draining.body]).toEqual([503, { status: 'draining' }]);
    // Still serving meanwhile: requests the balancer sent before it noticed are answered.
    expect((await probe(url, '/healthz')).status).toBe(200);
    const served = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(await served.json()).toMatchObject({ data: { __typename: 'Query' } });
    await closing;
    await expect(probe(url, '/readyz')).rejects.toThrow();
  });

  it('names Square when it cannot be reached', async () => {
    await withGateway(`http://127.0.0.1:${await closedPort()}`, {}, async (url) => {
      const unready = await probe(url, '/readyz');
      expect(unready.status).toBe(503);
      expect(unready.body).toEqual({ status: 'unready', checks: { eventStore: 'ok', square: 'unreachable' } });
    });
  });

  it('names the event store when it fails', async () => {
    await withGateway(stack.emulatorUrl, {}, async (url, store) => {
      await store.close();
      const unready = await probe(url, '/readyz');
      expect(unready.status).toBe(503);
      expect(unready.body).toEqual({ status: 'unready', checks: { eventStore: 'unreachable', square: 'ok' } });
    });
  });

  it('asks Square at most once per 10 s, without any token, however often it is probed', async () => {
    const seen: Array<{ method: string | undefined; headers: IncomingHttpHeaders }> = [];
    const square: Server = createServer((request, response) => {
      seen.push({ method: request.method, headers: request.headers });
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => square.listen(0, '127.0.0.1', resolve));
    try {
      await withGateway(`http://127.0.0.1:${(square.address() as AddressInfo).port}`, {}, async (url) => {
        const probes = await Promise.all([1, 2, 3].map(() => probe(url, '/readyz')));
        probes.push(await probe(url, '/readyz'));
        expect(probes.map((p) => p.status)).toEqual([200, 200, 200, 200]);
      });
    } finally {
      await new Promise((resolve) => square.close(resolve));
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('HEAD');
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('names Redis, and each use of it falling back, when it cannot be reached, and never shows its URL', async () => {
    const redisUrl = `redis://:s3cret@127.0.0.1:${await closedPort()}`;
    await withGateway(stack.emulatorUrl, { redisUrl }, async (url) => {
      const unready = await probe(url, '/readyz');
      expect(unready.status).toBe(503);
      expect(unready.body).toEqual({
        status: 'unready',
        checks: { eventStore: 'ok', redis: 'unreachable', square: 'ok' },
        degraded: { budget: 'unreachable', liveUpdates: 'unreachable', persistedQueries: 'unreachable' },
      });
      expect(unready.text).not.toContain('s3cret');
    });
  });

  it.skipIf(!REDIS_URL)('is ready once its Redis connection is', async () => {
    await withGateway(stack.emulatorUrl, { redisUrl: REDIS_URL, pubsubPrefix: testPrefix() }, async (url) => {
      const ready = await vi.waitUntil(async () => {
        const answer = await probe(url, '/readyz');
        return answer.status === 200 && answer;
      }, WAIT);
      expect(ready.body).toEqual({ status: 'ready', checks: { eventStore: 'ok', redis: 'ok', square: 'ok' } });
    });
  });
});
