import { describe, expect, it } from 'vitest';
import { useGateway } from '../support/gateway.js';
import { sendRaw } from '../support/raw-http.js';

const MiB = 1024 * 1024;
/** A valid operation padded with spaces to `bytes` in all. */
const padded = (bytes: number) => {
  const body = JSON.stringify({ query: '{ __typename }' });
  return body.slice(0, -1) + ' '.repeat(bytes - body.length) + '}';
};

const post = (url: string, body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);

/** A body sent in chunks, with no content-length, as a client streaming it would. */
function streamed(bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      const size = Math.min(64 * 1024, left);
      left -= size;
      if (size > 0) controller.enqueue(new Uint8Array(size).fill(0x20));
      else controller.close();
    },
  });
}

describe('request body limit (MAX_BODY_BYTES, 1 MiB by default)', () => {
  const stack = useGateway();

  it('serves an operation of exactly 1 MiB', async () => {
    const response = await post(stack.url, padded(MiB));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('refuses a larger body, declared or streamed, with 413 PAYLOAD_TOO_LARGE', async () => {
    for (const body of [padded(MiB + 1), streamed(MiB + 64 * 1024)]) {
      const response = await post(stack.url, body);
      expect(response.status).toBe(413);
      const result = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(result.errors).toEqual([{ message: `The request body exceeds ${MiB} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }]);
    }
  });
});

describe('a configured body limit', () => {
  const stack = useGateway({ webhooks: true, gateway: { maxBodyBytes: 2048 } });

  it('holds for /graphql and the webhook receiver alike', async () => {
    expect((await post(stack.url, padded(2048))).status).toBe(200);
    const graphql = await post(stack.url, padded(2049));
    expect(graphql.status).toBe(413);
    const webhook = await post(new URL('/webhooks/square', stack.url).href, JSON.stringify({ padding: 'x'.repeat(3000) }));
    expect(webhook.status).toBe(413);
    expect(await webhook.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The body exceeds 2048 bytes.' } });
  });
});


describe('slow requests (BODY_TIMEOUT_MS)', () => {
  const BODY_TIMEOUT_MS = 500;
  const stack = useGateway({ webhooks: true, gateway: { bodyTimeoutMs: BODY_TIMEOUT_MS } });
  const port = () => Number(new URL(stack.url).port);
  const body = JSON.stringify({ query: '{ __typename }' });

  it('answers a /graphql body that stops mid-way with 408 BODY_TIMEOUT and closes the connection', async () => {
    const { response, elapsedMs } = await sendRaw(
      port(),
      `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(response).toContain('"code":"BODY_TIMEOUT"');
    expect(elapsedMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 20);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('answers a streamed (chunked) body that stops with 408 BODY_TIMEOUT', async () => {
    const { response } = await sendRaw(
      port(),
      `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n${body.slice(0, 5)}\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(response).toContain('"code":"BODY_TIMEOUT"');
  });

  it('closes connections whose headers never end, on every route, all of them', async () => {
    const heads = ['POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\n', 'GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: 1', 'POST /webhooks/square HTTP/1.1\r\n'];
    const stalled = await Promise.all(Array.from({ length: 60 }, (_, i) => sendRaw(port(), heads[i % heads.length]!)));
    for (const { response, elapsedMs } of stalled) {
      expect(response).toMatch(/^HTTP\/1\.1 408 /);
      expect(elapsedMs).toBeLessThan(10_000);
    }
  });

  it('still serves a request sent in time, beside the stalled ones', async () => {
    const stalled = sendRaw(port(), 'POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    expect((await post(stack.url, body)).status).toBe(200);
    await stalled;
  });
});
