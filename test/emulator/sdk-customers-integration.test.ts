import { randomUUID } from 'node:crypto';
import type { SquareClient } from 'square';
import { SquareError } from 'square';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';

/**
 * The official Node SDK's integration tests for customers, customer groups, segments and
 * merchants, step for step, with only the base URL changed: their setup creates a group
 * and a custom attribute definition, and they use the deprecated customer-card endpoints.
 */
const square = useEmulator();
let client: SquareClient;

async function createTestCustomer(): Promise<string> {
  const { customer } = await client.customers.create({
    idempotencyKey: randomUUID(),
    givenName: 'Amelia',
    familyName: 'Earhart',
    emailAddress: 'Amelia.Earhart@example.com',
    address: { addressLine1: '500 Electric Ave', addressLine2: 'Suite 600', locality: 'New York', country: 'US' },
    phoneNumber: '+1-212-555-4240',
    referenceId: 'YOUR_REFERENCE_ID',
    note: 'a customer',
  });
  return customer!.id!;
}

beforeAll(() => {
  client = square.client();
});

describe('Customers API, as the SDK tests it', () => {
  let customerGroupId: string;
  let customAttributeKey: string;

  beforeAll(async () => {
    const createGroupResponse = await client.customers.groups.create({
      idempotencyKey: randomUUID(),
      group: { name: `Test Group ${randomUUID()}` },
    });
    customerGroupId = createGroupResponse.group!.id!;
    customAttributeKey = `favorite-drink-${randomUUID()}`;
    await client.customers.customAttributeDefinitions.create({
      customAttributeDefinition: {
        key: customAttributeKey,
        name: `Favorite Drink ${randomUUID()}`,
        description: "A customer's favorite drink",
        visibility: 'VISIBILITY_READ_WRITE_VALUES',
        schema: { $ref: 'https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common.String' },
      },
    });
  });

  afterAll(async () => {
    await client.customers.groups.delete({ groupId: customerGroupId });
    // The last test below deletes the definition already.
    await expect(client.customers.customAttributeDefinitions.delete({ key: customAttributeKey })).rejects.toThrow(SquareError);
  });

  it('creates and retrieves a customer', async () => {
    const customerId = await createTestCustomer();
    const retrieveResponse = await client.customers.get({ customerId });
    expect(retrieveResponse.customer?.givenName).toBe('Amelia');
    expect(retrieveResponse.customer?.familyName).toBe('Earhart');
    await client.customers.delete({ customerId });
  });

  it('creates and deletes a customer card', async () => {
    const customerId = await createTestCustomer();
    const createCardResponse = await client.customers.cards.create({ customerId, cardNonce: 'cnon:card-nonce-ok' });
    expect(createCardResponse.card).toBeDefined();
    const deleteCardResponse = await client.customers.cards.delete({ customerId, cardId: createCardResponse.card!.id! });
    expect(deleteCardResponse).toBeDefined();
    await client.customers.delete({ customerId });
  });

  it('adds a customer to a group and removes it', async () => {
    const customerId = await createTestCustomer();
    expect(await client.customers.groups.add({ customerId, groupId: customerGroupId })).toBeDefined();
    expect(await client.customers.groups.remove({ customerId, groupId: customerGroupId })).toBeDefined();
    await client.customers.delete({ customerId });
  });

  it('creates, updates and lists custom attributes', async () => {
    const customerId = await createTestCustomer();
    const created = await client.customers.customAttributes.upsert({
      customerId,
      key: customAttributeKey,
      customAttribute: { value: 'Double-shot breve' },
    });
    expect(created.customAttribute?.value).toBe('Double-shot breve');
    const updated = await client.customers.customAttributes.upsert({
      customerId,
      key: customAttributeKey,
      customAttribute: { value: 'Black coffee' },
    });
    expect(updated.customAttribute?.value).toBe('Black coffee');
    const listAttrResponse = await client.customers.customAttributes.list({ customerId, withDefinitions: true });
    expect(listAttrResponse.data.length).toBeGreaterThan(0);
    expect(await client.customers.customAttributes.delete({ customerId, key: customAttributeKey })).toBeDefined();
    await client.customers.delete({ customerId });
  });

  it('deletes the custom attribute definition', async () => {
    expect(await client.customers.customAttributeDefinitions.delete({ key: customAttributeKey })).toBeDefined();
  });
});

describe('CustomerGroups API, as the SDK tests it', () => {
  const createGroup = () => client.customers.groups.create({ idempotencyKey: randomUUID(), group: { name: `Default-${randomUUID()}` } });

  it('creates, lists, retrieves, updates and deletes a group', async () => {
    const response = await createGroup();
    expect(response.group?.name).toBeDefined();
    expect((await client.customers.groups.list()).data.length).toBeGreaterThan(0);
    const getResponse = await client.customers.groups.get({ groupId: response.group!.id! });
    expect(getResponse.group).toEqual(expect.objectContaining(response.group));
    const newName = `Updated-${randomUUID()}`;
    const updateResponse = await client.customers.groups.update({ groupId: response.group!.id!, group: { name: newName } });
    expect(updateResponse.group).toEqual(expect.objectContaining({ name: newName }));
    const deleteResponse = await client.customers.groups.delete({ groupId: response.group!.id! });
    expect(deleteResponse.errors).toBeUndefined();
  });

  it('fails for an unknown group and for an empty name', async () => {
    await expect(client.customers.groups.get({ groupId: 'non-existent-id' })).rejects.toThrow(SquareError);
    await expect(client.customers.groups.create({ idempotencyKey: randomUUID(), group: { name: '' } })).rejects.toThrow(SquareError);
  });
});

describe('CustomerSegments and Merchants APIs, as the SDK tests them', () => {
  it('lists segments and retrieves the first', async () => {
    const listResponse = await client.customers.segments.list();
    expect(listResponse.data.length).toBeGreaterThan(0);
    const response = await client.customers.segments.get({ segmentId: listResponse.data[0]!.id! });
    expect(response.segment?.name).toBeDefined();
  });

  it('lists merchants and retrieves the first', async () => {
    const merchantId = (await client.merchants.list()).data[0]!.id!;
    const response = await client.merchants.get({ merchantId });
    expect(response.merchant?.id).toBe(merchantId);
  });
});
