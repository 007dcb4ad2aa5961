import type { SquareClient } from 'square';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../../src/gateway/api-keys.js';
import {
  AddCustomerToGroupDocument,
  CurrentMerchantDocument,
  CustomerFamilyPageDocument,
  CustomerGroupLookupDocument,
  CustomerGroupsAndSegmentsDocument,
  NodeByIdDocument,
  DeleteCustomerCustomAttributeDocument,
  RemoveCustomerFromGroupDocument,
  UpsertCustomerCustomAttributeDocument,
} from '../../gql/graphql.js';
import { globalId } from '../../../src/schema/ids.js';
import { failAfterCommit } from '../../support/faults.js';
import { countCalls, useGateway } from '../../support/gateway.js';

const reader = generateKey('reader', ['CUSTOMERS_READ']);
const writer = generateKey('writer', ['CUSTOMERS_READ', 'CUSTOMERS_WRITE', 'MERCHANT_PROFILE_READ']);
const stack = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [reader.entry, writer.entry] }), 'test keys') });
const asWriter = { token: writer.key };

const TYPE = (name: string) => ({ $ref: `https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common.${name}` });
const PAGE = 50;

/** Square's own names for the family calls, beside the support's. */
function familyCalls(calls: string[]): Record<string, number> {
  return countCalls(
    calls.map((call) =>
      call
        .replace(/^GET \/v2\/customers\/groups$/, 'ListCustomerGroups')
        .replace(/^GET \/v2\/customers\/segments$/, 'ListCustomerSegments')
        .replace(/^GET \/v2\/customers\/[^/]+\/custom-attributes$/, 'ListCustomerCustomAttributes')
        .replace(/^GET \/v2\/customers\/groups\/[^/]+$/, 'RetrieveCustomerGroup'),
    ),
  );
}

interface Arranged {
  customerIds: string[];
  vip: string;
  wholesale: string;
  segments: Array<{ id: string; name: string }>;
}

async function arrange(square: SquareClient): Promise<Arranged> {
  const { responses } = await square.customers.batchCreate({
    customers: Object.fromEntries(
      Array.from({ length: PAGE }, (_, i) => [
        `family-${i}`,
        { givenName: `Member ${i}`, ...(i % 2 === 0 ? { emailAddress: `m${i}@example.com` } : { phoneNumber: `+1415555${String(1000 + i)}` }) },
      ]),
    ),
  });
  const customerIds = Object.keys(responses!)
    .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]))
    .map((key) => responses![key]!.customer!.id!);
  const vip = (await square.customers.groups.create({ group: { name: 'VIP' } })).group!.id!;
  const wholesale = (await square.customers.groups.create({ group: { name: 'Wholesale' } })).group!.id!;
  // Every third customer is a VIP, every fifth wholesale: some are in both, most in neither.
  for (const [i, customerId] of customerIds.entries()) {
    if (i % 3 === 0) await square.customers.groups.add({ customerId, groupId: vip });
    if (i % 5 === 0) await square.customers.groups.add({ customerId, groupId: wholesale });
  }
  await square.customers.customAttributeDefinitions.create({
    customAttributeDefinition: { key: 'favorite-drink', name: 'Favorite drink', description: 'What they order', schema: TYPE('String'), visibility: 'VISIBILITY_READ_ONLY' },
  });
  await square.customers.customAttributeDefinitions.create({
    customAttributeDefinition: { key: 'visits', name: 'Visits', description: 'Visits so far', schema: TYPE('Number'), visibility: 'VISIBILITY_HIDDEN' },
  });
  for (const [i, customerId] of customerIds.entries()) {
    if (i % 4 === 0) await square.customers.customAttributes.upsert({ customerId, key: 'favorite-drink', customAttribute: { value: `tea ${i}` } });
  }
  const segments = (await square.customers.segments.list()).data.map((s) => ({ id: s.id!, name: s.name! }));
  return { customerIds, vip, wholesale, segments };
}

let a: Arranged;
beforeAll(async () => {
  a = await arrange(stack.square());
});

describe('the Customers family in the graph', () => {
  it('resolves a page of 50 customers’ groups, segments and custom attributes in one list of each and one call per customer', async () => {
    await stack.clearCalls();
    const result = await stack.gql(CustomerFamilyPageDocument, { first: PAGE }, asWriter);
    expect(result.errors).toBeUndefined();
    expect(familyCalls(await stack.calls())).toEqual({
      ListCustomers: 1,
      ListCustomerGroups: 1,
      ListCustomerSegments: 1,
      ListCustomerCustomAttributes: PAGE,
    });
    // The query limits count the per-customer ListCustomerCustomAttributes before anything runs.
    expect((result as { extensions?: { cost: { requestedQueryCost: number } } }).extensions!.cost.requestedQueryCost).toBeGreaterThan(PAGE * 50);

    const nodes = result.data!.customers!.edges.map((e) => e.node);
    expect(nodes.map((n) => n.squareId)).toEqual(a.customerIds);
    const square = stack.square();
    const [byEmail, byPhone] = a.segments;
    for (const [i, node] of nodes.entries()) {
      const { customer } = await square.customers.get({ customerId: node.squareId });
      expect(node.groups!.map((g) => g.squareId)).toEqual(customer!.groupIds ?? []);
      expect(node.groups!.map((g) => g.name)).toEqual([...(i % 3 === 0 ? ['VIP'] : []), ...(i % 5 === 0 ? ['Wholesale'] : [])]);
      expect(node.groups!.every((g) => g.id === globalId('CustomerGroup', g.squareId))).toBe(true);
      expect(node.segments).toEqual([i % 2 === 0 ? { squareId: byEmail!.id, name: byEmail!.name } : { squareId: byPhone!.id, name: byPhone!.name }]);
      expect(node.customAttributes).toEqual(
        i % 4 === 0 ? [{ key: 'favorite-drink', name: 'Favorite drink', value: `tea ${i}`, visibility: 'VISIBILITY_READ_ONLY', version: 1 }] : [],
      );
    }
  });

  it('lists the seller’s groups and segments with their members, and the custom attribute definitions', async () => {
    const result = await stack.gql(CustomerGroupsAndSegmentsDocument, { first: 100 }, asWriter);
    expect(result.errors).toBeUndefined();
    const { customerGroups, customerSegments, customAttributeDefinitions } = result.data!;
    expect(customerGroups!.map((g) => g.name)).toEqual(['VIP', 'Wholesale']);
    const members = (every: number) => a.customerIds.filter((_, i) => i % every === 0);
    expect(customerGroups![0]!.customers!.edges.map((e) => e.node.squareId)).toEqual(members(3));
    expect(customerGroups![1]!.customers!.edges.map((e) => e.node.squareId)).toEqual(members(5));
    expect(customerSegments!.map((s) => s.name)).toEqual(a.segments.map((s) => s.name));
    expect(customerSegments![0]!.customers!.edges.map((e) => e.node.squareId)).toEqual(members(2));
    expect(customAttributeDefinitions).toEqual([
      { key: 'favorite-drink', name: 'Favorite drink', description: 'What they order', visibility: 'VISIBILITY_READ_ONLY', schema: TYPE('String'), version: 1 },
      { key: 'visits', name: 'Visits', description: 'Visits so far', visibility: 'VISIBILITY_HIDDEN', schema: TYPE('Number'), version: 1 },
    ]);
    const paged = await stack.gql(CustomerGroupsAndSegmentsDocument, { first: 2 }, asWriter);
    expect(paged.data!.customerGroups![0]!.customers!.pageInfo.hasNextPage).toBe(true);
  });

  it('looks groups and segments up by global id or squareId, null for unknown ones', async () => {
    const [segment] = a.segments;
    const byGlobal = await stack.gql(CustomerGroupLookupDocument, { id: globalId('CustomerGroup', a.vip), segmentId: globalId('CustomerSegment', segment!.id) }, asWriter);
    expect(byGlobal.data).toEqual({ customerGroup: { squareId: a.vip, name: 'VIP' }, customerSegment: { squareId: segment!.id, name: segment!.name } });
    const unknown = await stack.gql(CustomerGroupLookupDocument, { id: 'NO-SUCH-GROUP', segmentId: 'gv2:NOPE' }, asWriter);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ customerGroup: null, customerSegment: null });
    for (const [type, squareId] of [['CustomerGroup', a.vip], ['CustomerSegment', segment!.id]] as const) {
      const node = await stack.gql(NodeByIdDocument, { id: globalId(type, squareId) }, asWriter);
      expect(node.data!.node).toEqual({ id: globalId(type, squareId), __typename: type });
    }
    const wrongType = await stack.gql(CustomerGroupLookupDocument, { id: globalId('Customer', a.customerIds[0]!), segmentId: segment!.id }, asWriter);
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
  });

  it('reads the caller’s seller, with MERCHANT_PROFILE_READ only', async () => {
    const result = await stack.gql(CurrentMerchantDocument, {}, asWriter);
    const { merchant } = await stack.square().merchants.get({ merchantId: 'me' });
    expect(result.data!.merchant).toEqual({
      squareId: merchant!.id,
      businessName: merchant!.businessName,
      country: merchant!.country,
      languageCode: merchant!.languageCode,
      currency: merchant!.currency,
      status: 'ACTIVE',
      createdAt: merchant!.createdAt,
      mainLocation: { squareId: merchant!.mainLocationId },
    });
    await stack.clearCalls();
    const refused = await stack.gql(CurrentMerchantDocument, {}, { token: reader.key });
    expect(refused.data!.merchant).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['MERCHANT_PROFILE_READ'] });
    expect(await stack.calls()).toEqual([]);
  });
});

describe('group membership and custom attribute mutations', () => {
  it('adds a customer to a group and removes them, each twice without harm', async () => {
    const customerId = a.customerIds[1]!;
    const input = { customerId: globalId('Customer', customerId), groupId: globalId('CustomerGroup', a.vip) };
    const added = await stack.gql(AddCustomerToGroupDocument, { input }, asWriter);
    expect(added.data!.addCustomerToGroup).toMatchObject({
      __typename: 'AddCustomerToGroupSuccess',
      customer: { squareId: customerId, groups: [{ squareId: a.vip, name: 'VIP' }] },
    });
    const again = await stack.gql(AddCustomerToGroupDocument, { input: { customerId, groupId: a.vip } }, asWriter);
    expect(again.data!.addCustomerToGroup).toMatchObject({ customer: { groups: [{ squareId: a.vip }] } });
    expect((await stack.square().customers.get({ customerId })).customer!.groupIds).toEqual([a.vip]);

    const removed = await stack.gql(RemoveCustomerFromGroupDocument, { input }, asWriter);
    expect(removed.data!.removeCustomerFromGroup).toEqual({ __typename: 'RemoveCustomerFromGroupSuccess', customer: { squareId: customerId, groups: [] } });
    const twice = await stack.gql(RemoveCustomerFromGroupDocument, { input }, asWriter);
    expect(twice.data!.removeCustomerFromGroup).toMatchObject({ __typename: 'RemoveCustomerFromGroupSuccess' });
  });

  it('reports an unknown group or customer as NotFoundError naming the input, and a malformed id before calling Square', async () => {
    const unknownGroup = await stack.gql(AddCustomerToGroupDocument, { input: { customerId: a.customerIds[0]!, groupId: 'NO-SUCH-GROUP' } }, asWriter);
    expect(unknownGroup.data!.addCustomerToGroup).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.groupId' });
    const unknownCustomer = await stack.gql(RemoveCustomerFromGroupDocument, { input: { customerId: 'NO-SUCH-CUSTOMER', groupId: a.vip } }, asWriter);
    expect(unknownCustomer.data!.removeCustomerFromGroup).toMatchObject({ __typename: 'NotFoundError', field: 'input.customerId' });
    await stack.clearCalls();
    const wrongType = await stack.gql(AddCustomerToGroupDocument, { input: { customerId: a.customerIds[0]!, groupId: globalId('Customer', a.customerIds[0]!) } }, asWriter);
    expect(wrongType.data!.addCustomerToGroup).toMatchObject({ __typename: 'ValidationError', field: 'input.groupId' });
    expect(await stack.calls()).toEqual([]);
  });

  it('upserts a custom attribute with optimistic version and idempotency, refuses a stale version, and deletes it', async () => {
    const customerId = a.customerIds[3]!;
    // Square's Number values are decimal strings.
    const input = { customerId, key: 'visits', value: '3', idempotencyKey: 'visits-1' };
    const created = await stack.gql(UpsertCustomerCustomAttributeDocument, { input: { ...input, version: 0 } }, asWriter);
    expect(created.data!.upsertCustomerCustomAttribute).toMatchObject({
      __typename: 'UpsertCustomerCustomAttributeSuccess',
      customAttribute: { key: 'visits', name: 'Visits', value: '3', visibility: 'VISIBILITY_HIDDEN', version: 1 },
    });
    const replay = await stack.gql(UpsertCustomerCustomAttributeDocument, { input: { ...input, version: 0 } }, asWriter);
    expect(replay.data!.upsertCustomerCustomAttribute).toEqual(created.data!.upsertCustomerCustomAttribute);

    const updated = await stack.gql(UpsertCustomerCustomAttributeDocument, { input: { ...input, value: '4', version: 1, idempotencyKey: 'visits-2' } }, asWriter);
    expect(updated.data!.upsertCustomerCustomAttribute).toMatchObject({ customAttribute: { value: '4', version: 2 } });
    const stale = await stack.gql(UpsertCustomerCustomAttributeDocument, { input: { ...input, value: '5', version: 1, idempotencyKey: 'visits-3' } }, asWriter);
    expect(stale.data!.upsertCustomerCustomAttribute).toMatchObject({ __typename: 'ConflictError' });

    const page = await stack.gql(CustomerFamilyPageDocument, { first: PAGE }, asWriter);
    const node = page.data!.customers!.edges.find((e) => e.node.squareId === customerId)!.node;
    expect(node.customAttributes).toEqual([{ key: 'visits', name: 'Visits', value: '4', visibility: 'VISIBILITY_HIDDEN', version: 2 }]);

    const deleted = await stack.gql(DeleteCustomerCustomAttributeDocument, { input: { customerId, key: 'visits' } }, asWriter);
    expect(deleted.data!.deleteCustomerCustomAttribute).toEqual({ __typename: 'DeleteCustomerCustomAttributeSuccess', deletedKey: 'visits' });
    const gone = await stack.gql(DeleteCustomerCustomAttributeDocument, { input: { customerId, key: 'visits' } }, asWriter);
    expect(gone.data!.deleteCustomerCustomAttribute).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
  });

  it('refuses an unknown key, a value of the wrong type and a malformed key as typed errors', async () => {
    const customerId = a.customerIds[5]!;
    const unknownKey = await stack.gql(UpsertCustomerCustomAttributeDocument, { input: { customerId, key: 'no-such-key', value: 'x', idempotencyKey: 'k1' } }, asWriter);
    expect(unknownKey.data!.upsertCustomerCustomAttribute).toMatchObject({ __typename: 'NotFoundError', field: 'input.key' });
    const wrongType = await stack.gql(UpsertCustomerCustomAttributeDocument, { input: { customerId, key: 'visits', value: 'many', idempotencyKey: 'k2' } }, asWriter);
    expect(wrongType.data!.upsertCustomerCustomAttribute).toMatchObject({ __typename: 'ValidationError', field: 'input.value' });
    await stack.clearCalls();
    const badKey = await stack.gql(UpsertCustomerCustomAttributeDocument, { input: { customerId, key: 'has spaces', value: 1, idempotencyKey: 'k3' } }, asWriter);
    expect(badKey.data!.upsertCustomerCustomAttribute).toMatchObject({ __typename: 'ValidationError', field: 'input.key' });
    // A value is required: null is refused as input, before the resolver runs.
    const nullValue = await stack.gql(UpsertCustomerCustomAttributeDocument, { input: { customerId, key: 'visits', value: null, idempotencyKey: 'k4' } }, asWriter);
    expect(nullValue.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await stack.calls()).toEqual([]);
  });

  it('refuses every write of the family without CUSTOMERS_WRITE, before calling Square', async () => {
    await stack.clearCalls();
    const add = await stack.gql(AddCustomerToGroupDocument, { input: { customerId: a.customerIds[0]!, groupId: a.vip } }, { token: reader.key });
    expect(add.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['CUSTOMERS_WRITE'] });
    const upsert = await stack.gql(UpsertCustomerCustomAttributeDocument, { input: { customerId: a.customerIds[0]!, key: 'visits', value: 1, idempotencyKey: 'r1' } }, { token: reader.key });
    expect(upsert.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['CUSTOMERS_WRITE'] });
    expect(await stack.calls()).toEqual([]);
  });
});

describe('family writes whose answer is lost', () => {
  it('settles a membership change by reading the profile, and an upsert by sending it again with its key: each takes effect once', async () => {
    const customerId = a.customerIds[7]!;
    await failAfterCommit(stack, 'PUT', `/v2/customers/${customerId}/groups/${a.wholesale}`, 'drop');
    const added = await stack.gql(AddCustomerToGroupDocument, { input: { customerId, groupId: a.wholesale } }, asWriter);
    expect(added.data!.addCustomerToGroup).toMatchObject({ __typename: 'AddCustomerToGroupSuccess', customer: { groups: [{ name: 'Wholesale' }] } });

    await failAfterCommit(stack, 'POST', `/v2/customers/${customerId}/custom-attributes/favorite-drink`, '500');
    const input = { customerId, key: 'favorite-drink', value: 'coffee', idempotencyKey: 'lost-answer' };
    const upserted = await stack.gql(UpsertCustomerCustomAttributeDocument, { input }, asWriter);
    // Sent twice, written once: the second attempt got the first one's answer, version 1.
    expect(upserted.data!.upsertCustomerCustomAttribute).toMatchObject({ customAttribute: { value: 'coffee', version: 1 } });

    await failAfterCommit(stack, 'DELETE', `/v2/customers/${customerId}/custom-attributes/favorite-drink`, 'drop');
    const deleted = await stack.gql(DeleteCustomerCustomAttributeDocument, { input: { customerId, key: 'favorite-drink' } }, asWriter);
    expect(deleted.data!.deleteCustomerCustomAttribute).toEqual({ __typename: 'DeleteCustomerCustomAttributeSuccess', deletedKey: 'favorite-drink' });
  });
});
