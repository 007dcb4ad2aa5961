import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhooksHelper } from 'square';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook, WebhookDispatcher } from '../../src/emulator/plumbing/webhooks.js';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver that fails the first `failFirst` deliveries with 503. */
function receiver() {
  const deliveries: Delivery[] = [];
  let failFirst = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (failFirst > 0) {
        failFirst--;
        res.writeHead(503).end();
      } else res.writeHead(200).end();
    });
  });
  return {
    deliveries,
    server,
    failNext: (n: number) => (failFirst = n),
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/square`,
  };
}

describe('webhook signing', () => {
  it('matches the documented check vector', () => {
    expect(signWebhook('asdf1234', 'https://example.com/webhook', '{"hello":"world"}')).toBe(
      '2kRE5qRU2tR+tBGlDwMEw2avJ7QM4ikPYD/PJ3bd9Og=',
    );
  });
});

describe('webhook delivery', () => {
  const hook = receiver();
  let dispatcher: WebhookDispatcher;

  beforeAll(async () => {
    await new Promise<void>((resolve) => hook.server.listen(0, '127.0.0.1', resolve));
    dispatcher = new WebhookDispatcher({ url: hook.url(), signatureKey: 'test-key', retryBaseMs: 20, maxAttempts: 4 });
  });
  afterAll(() => {
    dispatcher.close();
    hook.server.close();
  });

  it('posts a Square envelope that the SDK verifies, with Square delivery headers', async () => {
    hook.deliveries.length = 0;
    const event = dispatcher.emit({
      merchantId: 'MLTEST',
      type: 'customer.created',
      id: 'CUST1',
      object: { customer: { id: 'CUST1' } },
    })!;
    await expect.poll(() => hook.deliveries.length).toBe(1);
    const [delivery] = hook.deliveries;
    const body = JSON.parse(delivery!.body);
    expect(body).toEqual({
      merchant_id: 'MLTEST',
      type: 'customer.created',
      event_id: event.event_id,
      created_at: event.created_at,
      data: { type: 'customer', id: 'CUST1', object: { customer: { id: 'CUST1' } } },
    });
    expect(delivery!.headers['square-environment']).toBe('Sandbox');
    expect(delivery!.headers['square-initial-delivery-timestamp']).toBeDefined();
    expect(delivery!.headers['square-retry-number']).toBeUndefined();
    const verified = await WebhooksHelper.verifySignature({
      requestBody: delivery!.body,
      signatureHeader: String(delivery!.headers['x-square-hmacsha256-signature']),
      signatureKey: 'test-key',
      notificationUrl: hook.url(),
    });
    expect(verified).toBe(true);
    const tampered = await WebhooksHelper.verifySignature({
      requestBody: delivery!.body.replace('CUST1', 'CUST2'),
      signatureHeader: String(delivery!.headers['x-square-hmacsha256-signature']),
      signatureKey: 'test-key',
      notificationUrl: hook.url(),
    });
    expect(tampered).toBe(false);
  });

  it('marks deleted objects', async () => {
    hook.deliveries.length = 0;
    dispatcher.emit({ merchantId: 'M', type: 'customer.deleted', id: 'C', object: { customer: { id: 'C' } }, deleted: true });
    await expect.poll(() => hook.deliveries.length).toBe(1);
    expect(JSON.parse(hook.deliveries[0]!.body).data).toMatchObject({ type: 'customer', id: 'C', deleted: true });
  });

  it('retries failed deliveries with the same body, numbering each retry and giving the reason', async () => {
    hook.deliveries.length = 0;
    hook.failNext(2);
    dispatcher.emit({ merchantId: 'M', type: 'payment.updated', id: 'P', object: { payment: { id: 'P' } } });
    await expect.poll(() => hook.deliveries.length).toBe(3);
    expect(new Set(hook.deliveries.map((d) => d.body)).size).toBe(1);
    expect(hook.deliveries.map((d) => d.headers['square-retry-number'])).toEqual([undefined, '1', '2']);
    expect(hook.deliveries[1]!.headers['square-retry-reason']).toBe('http_error_503');
    const firstAt = hook.deliveries.map((d) => d.headers['square-initial-delivery-timestamp']);
    expect(new Set(firstAt).size).toBe(1);
  });

  it('gives up after the configured number of attempts', async () => {
    hook.deliveries.length = 0;
    hook.failNext(10);
    dispatcher.emit({ merchantId: 'M', type: 'payment.updated', id: 'P2' });
    await expect.poll(() => hook.deliveries.length).toBe(4);
    await new Promise((r) => setTimeout(r, 300));
    expect(hook.deliveries).toHaveLength(4);
    hook.failNext(0);
  });

  it('emits nothing while silenced, as for the demo seed', async () => {
    hook.deliveries.length = 0;
    const before = dispatcher.events().length;
    await dispatcher.silently(() => dispatcher.emit({ merchantId: 'M', type: 'customer.created', id: 'X' }));
    await new Promise((r) => setTimeout(r, 50));
    expect(hook.deliveries).toHaveLength(0);
    expect(dispatcher.events()).toHaveLength(before);
  });
});
