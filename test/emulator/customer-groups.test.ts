import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { addCustomer, eventsFor, failure, key, merchantWithCustomer } from '../support/fixtures.js';

const square = useEmulator();

function merchant() {
  const seller = merchantWithCustomer(square, { given_name: 'Ada' });
  const createGroup = async (name = `Group ${randomUUID()}`) =>
    (await seller.client.customers.groups.create({ idempotencyKey: key(), group: { name } })).group!;
  return { ...seller, createGroup };
}

describe('Customer groups', () => {
  it('creates a group with an id and timestamps, and lists, renames and deletes it', async () => {
    const { client, createGroup } = merchant();
    const group = await createGroup('Regulars');
    expect(group).toMatchObject({ name: 'Regulars' });
    expect(group.id).toMatch(/^[A-Z0-9]{26}$/);
    expect(group.createdAt).toBe(group.updatedAt);
    expect((await client.customers.groups.list()).data).toEqual([group]);
    const { group: renamed } = await client.customers.groups.update({ groupId: group.id!, group: { name: 'VIP' } });
    expect(renamed).toMatchObject({ id: group.id, name: 'VIP', createdAt: group.createdAt });
    expect((await client.customers.groups.get({ groupId: group.id! })).group).toEqual(renamed);
    await client.customers.groups.delete({ groupId: group.id! });
    expect(await failure(client.customers.groups.get({ groupId: group.id! }))).toMatchObject({
      status: 404,
      errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', field: 'group_id' }],
    });
  });

  it('pages groups 50 at a time by default and refuses a limit outside 1–50', async () => {
    const { client, token, createGroup } = merchant();
    for (let i = 0; i < 3; i++) await createGroup();
    const first = await client.customers.groups.list({ limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.response.cursor).toBeDefined();
    const names: string[] = [];
    for await (const group of await client.customers.groups.list({ limit: 2 })) names.push(group.name);
    expect(names).toHaveLength(3);
    for (const [limit, code] of [
      [51, 'VALUE_TOO_HIGH'],
      [0, 'VALUE_TOO_LOW'],
    ] as const) {
      const res = await square.raw('GET', `/v2/customers/groups?limit=${limit}`, { token });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code, field: 'limit' });
    }
  });

  it('refuses a missing group, a missing or empty name', async () => {
    const { token } = merchant();
    for (const [body, code, field] of [
      [{}, 'MISSING_REQUIRED_PARAMETER', 'group'],
      [{ group: {} }, 'MISSING_REQUIRED_PARAMETER', 'group.name'],
      [{ group: { name: '' } }, 'VALUE_TOO_SHORT', 'group.name'],
      [{ group: { name: 7 } }, 'EXPECTED_STRING', 'group.name'],
    ] as const) {
      const res = await square.raw('POST', '/v2/customers/groups', { token, body });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
    }
  });

  it("checks CreateCustomerGroup, UpdateCustomerGroup and ListCustomerGroups with Square's schemas", async () => {
    const { token, createGroup } = merchant();
    const group = await createGroup('Regulars');
    for (const [method, path, body, code, field] of [
      ['POST', '/v2/customers/groups', { group: { name: 'A', colour: 'red' } }, 'UNKNOWN_BODY_PARAMETER', 'group.colour'],
      ['POST', '/v2/customers/groups', { idempotency_key: 5, group: { name: 'A' } }, 'EXPECTED_STRING', 'idempotency_key'],
      ['POST', '/v2/customers/groups', { group: 'A' }, 'EXPECTED_OBJECT', 'group'],
      ['PUT', `/v2/customers/groups/${group.id}`, { group: { name: 'B' }, version: 1 }, 'UNKNOWN_BODY_PARAMETER', 'version'],
      ['PUT', `/v2/customers/groups/${group.id}`, { group: { name: '' } }, 'VALUE_TOO_SHORT', 'group.name'],
      ['GET', '/v2/customers/groups?limit=many', undefined, 'EXPECTED_INTEGER', 'limit'],
    ] as const) {
      const res = await square.raw(method, path, { token, body });
      expect({ status: res.status, error: res.body.errors?.[0] }).toMatchObject({ status: 400, error: { category: 'INVALID_REQUEST_ERROR', code, field } });
    }
    expect((await square.client(token).customers.groups.get({ groupId: group.id! })).group).toEqual(group);
  });

  it('replays a create for the same idempotency key and refuses the key for another group', async () => {
    const { client } = merchant();
    const first = await client.customers.groups.create({ idempotencyKey: 'g-1', group: { name: 'A' } });
    const again = await client.customers.groups.create({ idempotencyKey: 'g-1', group: { name: 'A' } });
    expect(again.group).toEqual(first.group);
    expect((await client.customers.groups.list()).data).toHaveLength(1);
    expect(await failure(client.customers.groups.create({ idempotencyKey: 'g-1', group: { name: 'B' } }))).toMatchObject({
      status: 400,
      errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }],
    });
  });

  it('never shows or changes one merchant’s groups for another', async () => {
    const { createGroup } = merchant();
    const group = await createGroup();
    const stranger = merchant();
    expect((await stranger.client.customers.groups.list()).data).toEqual([]);
    const groups = stranger.client.customers.groups;
    for (const call of [
      () => groups.get({ groupId: group.id! }),
      () => groups.update({ groupId: group.id!, group: { name: 'x' } }),
      () => groups.delete({ groupId: group.id! }),
      () => groups.add({ customerId: stranger.customerId, groupId: group.id! }),
    ]) {
      expect(await failure(call())).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND' }] });
    }
  });
});

describe('AddGroupToCustomer and RemoveGroupFromCustomer', () => {
  it('puts the group on the customer’s group_ids as a profile update, once however often added', async () => {
    const { client, createGroup, customerId } = merchant();
    const [a, b] = [await createGroup(), await createGroup()];
    await client.customers.groups.add({ customerId, groupId: a.id! });
    await client.customers.groups.add({ customerId, groupId: b.id! });
    await client.customers.groups.add({ customerId, groupId: a.id! });
    const { customer } = await client.customers.get({ customerId });
    expect(customer).toMatchObject({ groupIds: [a.id, b.id], version: 2n });
    expect(eventsFor(square, customerId).filter((e) => e.type === 'customer.updated')).toHaveLength(2);

    const found = await client.customers.search({ query: { filter: { groupIds: { all: [a.id!, b.id!] } } } });
    expect(found.customers?.map((c) => c.id)).toEqual([customerId]);

    await client.customers.groups.remove({ customerId, groupId: a.id! });
    await client.customers.groups.remove({ customerId, groupId: a.id! });
    expect((await client.customers.get({ customerId })).customer).toMatchObject({ groupIds: [b.id], version: 3n });
    await client.customers.groups.remove({ customerId, groupId: b.id! });
    expect((await client.customers.get({ customerId })).customer?.groupIds).toBeUndefined();
  });

  it('takes a deleted group off every member', async () => {
    const { client, createGroup, customerId, token } = merchant();
    const other = addCustomer(square, token, { given_name: 'Grace' });
    const group = await createGroup();
    await client.customers.groups.add({ customerId, groupId: group.id! });
    await client.customers.groups.add({ customerId: other, groupId: group.id! });
    await client.customers.groups.delete({ groupId: group.id! });
    for (const id of [customerId, other]) expect((await client.customers.get({ customerId: id })).customer?.groupIds).toBeUndefined();
  });

  it('answers NOT_FOUND for an unknown customer or group and changes nothing', async () => {
    const { client, createGroup, customerId } = merchant();
    const group = await createGroup();
    expect(await failure(client.customers.groups.add({ customerId: 'NOPE', groupId: group.id! }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'customer_id' }],
    });
    expect(await failure(client.customers.groups.remove({ customerId, groupId: 'NOPE' }))).toMatchObject({
      status: 404,
      errors: [{ code: 'NOT_FOUND', field: 'group_id' }],
    });
    expect((await client.customers.get({ customerId })).customer?.version).toBe(0n);
  });
});
