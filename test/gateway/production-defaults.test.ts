import { describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../src/gateway/csrf.js';
import { graphql } from '../gql/index.js';
import { useGateway } from '../support/gateway.js';

type Result = { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };

async function send(url: string, init: RequestInit) {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) as Result };
}

const MUTATION = 'mutation { createCustomer(input: { idempotencyKey: "csrf-1", givenName: "Mallory" }) { __typename } }';

describe('CSRF prevention', () => {
  const stack = useGateway();

  it('refuses a form POST and a text/plain POST from another site, running nothing', async () => {
    await stack.clearCalls();
    const form = await send(stack.url, { method: 'POST', body: new URLSearchParams({ query: MUTATION }) });
    expect(form.status).toBe(403);
    expect(form.json().errors?.[0]?.extensions?.code).toBe('CSRF_PREVENTED');
    const text = await send(stack.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: MUTATION }) });
    expect(text.status).toBe(403);
    expect(text.json().errors?.[0]?.extensions?.code).toBe('CSRF_PREVENTED');
    expect(await stack.calls()).toEqual([]);
  });

  it('asks a GET for the CSRF header, and serves JSON POSTs as every client sends them', async () => {
    const get = `${stack.url}?query=${encodeURIComponent('{ __typename }')}`;
    expect((await send(get, {})).status).toBe(403);
    const withHeader = await send(get, { headers: { [CSRF_HEADER]: '1' } });
    expect(withHeader.json()).toMatchObject({ data: { __typename: 'Query' } });
    const json = await send(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(json.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('lets a browser’s EventSource (a GET for an event stream, no header possible) subscribe', async () => {
    const url = `${stack.url}?query=${encodeURIComponent('subscription { paymentUpdated { squareId } }')}`;
    const response = await fetch(url, { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await response.body?.cancel();
  });
});

describe('introspection and GraphiQL, on by default', () => {
  const stack = useGateway();

  it('answers __schema, and serves GraphiQL to a browser', async () => {
    expect((await stack.gql(graphql(`query DefaultsQueryType { __schema { queryType { name } } }`))).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const page = await send(stack.url, { headers: { accept: 'text/html' } });
    expect([page.status, page.type]).toEqual([200, expect.stringMatching(/^text\/html/)]);
  });
});

describe('introspection and GraphiQL turned off (INTROSPECTION=false, GRAPHIQL=false)', () => {
  const stack = useGateway({ gateway: { introspection: false, graphiql: false } });

  it('refuses __schema and __type with INTROSPECTION_DISABLED, and keeps __typename', async () => {
    for (const query of [
      graphql(`query DefaultsSchemaTypes { __schema { types { name } } }`),
      graphql(`query DefaultsCustomerType { customers(first: 1) { __typename } __type(name: "Customer") { name } }`),
    ]) {
      const result = await stack.gql(query);
      expect(result.data).toBeUndefined();
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['INTROSPECTION_DISABLED']);
    }
    expect((await stack.gql(graphql(`query DefaultsTypename { __typename }`))).data).toEqual({ __typename: 'Query' });
  });

  it('suggests no field names, which would spell the schema out', async () => {
    const result = await stack.gql('{ customer(id: "x") { familyNam } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('suggests no field names in the errors of variables either', async () => {
    const result = await stack.gql(graphql(`mutation DefaultsMisspeltInput($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename } }`), {
      input: { idempotencyKey: 'k', givenNam: 'Ada' },
    });
    expect(result.errors).toEqual([
      {
        message: 'Variable "$input" got an invalid value: Field "givenNam" is not defined by type "CreateCustomerInput".',
        locations: expect.anything(),
        extensions: { code: 'BAD_USER_INPUT', field: 'input' },
      },
    ]);
  });

  it('leaves no trace of a suggestion in the messages of unknown arguments and types', async () => {
    const result = await stack.gql('query($first: Intt) { customers(firs: $first) { __typename } }');
    expect(result.errors?.map((e) => e.message)).toEqual(['Unknown type "Intt".', 'Unknown argument "firs" on field "Query.customers".']);
  });

  it('serves no GraphiQL page', async () => {
    const page = await send(stack.url, { headers: { accept: 'text/html' } });
    expect(page.type).not.toMatch(/text\/html/);
    expect(page.text).not.toMatch(/graphiql/i);
  });

  it('answers GET / with where the endpoint is, and neither sends anyone to GraphiQL nor mentions it', async () => {
    const root = await fetch(new URL('/', stack.url), { redirect: 'manual', headers: { accept: 'text/html' } });
    expect([root.status, root.headers.get('location')]).toEqual([200, null]);
    const text = await root.text();
    expect(text).toContain('/graphql');
    expect(text).not.toMatch(/graphiql/i);
  });
});

describe('response headers', () => {
  const stack = useGateway();

  it('mark every GraphQL answer nosniff and no-store, successes and errors alike', async () => {
    for (const body of [{ query: '{ __typename }' }, { query: '{ nope }' }, 'not json']) {
      const response = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(response.headers.get('x-content-type-options'), JSON.stringify(body)).toBe('nosniff');
      expect(response.headers.get('cache-control'), JSON.stringify(body)).toBe('no-store');
    }
  });

  it('keep a route’s own caching (GraphiQL’s fingerprinted assets), nosniff still', async () => {
    const page = await (await fetch(stack.url, { headers: { accept: 'text/html' } })).text();
    const asset = page.match(/src="([^"]+\.js)"/)?.[1];
    expect(asset).toBeDefined();
    const response = await fetch(new URL(asset!, stack.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
