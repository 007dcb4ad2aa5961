import { randomUUID } from 'node:crypto';
import { serialization, type Square } from 'square';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { addCustomer, failure, merchantEvents, merchantWithCustomer } from '../support/fixtures.js';

const square = useEmulator();

const TYPE = (name: string) => ({ $ref: `https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common.${name}` });
const SELECTION = (names: string[], maxItems = 1) => ({
  $schema: 'https://developer-production-s.squarecdn.com/meta-schemas/v1/selection.json',
  type: 'array',
  uniqueItems: true,
  maxItems,
  items: { names },
});

function merchant() {
  const seller = merchantWithCustomer(square, { given_name: 'Ada' });
  const define = async (fields: Partial<Square.CustomAttributeDefinition> = {}) =>
    (
      await seller.client.customers.customAttributeDefinitions.create({
        customAttributeDefinition: { key: `key-${randomUUID().slice(0, 8)}`, schema: TYPE('String'), ...fields },
      })
    ).customAttributeDefinition!;
  return { ...seller, define };
}

describe('Customer custom attribute definitions', () => {
  it('creates a hidden definition at version 1, lists, retrieves, updates (version 2) and deletes it, with webhooks', async () => {
    const { client, define, merchantId } = merchant();
    const definition = await define({ key: 'favorite.drink_1', name: 'Favorite drink' });
    expect(definition).toMatchObject({ key: 'favorite.drink_1', schema: TYPE('String'), name: 'Favorite drink', visibility: 'VISIBILITY_HIDDEN', version: 1 });
    expect(definition.createdAt).toBe(definition.updatedAt);
    expect((await client.customers.customAttributeDefinitions.list()).data).toEqual([definition]);
    const defs = client.customers.customAttributeDefinitions;
    expect((await defs.get({ key: definition.key! })).customAttributeDefinition).toEqual(definition);

    const { customAttributeDefinition: updated } = await defs.update({
      key: definition.key!,
      customAttributeDefinition: { description: 'What they order', visibility: 'VISIBILITY_READ_ONLY', version: 1 },
    });
    expect(updated).toMatchObject({ name: 'Favorite drink', description: 'What they order', visibility: 'VISIBILITY_READ_ONLY', version: 2 });
    expect((await defs.get({ key: definition.key!, version: 2 })).customAttributeDefinition).toEqual(updated);

    await defs.delete({ key: definition.key! });
    expect(await failure(defs.get({ key: definition.key! }))).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND', field: 'key' }] });
    expect(merchantEvents(square, merchantId).map((e) => [e.type, e.data.type, e.data.id])).toEqual([
      ['customer.custom_attribute_definition.owned.created', 'custom_attribute_definition', definition.key],
      ['customer.custom_attribute_definition.owned.updated', 'custom_attribute_definition', definition.key],
      ['customer.custom_attribute_definition.owned.deleted', 'custom_attribute_definition', definition.key],
    ]);
  });

  it('refuses a stale version on update and a version not reached yet on read', async () => {
    const { client, define } = merchant();
    const { key } = await define();
    const defs = client.customers.customAttributeDefinitions;
    await defs.update({ key: key!, customAttributeDefinition: { name: 'One' } });
    expect(await failure(defs.update({ key: key!, customAttributeDefinition: { name: 'Two', version: 1 } }))).toMatchObject({
      status: 409,
      errors: [{ code: 'CONFLICT', field: 'version' }],
    });
    expect(await failure(defs.get({ key: key!, version: 3 }))).toMatchObject({ status: 400, errors: [{ code: 'BAD_REQUEST' }] });
    expect((await defs.get({ key: key! })).customAttributeDefinition).toMatchObject({ name: 'One', version: 2 });
  });

  it('refuses invalid definitions with Square’s codes', async () => {
    const { token, define } = merchant();
    await define({ key: 'taken', name: 'Taken name' });
    const post = (def: Record<string, unknown>) =>
      square.raw('POST', '/v2/customers/custom-attribute-definitions', { token, body: { custom_attribute_definition: def } });
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ schema: TYPE('String') }, 400, 'MISSING_REQUIRED_PARAMETER', 'custom_attribute_definition.key'],
      [{ key: 'k' }, 400, 'MISSING_REQUIRED_PARAMETER', 'custom_attribute_definition.schema'],
      [{ key: 'has space', schema: TYPE('String') }, 400, 'INVALID_VALUE', 'custom_attribute_definition.key'],
      [{ key: 'x'.repeat(61), schema: TYPE('String') }, 400, 'INVALID_VALUE', 'custom_attribute_definition.key'],
      [{ key: 'k', schema: TYPE('Nope') }, 400, 'INVALID_VALUE', 'custom_attribute_definition.schema'],
      [{ key: 'k', schema: TYPE('String'), visibility: 'PUBLIC' }, 400, 'INVALID_ENUM_VALUE', 'custom_attribute_definition.visibility'],
      [{ key: 'k', schema: TYPE('String'), name: 'x'.repeat(256) }, 400, 'VALUE_TOO_LONG', 'custom_attribute_definition.name'],
      [{ key: 'k', schema: TYPE('String'), visibility: 'VISIBILITY_READ_ONLY', name: 'N' }, 400, 'MISSING_REQUIRED_PARAMETER', 'custom_attribute_definition.description'],
      [{ key: 'k', schema: SELECTION([]) }, 400, 'INVALID_VALUE', 'custom_attribute_definition.schema.items.names'],
      [{ key: 'k', schema: SELECTION(['a'], 2) }, 400, 'INVALID_VALUE', 'custom_attribute_definition.schema.maxItems'],
      [{ key: 'taken', schema: TYPE('String') }, 409, 'CONFLICT', 'custom_attribute_definition.key'],
      [{ key: 'k', schema: TYPE('String'), name: 'Taken name' }, 409, 'CONFLICT', 'custom_attribute_definition.name'],
    ];
    for (const [def, status, code, field] of cases) {
      const res = await post(def);
      expect({ status: res.status, error: res.body.errors?.[0] }).toMatchObject({ status, error: { code, field } });
    }
    const { body } = await square.raw('GET', '/v2/customers/custom-attribute-definitions', { token });
    expect(body.custom_attribute_definitions).toHaveLength(1);
  });

  it('replays a create for the same idempotency key', async () => {
    const { client } = merchant();
    const request = { idempotencyKey: 'def-1', customAttributeDefinition: { key: 'k', schema: TYPE('Boolean') } };
    const first = await client.customers.customAttributeDefinitions.create(request);
    expect((await client.customers.customAttributeDefinitions.create(request)).customAttributeDefinition).toEqual(first.customAttributeDefinition);
    expect(
      await failure(client.customers.customAttributeDefinitions.create({ ...request, customAttributeDefinition: { key: 'j', schema: TYPE('Boolean') } })),
    ).toMatchObject({ status: 400, errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }] });
  });

  it('replays an update for its idempotency key, for that definition only', async () => {
    const { client, define } = merchant();
    const [a, b] = [(await define()).key!, (await define()).key!];
    const defs = client.customers.customAttributeDefinitions;
    const update = (key: string) => defs.update({ key, idempotencyKey: 'upd-1', customAttributeDefinition: { name: 'Same' } });
    const first = await update(a);
    expect((await update(a)).customAttributeDefinition).toEqual(first.customAttributeDefinition);
    expect((await defs.get({ key: a })).customAttributeDefinition?.version).toBe(2);
    // The same key and body on another definition is another request: it runs (and meets the name already taken).
    expect(await failure(update(b))).toMatchObject({ status: 409, errors: [{ code: 'CONFLICT', field: 'custom_attribute_definition.name' }] });
  });

  it("checks definition writes and reads with Square's schemas", async () => {
    const { token, define } = merchant();
    const { key } = await define();
    const base = '/v2/customers/custom-attribute-definitions';
    for (const [method, path, body, code, field] of [
      ['POST', base, { custom_attribute_definition: { key: 'k', schema: TYPE('String'), colour: 'red' } }, 'UNKNOWN_BODY_PARAMETER', 'custom_attribute_definition.colour'],
      ['POST', base, { custom_attribute_definition: { key: 'k', schema: 'String' } }, 'EXPECTED_OBJECT', 'custom_attribute_definition.schema'],
      ['POST', base, { custom_attribute_definition: { key: 'k', schema: TYPE('String') }, idempotency_key: 'x'.repeat(46) }, 'VALUE_TOO_LONG', 'idempotency_key'],
      ['POST', base, { custom_attribute_definition: { key: '', schema: TYPE('String') } }, 'VALUE_TOO_SHORT', 'custom_attribute_definition.key'],
      ['PUT', `${base}/${key}`, { custom_attribute_definition: { description: 'x'.repeat(256) } }, 'VALUE_TOO_LONG', 'custom_attribute_definition.description'],
      ['PUT', `${base}/${key}`, { custom_attribute_definition: { visibility: 'PUBLIC' } }, 'INVALID_ENUM_VALUE', 'custom_attribute_definition.visibility'],
      ['PUT', `${base}/${key}`, { custom_attribute_definition: { version: 'one' } }, 'EXPECTED_INTEGER', 'custom_attribute_definition.version'],
      ['GET', `${base}/${key}?version=first`, undefined, 'EXPECTED_INTEGER', 'version'],
      ['GET', `${base}?limit=0`, undefined, 'VALUE_TOO_LOW', 'limit'],
    ] as const) {
      const res = await square.raw(method, path, { token, body });
      expect({ status: res.status, error: res.body.errors?.[0] }).toMatchObject({ status: 400, error: { category: 'INVALID_REQUEST_ERROR', code, field } });
    }
    expect((await square.raw('GET', `${base}/${key}`, { token })).body.custom_attribute_definition.version).toBe(1);
  });

  it('pages definitions 20 at a time by default, and answers {} when there are none', async () => {
    const { client, define, token } = merchant();
    expect((await square.raw('GET', '/v2/customers/custom-attribute-definitions', { token })).body).toEqual({});
    for (let i = 0; i < 21; i++) await define();
    const first = await client.customers.customAttributeDefinitions.list();
    expect(first.data).toHaveLength(20);
    expect(first.response.cursor).toBeDefined();
    let all = 0;
    for await (const _ of await client.customers.customAttributeDefinitions.list({ limit: 7 })) all++;
    expect(all).toBe(21);
  });
});

describe('Customer custom attributes', () => {
  it('upserts a value at version 1, then 2; lists and retrieves it with the definition’s visibility', async () => {
    const { client, define, customerId, merchantId } = merchant();
    const { key } = await define({ name: 'Drink', description: 'Favorite', visibility: 'VISIBILITY_READ_WRITE_VALUES' });
    const attrs = client.customers.customAttributes;
    const { customAttribute: created } = await attrs.upsert({ customerId, key: key!, customAttribute: { value: 'Latte' } });
    expect(created).toMatchObject({ key, value: 'Latte', version: 1, visibility: 'VISIBILITY_READ_WRITE_VALUES' });
    const { customAttribute: updated } = await attrs.upsert({ customerId, key: key!, customAttribute: { value: 'Mocha', version: 1 } });
    expect(updated).toMatchObject({ value: 'Mocha', version: 2, createdAt: created!.createdAt });
    expect((await attrs.get({ customerId, key: key! })).customAttribute).toEqual(updated);
    const withDefinition = (await attrs.get({ customerId, key: key!, withDefinition: true })).customAttribute;
    expect(withDefinition?.definition).toMatchObject({ key, name: 'Drink' });
    expect((await attrs.list({ customerId })).data).toEqual([updated]);
    expect((await attrs.list({ customerId, withDefinitions: true })).data[0]?.definition?.key).toBe(key);
    const updates = merchantEvents(square, merchantId).filter((e) => e.type === 'customer.custom_attribute.owned.updated');
    expect(updates.map((e) => e.data)).toMatchObject([
      { type: 'custom_attribute', id: `${key}:${customerId}`, object: { custom_attribute: { value: 'Latte' } } },
      { type: 'custom_attribute', id: `${key}:${customerId}`, object: { custom_attribute: { value: 'Mocha' } } },
    ]);
  });

  it('refuses a stale version (version -1 means any) and a read of a version not reached', async () => {
    const { client, define, customerId } = merchant();
    const { key } = await define();
    const attrs = client.customers.customAttributes;
    await attrs.upsert({ customerId, key: key!, customAttribute: { value: 'a' } });
    expect(await failure(attrs.upsert({ customerId, key: key!, customAttribute: { value: 'b', version: 5 } }))).toMatchObject({
      status: 409,
      errors: [{ code: 'CONFLICT' }],
    });
    expect((await attrs.upsert({ customerId, key: key!, customAttribute: { value: 'c', version: -1 } })).customAttribute?.version).toBe(2);
    expect(await failure(attrs.get({ customerId, key: key!, version: 3 }))).toMatchObject({ status: 400, errors: [{ code: 'BAD_REQUEST' }] });
  });

  it.each([
    ['String', 'x'.repeat(1001)], // over Square's 1,000 characters
    ['String', 7],
    ['Email', 'not-an-email'],
    ['PhoneNumber', '555-0100'],
    ['Number', 1.5],
    ['Number', '1.123456'],
    ['Boolean', 'true'],
    ['Date', '2025-02-30'],
    ['DateTime', 'yesterday'],
    ['Duration', 'P'],
    ['Address', 'Main Street'],
  ])('refuses a %s value that does not conform (case %$) with INVALID_VALUE', async (type, value) => {
    const { client, define, customerId } = merchant();
    const { key } = await define({ schema: TYPE(type) });
    expect(await failure(client.customers.customAttributes.upsert({ customerId, key: key!, customAttribute: { value } }))).toMatchObject({
      status: 400,
      errors: [{ code: 'INVALID_VALUE', field: 'custom_attribute.value' }],
    });
    expect((await client.customers.customAttributes.list({ customerId })).data).toEqual([]);
  });

  it.each([
    ['Email', 'ada@example.com'],
    ['PhoneNumber', '+14155550100'],
    ['Number', '-12.5'],
    ['Boolean', false],
    ['Date', '2024-02-29'],
    ['DateTime', '2025-01-01T10:00:00Z'],
    ['Duration', 'PT1H30M'],
    ['Address', { address_line_1: '1 Main St', postal_code: '94103' }],
  ])('accepts a %s value %j', async (type, value) => {
    const { client, define, customerId } = merchant();
    const { key } = await define({ schema: TYPE(type) });
    const { customAttribute } = await client.customers.customAttributes.upsert({ customerId, key: key!, customAttribute: { value } });
    expect(customAttribute?.value).toEqual(value);
  });

  it('gives Selection options ids, keeps them when options are renamed around them, and checks values against them', async () => {
    const { client, define, customerId } = merchant();
    const definition = await define({ schema: SELECTION(['Hot', 'Iced'], 2) });
    const schema = definition.schema as { items: { names: string[]; enum: string[] } };
    expect(schema.items.names).toEqual(['Hot', 'Iced']);
    const [hot, iced] = schema.items.enum;
    const attrs = client.customers.customAttributes;
    expect((await attrs.upsert({ customerId, key: definition.key!, customAttribute: { value: [iced, hot] } })).customAttribute?.value).toEqual([iced, hot]);
    for (const value of [['Hot'], [hot, hot], 'x']) {
      expect(await failure(attrs.upsert({ customerId, key: definition.key!, customAttribute: { value } }))).toMatchObject({ status: 400 });
    }
    const { customAttributeDefinition: updated } = await client.customers.customAttributeDefinitions.update({
      key: definition.key!,
      customAttributeDefinition: { schema: SELECTION(['Blended', 'Hot'], 1) },
    });
    const items = (updated!.schema as { items: { enum: string[] } }).items;
    expect(items.enum[1]).toBe(hot);
    expect(items.enum[0]).not.toBe(iced);
    const stringDef = await define();
    expect(
      await failure(client.customers.customAttributeDefinitions.update({ key: stringDef.key!, customAttributeDefinition: { schema: TYPE('Number') } })),
    ).toMatchObject({ status: 400, errors: [{ code: 'INVALID_VALUE', field: 'custom_attribute_definition.schema' }] });
  });

  it('answers NOT_FOUND for an unknown customer, definition or attribute', async () => {
    const { client, define, customerId } = merchant();
    const { key } = await define();
    const attrs = client.customers.customAttributes;
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => attrs.upsert({ customerId: 'NOPE', key: key!, customAttribute: { value: 'a' } }), 'customer_id'],
      [() => attrs.upsert({ customerId, key: 'nope', customAttribute: { value: 'a' } }), 'key'],
      [() => attrs.get({ customerId, key: key! }), 'key'],
      [() => attrs.delete({ customerId, key: key! }), 'key'],
      [() => attrs.list({ customerId: 'NOPE' }), 'customer_id'],
    ];
    for (const [call, field] of cases) expect(await failure(call())).toMatchObject({ status: 404, errors: [{ code: 'NOT_FOUND', field }] });
  });

  it('deletes a value with a webhook, and every value of a deleted definition or customer', async () => {
    const { client, define, customerId, merchantId, token } = merchant();
    const [a, b] = [(await define()).key!, (await define()).key!];
    const attrs = client.customers.customAttributes;
    const other = addCustomer(square, token, { given_name: 'Grace' });
    for (const id of [customerId, other]) for (const key of [a, b]) await attrs.upsert({ customerId: id, key, customAttribute: { value: 'v' } });

    await attrs.delete({ customerId, key: a });
    expect(merchantEvents(square, merchantId).filter((e) => e.type === 'customer.custom_attribute.owned.deleted').map((e) => e.data)).toMatchObject([
      { id: `${a}:${customerId}`, deleted: true },
    ]);
    await client.customers.customAttributeDefinitions.delete({ key: b });
    expect((await attrs.list({ customerId })).data).toEqual([]);
    expect((await attrs.list({ customerId: other })).data.map((x) => x.key)).toEqual([a]);

    await client.customers.delete({ customerId: other });
    expect(square.emulator.ctx.stores.customerAttributes.all(merchantId)).toEqual([]);
  });

  it('moves values to the profile a merge makes, each key from the first merged profile that has it', async () => {
    const { client, define, customerId, token, merchantId } = merchant();
    const [a, b] = [(await define()).key!, (await define()).key!];
    const other = addCustomer(square, token, { given_name: 'Grace' });
    const attrs = client.customers.customAttributes;
    await attrs.upsert({ customerId, key: a, customAttribute: { value: 'first' } });
    await attrs.upsert({ customerId: other, key: a, customAttribute: { value: 'second' } });
    await attrs.upsert({ customerId: other, key: b, customAttribute: { value: 'only' } });
    const response = await fetch(`${square.url}/_emulator/customers/merge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ from_customer_ids: [customerId, other] }),
    });
    const merged = ((await response.json()) as { customer: { id: string } }).customer.id;
    const values = (await attrs.list({ customerId: merged })).data.map((x) => [x.key, x.value]);
    expect(values.sort()).toEqual([[a, 'first'], [b, 'only']].sort());
    expect(square.emulator.ctx.stores.customerAttributes.all(merchantId).map((s) => s.doc.customer_id)).toEqual([merged, merged]);
  });

  it('sends events the SDK’s own webhook schemas accept', async () => {
    const { client, define, customerId, merchantId } = merchant();
    const { key } = await define();
    await client.customers.customAttributes.upsert({ customerId, key: key!, customAttribute: { value: 'a' } });
    const strict = { unrecognizedObjectKeys: 'fail', allowUnrecognizedEnumValues: false, skipValidation: false } as const;
    const [created, updated] = merchantEvents(square, merchantId);
    expect(serialization.CustomerCustomAttributeDefinitionOwnedCreatedEvent.parse(created, strict).ok).toBe(true);
    expect(serialization.CustomerCustomAttributeOwnedUpdatedEvent.parse(updated, strict).ok).toBe(true);
  });

  it('replays an upsert for the same idempotency key without a new version', async () => {
    const { client, define, customerId } = merchant();
    const { key } = await define();
    const request = { customerId, key: key!, idempotencyKey: 'u-1', customAttribute: { value: 'a' } };
    const first = await client.customers.customAttributes.upsert(request);
    expect((await client.customers.customAttributes.upsert(request)).customAttribute).toEqual(first.customAttribute);
    expect((await client.customers.customAttributes.get({ customerId, key: key! })).customAttribute?.version).toBe(1);
    expect(await failure(client.customers.customAttributes.upsert({ ...request, customAttribute: { value: 'b' } }))).toMatchObject({
      status: 400,
      errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }],
    });
  });
});

describe("custom attribute requests checked with Square's schemas", () => {
  it('refuses malformed upserts and reads with Square’s codes, and writes nothing', async () => {
    const { client, define, customerId, token } = merchant();
    const { key } = await define();
    const path = `/v2/customers/${customerId}/custom-attributes`;
    for (const [method, url, body, code, field] of [
      ['POST', `${path}/${key}`, { custom_attribute: { value: 'a', colour: 'red' } }, 'UNKNOWN_BODY_PARAMETER', 'custom_attribute.colour'],
      ['POST', `${path}/${key}`, { custom_attribute: { value: 'a', version: '1' } }, 'EXPECTED_INTEGER', 'custom_attribute.version'],
      ['POST', `${path}/${key}`, { custom_attribute: { value: 'a', visibility: 'PUBLIC' } }, 'INVALID_ENUM_VALUE', 'custom_attribute.visibility'],
      ['POST', `${path}/${key}`, { custom_attribute: { value: 'a' }, idempotency_key: 'x'.repeat(46) }, 'VALUE_TOO_LONG', 'idempotency_key'],
      ['POST', `${path}/${key}`, {}, 'MISSING_REQUIRED_PARAMETER', 'custom_attribute'],
      ['GET', `${path}?with_definitions=yes`, undefined, 'EXPECTED_BOOLEAN', 'with_definitions'],
      ['GET', `${path}?limit=101`, undefined, 'VALUE_TOO_HIGH', 'limit'],
      ['GET', `${path}/${key}?version=v1`, undefined, 'EXPECTED_INTEGER', 'version'],
      ['POST', '/v2/customers/custom-attributes/bulk-upsert', { values: { a: { customer_id: customerId, custom_attribute: { key }, extra: 1 } } }, 'UNKNOWN_BODY_PARAMETER', 'values.a.extra'],
      ['POST', '/v2/customers/custom-attributes/bulk-upsert', { values: 'a' }, 'EXPECTED_OBJECT', 'values'],
    ] as const) {
      const res = await square.raw(method, url, { token, body });
      expect({ status: res.status, error: res.body.errors?.[0] }).toMatchObject({ status: 400, error: { category: 'INVALID_REQUEST_ERROR', code, field } });
    }
    expect((await client.customers.customAttributes.list({ customerId })).data).toEqual([]);
  });

  it('checks each bulk entry’s lengths on its own', async () => {
    const { define, customerId, token } = merchant();
    const { key } = await define();
    const res = await square.raw('POST', '/v2/customers/custom-attributes/bulk-upsert', {
      token,
      body: {
        values: {
          long: { customer_id: customerId, custom_attribute: { key, value: 'a' }, idempotency_key: 'x'.repeat(46) },
          noCustomer: { customer_id: '', custom_attribute: { key, value: 'a' } },
          noKey: { customer_id: customerId, custom_attribute: { value: 'a' } },
          ok: { customer_id: customerId, custom_attribute: { key, value: 'b' } },
        },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.values.long.errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'idempotency_key' });
    expect(res.body.values.noCustomer.errors[0]).toMatchObject({ code: 'VALUE_TOO_SHORT', field: 'customer_id' });
    expect(res.body.values.noKey.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'custom_attribute.key' });
    expect(res.body.values.ok.custom_attribute).toMatchObject({ key, value: 'b', version: 1 });
  });
});

describe('BulkUpsertCustomerCustomAttributes', () => {
  it('upserts each entry on its own: a bad entry gets its errors and the others are written', async () => {
    const { client, define, customerId } = merchant();
    const { key } = await define();
    const { values } = await client.customers.customAttributeDefinitions.batchUpsert({
      values: {
        ok: { customerId, customAttribute: { key: key!, value: 'a' } },
        badValue: { customerId, customAttribute: { key: key!, value: 1 } },
        noCustomer: { customerId: 'NOPE', customAttribute: { key: key!, value: 'b' } },
        noDefinition: { customerId, customAttribute: { key: 'nope', value: 'b' } },
      },
    });
    expect(values?.ok).toMatchObject({ customerId, customAttribute: { key, value: 'a', version: 1 } });
    expect(values?.badValue?.errors?.[0]).toMatchObject({ code: 'INVALID_VALUE' });
    expect(values?.noCustomer?.errors?.[0]).toMatchObject({ code: 'NOT_FOUND', field: 'customer_id' });
    expect(values?.noDefinition?.errors?.[0]).toMatchObject({ code: 'NOT_FOUND', field: 'key' });
    expect((await client.customers.customAttributes.list({ customerId })).data.map((a) => a.value)).toEqual(['a']);
  });

  it('takes 1–25 entries and replays an entry for its idempotency key', async () => {
    const { client, define, customerId, token } = merchant();
    const { key } = await define();
    const entry = (value: string) => ({ customer_id: customerId, idempotency_key: 'e-1', custom_attribute: { key, value } });
    const post = (values: unknown) => square.raw('POST', '/v2/customers/custom-attributes/bulk-upsert', { token, body: { values } });
    expect((await post({})).body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_SHORT', field: 'values' });
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`e${i}`, entry('x')]));
    expect((await post(many)).body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_LONG', field: 'values' });
    const first = await post({ one: entry('a') });
    const again = await post({ two: entry('a') });
    expect(again.body.values.two).toEqual(first.body.values.one);
    expect((await post({ three: entry('b') })).body.values.three.errors[0]).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await client.customers.customAttributes.get({ customerId, key: key! })).customAttribute).toMatchObject({ value: 'a', version: 1 });
  });
});
