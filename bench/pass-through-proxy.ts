import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { squareFetch } from '../src/square/transport.js';

/**
 * The write benchmark's control: a bare Node process that forwards each request to
 * Square unchanged, over the gateway's own transport. What it adds is the cost of one
 * more process hop on this machine, with no GraphQL and no SDK in it.
 */
const upstream = process.env.UPSTREAM_URL!;
const server = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const answer = await squareFetch(upstream + request.url, {
    method: request.method,
    headers: { 'content-type': 'application/json', authorization: request.headers.authorization ?? '' },
    body: Buffer.concat(chunks),
  });
  response.writeHead(answer.status, { 'content-type': 'application/json' });
  response.end(await answer.text());
});
server.listen(0, '127.0.0.1', () => console.log(`pass-through proxy on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
