import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/apis/registry.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { errorCodes, loggedByErrorCodes, maskUnexpected } from '../../src/gateway/error-codes.js';
import { withRequestLogs, yogaLogger, type CarriesLogger } from '../../src/gateway/logger.js';
import { CachedCustomerNamesDocument, CreatePaymentDocument, CustomerByIdDocument, SaveCardDocument } from '../gql/graphql.js';
import { addFault, clearFaults } from '../support/faults.js';
import { SERVER_TOKEN, useGateway } from '../support/gateway.js';
import { capturedLogs } from '../support/logs.js';

const caller = generateKey('logs-test', [...SCOPES]);
const logs = capturedLogs();
const stack = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [caller.entry] }), 'test keys'), logging: logs.logger });

/** POSTs an operation as a client would, returning the response itself (its headers are the point). */
function post(document: Parameters<typeof print>[0], variables: Record<string, unknown>, headers: Record<string, string>) {
  return fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  const names = { first: 1 };

  it('gives every request an id, in x-request-id and on its log line', async () => {
    const response = await post(CachedCustomerNamesDocument, names, { 'x-api-key': caller.key });
    expect(response.status).toBe(200);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    await response.arrayBuffer();
    const line = logs.lines().find((l) => l.requestId === id && l.msg === 'request');
    expect(line).toMatchObject({ method: 'POST', path: '/graphql', status: 200, level: 30 });
    expect(line?.ms).toEqual(expect.any(Number));
  });

  it("keeps a caller's sane id, so that one can follow a request across services", async () => {
    const response = await post(CachedCustomerNamesDocument, names, { 'x-api-key': caller.key, 'x-request-id': 'lb-7f3a.01_Z' });
    await response.arrayBuffer();
    expect(response.headers.get('x-request-id')).toBe('lb-7f3a.01_Z');
    expect(logs.lines().some((l) => l.requestId === 'lb-7f3a.01_Z' && l.msg === 'request')).toBe(true);
  });

  it('replaces an id that is too long or not plain', async () => {
    for (const sent of ['a'.repeat(129), 'id with spaces', 'id\u00e9', '{"inject":1}']) {
      const response = await post(CachedCustomerNamesDocument, names, { 'x-api-key': caller.key, 'x-request-id': sent });
      await response.arrayBuffer();
      expect(response.headers.get('x-request-id')).toMatch(UUID);
    }
    expect(logs.text()).not.toContain('id with spaces');
    // 128 characters is the most an id may have.
    const longest = 'b'.repeat(128);
    const kept = await post(CachedCustomerNamesDocument, names, { 'x-api-key': caller.key, 'x-request-id': longest });
    await kept.arrayBuffer();
    expect(kept.headers.get('x-request-id')).toBe(longest);
  });

  it('puts the id on every line a request writes, a refused one included', async () => {
    const response = await post(CachedCustomerNamesDocument, names, { 'x-api-key': 'gk_not-a-key', 'x-request-id': 'refused-1' });
    expect(response.status).toBe(401);
    await response.arrayBuffer();
    expect(logs.lines().filter((l) => l.requestId === 'refused-1').map((l) => l.msg)).toContain('request');
    await addFault(stack, { method: 'GET', path: '/v2/customers', status: 503, count: 1 });
    const failing = await post(CachedCustomerNamesDocument, names, { 'x-api-key': caller.key, 'x-request-id': 'outage-1' });
    await failing.arrayBuffer();
    const written = logs.lines().filter((l) => l.requestId === 'outage-1');
    // yoga's own lines, Square's failure and the request's end, all with the id.
    expect(written.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['Processing GraphQL Parameters', expect.stringMatching(/^Square unreachable/), 'request']),
    );
    expect(written.at(-1)?.msg).toBe('request');
    // Everything this gateway logged so far was written while serving a request, and says which.
    expect(logs.lines().every((l) => typeof l.requestId === 'string')).toBe(true);
    await clearFaults(stack);
  });
});

describe('secrets never reach the log', () => {
  const nonce = 'cnon:card-nonce-ok';
  const declinedNonce = 'cnon:card-nonce-declined';
  const verification = 'verf:buyer-verified-7f3a9c';
  const pan = '4111111111111111';
  const cvv = '9171';
  const gan = '7783320006541238';
  const wrongKey = `gk_${randomUUID()}`;

  it('holds no token, API key, nonce, verification token or card data, at trace level, even when Square fails', async () => {
    logs.clear();
    const asCaller = { 'x-api-key': caller.key };
    const card = { number: pan, cvv, pan, gan, card_nonce: nonce };
    const replies = [
      await post(CachedCustomerNamesDocument, { first: 1 }, asCaller),
      await post(CachedCustomerNamesDocument, { first: 1 }, { authorization: `Bearer ${wrongKey}` }),
      await post(CachedCustomerNamesDocument, { first: 1 }, { 'x-api-key': wrongKey }),
      // Extra variables carrying card data are ignored by GraphQL, and must be by the log too.
      await post(SaveCardDocument, { input: { customerId: 'no-such-customer', customerConsent: true, idempotencyKey: randomUUID(), sourceId: nonce, verificationToken: verification }, card }, asCaller),
      await post(CustomerByIdDocument, { id: gan }, asCaller),
    ];
    await addFault(stack, { method: 'POST', path: '/v2/payments', status: 500, count: 1 });
    await addFault(stack, { method: 'POST', path: '/v2/cards', status: 503, count: 1 });
    const payment = { amountMoney: { amount: '1250', currency: 'USD' }, idempotencyKey: randomUUID(), sourceId: declinedNonce, verificationToken: verification };
    replies.push(
      await post(CreatePaymentDocument, { input: payment }, asCaller),
      await post(CreatePaymentDocument, { input: { ...payment, idempotencyKey: randomUUID() } }, asCaller),
      await post(SaveCardDocument, { input: { customerId: 'no-such-customer', customerConsent: true, idempotencyKey: randomUUID(), sourceId: nonce } }, asCaller),
      // A value in the wrong place: the error names its path, and the log its request only.
      await post(CreatePaymentDocument, { input: { ...payment, amountMoney: { amount: pan, currency: cvv } } }, asCaller),
    );
    await Promise.all(replies.map((reply) => reply.arrayBuffer()));
    await clearFaults(stack);

    const text = logs.text();
    // The log has something to say about these requests: a line each, and Square's failures.
    expect(logs.lines().filter((l) => l.msg === 'request')).toHaveLength(replies.length);
    expect(logs.lines().some((l) => l.level === 40 && l.kind === 'unreachable')).toBe(true);
    expect(logs.lines().some((l) => l.level === 20)).toBe(true);
    for (const secret of [SERVER_TOKEN, caller.key, wrongKey, nonce, declinedNonce, verification, pan, gan]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(text).not.toMatch(new RegExp(`"(?:cvv|number|pan|gan|card_nonce)":"(?!\\[Redacted\\])`));
  });

  it('redacts them by field and scrubs them from text, should an object or error carrying them be logged', () => {
    const own = capturedLogs();
    own.logger.warn(
      {
        headers: { authorization: `Bearer ${SERVER_TOKEN}`, 'x-api-key': caller.key },
        body: { source_id: nonce, verification_token: verification, card: { number: pan, cvv, card_nonce: nonce }, gan },
        input: { sourceId: declinedNonce, verificationToken: verification },
      },
      `retrying with Bearer ${SERVER_TOKEN} for ${caller.key}`,
    );
    own.logger.error({ err: new Error(`Square refused source ${nonce} (card ${pan}, gift card ${gan}, ${verification})`) }, 'failed');
    const text = own.text();
    for (const secret of [SERVER_TOKEN, caller.key, nonce, declinedNonce, verification, pan, gan, cvv]) expect(text, secret).not.toContain(secret);
    const [first, second] = own.lines();
    expect(first).toMatchObject({ headers: { authorization: '[Redacted]', 'x-api-key': '[Redacted]' }, input: { sourceId: '[Redacted]' } });
    expect(first?.msg).toBe('retrying with Bearer [Redacted] for gk_[Redacted]');
    expect((second?.err as { message: string }).message).toBe('Square refused source cnon:[Redacted] (card [Redacted number], gift card [Redacted number], verf:[Redacted])');
  });
  it('redacts a secret field three levels deep at most, in list items and bindings too, without changing what was logged', () => {
    const own = capturedLogs();
    const logged = {
      token: 'top',
      calls: [{ nonce: 'in-a-list', detail: { cvv: '123', deeper: { pan: 'four levels: past the fields pino was given' } } }],
      when: new Date(0),
    };
    own.logger.child({ requestId: 'r1', session: { accessToken: 'bound' } }).info(logged, 'line');
    own.logger.error({ err: Object.assign(new Error('failed'), { token: 'on the error', square: { cardNonce: 'under it' } }) }, 'failed');
    const [line, failed] = own.lines();
    expect(line).toMatchObject({
      requestId: 'r1',
      session: { accessToken: '[Redacted]' },
      token: '[Redacted]',
      calls: [{ nonce: '[Redacted]', detail: { cvv: '123', deeper: { pan: 'four levels: past the fields pino was given' } } }],
      when: '1970-01-01T00:00:00.000Z',
    });
    expect(failed?.err).toMatchObject({ message: 'failed', token: '[Redacted]', square: { cardNonce: '[Redacted]' } });
    expect(logged.token).toBe('top');
    expect(logged.calls[0]!.nonce).toBe('in-a-list');
  });
});

describe('failures logged with their request id, at info level', () => {
  // The gateway's own wiring of yoga's logging and masking (server.ts), over a schema that fails on purpose.
  const info = capturedLogs('info');
  const yoga = createYoga<CarriesLogger>({
    schema: createSchema({
      typeDefs: 'type Query { broken: String, nothing: String! }',
      resolvers: { Query: { broken: () => { throw new TypeError('internal detail 7f3a'); }, nothing: () => null } },
    }),
    plugins: [errorCodes(info.logger)],
    logging: yogaLogger(info.logger, loggedByErrorCodes),
    maskedErrors: { maskError: maskUnexpected },
  });
  const server = createServer(withRequestLogs(yoga, info.logger));
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const ask = async (query: string, requestId: string) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ query }) });
    return (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
  };

  it('masks a thrown error for the caller and logs it once, with the request id', async () => {
    const { errors } = await ask('{ broken }', 'masked-1');
    expect(errors).toEqual([expect.objectContaining({ message: 'Unexpected error.', extensions: expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR' }) })]);
    const failures = info.lines().filter((l) => l.level === 50);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ requestId: 'masked-1', msg: 'internal detail 7f3a' });
  });

  it("logs a field graphql-js failed (a non-null field without a value) with the request id", async () => {
    info.clear();
    const { errors } = await ask('{ nothing }', 'non-null-1');
    expect(errors[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(info.lines().filter((l) => l.level === 50)).toEqual([expect.objectContaining({ requestId: 'non-null-1' })]);
    expect(info.lines().every((l) => l.requestId !== undefined)).toBe(true);
  });
});
