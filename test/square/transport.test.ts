import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { squareFetch } from '../../src/square/transport.js';

describe("the Square transport's answer headers", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/repeated') response.setHeader('x-seen', ['first', 'second']);
      response.setHeader('content-type', 'application/json');
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('keeps each header sent once as it came', async () => {
    const response = await squareFetch(`${url}/once`);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-seen')).toBeNull();
    expect(await response.text()).toBe('{}');
  });

  it('keeps every value of a header sent more than once, as Headers.append does', async () => {
    const response = await squareFetch(`${url}/repeated`);
    expect(response.headers.get('x-seen')).toBe('first, second');
    expect(response.headers.get('content-type')).toBe('application/json');
  });
});
