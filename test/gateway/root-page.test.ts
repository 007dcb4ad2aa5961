import { describe, expect, it } from 'vitest';
import { useGateway } from '../support/gateway.js';

const stack = useGateway();

describe('GET /', () => {
  it('sends a browser to GraphiQL at /graphql and tells curl where the endpoint is', async () => {
    const root = new URL('/', stack.url);
    const response = await fetch(root, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/graphql');
    expect(await response.text()).toContain('/graphql');

    const followed = await fetch(root, { headers: { accept: 'text/html' } });
    expect(followed.url).toBe(stack.url);
    expect(await followed.text()).toContain('GraphiQL');
  });

  it('leaves other paths and methods as they were', async () => {
    expect((await fetch(new URL('/', stack.url), { method: 'POST' })).status).toBe(404);
    expect((await fetch(new URL('/nothing-here', stack.url))).status).toBe(404);
  });
});
