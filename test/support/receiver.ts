import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A delivery as a partner's receiver got it. */
export interface Received {
  /** The path and query it was POSTed to: each subscription of a test has a URL of its own. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  payload: { id: string; topic: string; merchantId: string; createdAt: string; squareEvent: { id: string; type: string } | null; data: any; errors?: unknown[] };
  at: number;
}

/**
 * A partner's webhook receiver on loopback: it keeps every delivery it took (2xx) and answers
 * `status` (200 by default; a 5xx while it is "down", whose deliveries it does not keep).
 */
export interface TestReceiver {
  url: string;
  received: Received[];
  /** Requests answered with a failure while down. */
  refused: number;
  status: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<TestReceiver> {
  const receiver: TestReceiver = { url: '', received: [], refused: 0, status: 200, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (receiver.status >= 200 && receiver.status < 300) {
        receiver.received.push({ path: request.url ?? '', headers: request.headers, body, payload: JSON.parse(body) as Received['payload'], at: performance.now() });
      } else receiver.refused++;
      response.writeHead(receiver.status, { 'content-type': 'text/plain' }).end(receiver.status < 300 ? 'ok' : `down ${'x'.repeat(1000)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}
