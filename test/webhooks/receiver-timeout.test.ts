import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/gateway/server.js';
import { SqliteEventStore, type EventStore } from '../../src/store/index.js';
import { webhookSignature } from '../../src/webhooks/index.js';
import { NO_SQUARE } from '../support/gateway.js';
import { sendRaw } from '../support/raw-http.js';

const KEY = 'test-signature-key';
const NOTIFICATION_URL = 'https://gateway.example.com/webhooks/square';
const BODY_TIMEOUT_MS = 300;

/** Sends the head of a POST and `sent` of its body, then waits for whatever the server answers. */
function trickle(port: number, body: string, sent: number) {
  return sendRaw(
    port,
    `POST /webhooks/square HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `x-square-hmacsha256-signature: ${webhookSignature(KEY, NOTIFICATION_URL, Buffer.from(body))}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, sent)}`,
  );
}

describe('a webhook body that arrives too slowly', () => {
  let store: EventStore;
  let gateway: Gateway;
  let port: number;

  beforeAll(async () => {
    store = new SqliteEventStore(':memory:');
    gateway = createGateway({
      ...NO_SQUARE,
      webhooks: { store, signatureKey: KEY, notificationUrl: NOTIFICATION_URL, bodyTimeoutMs: BODY_TIMEOUT_MS },
    });
    port = Number(new URL(await gateway.listen()).port);
  });
  afterAll(async () => {
    await gateway?.close();
    await store?.close();
  });

  it('gets 408 once the body timeout passes, and nothing is stored', async () => {
    const event = { merchant_id: 'MERCHANT1', type: 'customer.created', event_id: 'slow-event', data: {} };
    const { response, elapsedMs } = await trickle(port, JSON.stringify(event), 20);
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(response).toContain('BODY_TIMEOUT');
    expect(elapsedMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 20);
    expect(elapsedMs).toBeLessThan(5_000);
    expect(await store.event('slow-event')).toBeUndefined();
  });

  it('still takes a whole body sent in time', async () => {
    const event = { merchant_id: 'MERCHANT1', type: 'customer.created', event_id: 'quick-event', data: {} };
    const body = JSON.stringify(event);
    const { response } = await trickle(port, body, body.length);
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(await store.event('quick-event')).toBeDefined();
  });
});
