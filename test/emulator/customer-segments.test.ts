import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { addCustomer, failure, newToken } from '../support/fixtures.js';

const square = useEmulator();

describe('Customer segments', () => {
  it('lists the three static segments of a merchant, with stable ids of its own', async () => {
    const token = newToken();
    const client = square.client(token);
    const { data } = await client.customers.segments.list();
    expect(data.map((s) => s.name)).toEqual(['Reachable by email', 'Reachable by phone', 'Cards on file']);
    for (const segment of data) {
      expect(segment.id).toMatch(/^gv2:[A-Z0-9]{26}$/);
      expect(segment.createdAt).toBeDefined();
      expect((await client.customers.segments.get({ segmentId: segment.id! })).segment).toEqual(segment);
    }
    expect((await square.client(token).customers.segments.list()).data).toEqual(data);
    const other = (await square.client().customers.segments.list()).data.map((s) => s.id);
    expect(other.some((id) => data.some((s) => s.id === id))).toBe(false);
  });

  it('pages with a limit of 1–50 and answers NOT_FOUND for an unknown or foreign segment', async () => {
    const token = newToken();
    const client = square.client(token);
    const first = await client.customers.segments.list({ limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.response.cursor).toBeDefined();
    const res = await square.raw('GET', '/v2/customers/segments?limit=51', { token });
    expect(res.body.errors[0]).toMatchObject({ code: 'VALUE_TOO_HIGH', field: 'limit' });
    const notInteger = await square.raw('GET', '/v2/customers/segments?limit=1.5', { token });
    expect(notInteger.status).toBe(400);
    expect(notInteger.body.errors[0]).toMatchObject({ code: 'EXPECTED_INTEGER', field: 'limit' });
    const foreign = (await square.client().customers.segments.list()).data[0]!.id!;
    for (const segmentId of ['gv2:NOPE', foreign]) {
      expect(await failure(client.customers.segments.get({ segmentId }))).toMatchObject({
        status: 404,
        errors: [{ code: 'NOT_FOUND', field: 'segment_id' }],
      });
    }
  });

  it('filters SearchCustomers by segment membership, computed from the profiles and their cards', async () => {
    const token = newToken();
    const client = square.client(token);
    addCustomer(square, token, { given_name: 'E', email_address: 'e@example.com' });
    addCustomer(square, token, { given_name: 'U', email_address: 'u@example.com', preferences: { email_unsubscribed: true } });
    const phoned = addCustomer(square, token, { given_name: 'P', phone_number: '+14155550100' });
    await client.cards.create({ idempotencyKey: 'card', sourceId: 'cnon:card-nonce-ok', card: { customerId: phoned } });
    const [byEmail, byPhone, withCards] = (await client.customers.segments.list()).data.map((s) => s.id!);
    const search = async (filter: { all?: string[]; any?: string[]; none?: string[] }) =>
      ((await client.customers.search({ query: { filter: { segmentIds: filter } } })).customers ?? []).map((c) => c.givenName);
    expect(await search({ all: [byEmail!] })).toEqual(['E']);
    expect(await search({ all: [byPhone!, withCards!] })).toEqual(['P']);
    expect(await search({ any: [byEmail!, withCards!] })).toEqual(['E', 'P']);
    expect(await search({ none: [byEmail!] })).toEqual(['P', 'U']);
  });

  it('puts the segments a profile belongs to on it as segment_ids whenever Square’s API returns it', async () => {
    const token = newToken();
    const client = square.client(token);
    const [byEmail, byPhone, withCards] = (await client.customers.segments.list()).data.map((s) => s.id!);
    const both = addCustomer(square, token, { given_name: 'B', email_address: 'b@example.com', phone_number: '+14155550101' });
    const none = addCustomer(square, token, { given_name: 'N' });
    expect((await client.customers.get({ customerId: both })).customer!.segmentIds).toEqual([byEmail, byPhone]);
    expect((await client.customers.get({ customerId: none })).customer!.segmentIds).toBeUndefined();
    await client.cards.create({ idempotencyKey: 'card', sourceId: 'cnon:card-nonce-ok', card: { customerId: none } });
    const { responses } = await client.customers.bulkRetrieveCustomers({ customerIds: [both, none] });
    expect(responses![none]!.customer!.segmentIds).toEqual([withCards]);
    const listed = (await client.customers.list()).data.find((c) => c.id === both)!;
    expect(listed.segmentIds).toEqual([byEmail, byPhone]);
    const { customer } = await client.customers.update({ customerId: both, emailAddress: null });
    expect(customer!.segmentIds).toEqual([byPhone]);
  });
});
