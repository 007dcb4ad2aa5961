import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SquareError, serialization, type Square } from 'square';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { merchantEvents, newMerchant } from '../support/fixtures.js';

const square = useEmulator();

const merchant = () => newMerchant(square);

async function fails(promise: Promise<unknown>): Promise<SquareError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SquareError);
  return error as SquareError;
}

async function expectError(promise: Promise<unknown>, status: number, code: string, field?: string) {
  const error = await fails(promise);
  expect(error.statusCode).toBe(status);
  expect(error.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, ...(field ? { field } : {}) });
  return error;
}

async function create(client: ReturnType<typeof square.client>, request: Square.CreateCustomerRequest) {
  return (await client.customers.create(request)).customer!;
}

const STRICT = { unrecognizedObjectKeys: 'fail', allowUnrecognizedEnumValues: false, skipValidation: false } as const;

/** Square sends `data.deleted: true` (its own example shows it) but the SDK's event schema has no such key. */
function isDeletedEvent(event: ReturnType<typeof merchantEvents>[number] | undefined): boolean {
  const { deleted, ...data } = event!.data;
  return deleted === true && serialization.CustomerDeletedEvent.parse({ ...event, data }, STRICT).ok;
}

describe('CreateCustomer', () => {
  it('creates a profile as Square does: version 0, THIRD_PARTY, subscribed, birthday without a year as 0000', async () => {
    const { client, merchantId } = merchant();
    const customer = await create(client, {
      givenName: 'Amelia',
      familyName: 'Earhart',
      nickname: 'Millie',
      companyName: 'Electra',
      emailAddress: 'Amelia.Earhart@example.com',
      phoneNumber: '+1-212-555-4240',
      referenceId: 'CRM-1',
      note: 'a customer',
      birthday: '07-24',
      taxIds: { euVat: 'IE3426675K' },
      address: { addressLine1: '500 Electric Ave', locality: 'New York', postalCode: '10003', country: 'US', firstName: 'Ignored' },
    });
    expect(customer).toMatchObject({
      givenName: 'Amelia',
      familyName: 'Earhart',
      nickname: 'Millie',
      companyName: 'Electra',
      emailAddress: 'Amelia.Earhart@example.com',
      phoneNumber: '+1-212-555-4240',
      referenceId: 'CRM-1',
      note: 'a customer',
      birthday: '0000-07-24',
      taxIds: { euVat: 'IE3426675K' },
      preferences: { emailUnsubscribed: false },
      creationSource: 'THIRD_PARTY',
      version: 0n,
    });
    expect(customer.address).toEqual({ addressLine1: '500 Electric Ave', locality: 'New York', postalCode: '10003', country: 'US' });
    expect(customer.id).toMatch(/^[A-Z0-9]{26}$/);
    expect(customer.createdAt).toBe(customer.updatedAt);
    expect(Date.parse(customer.createdAt!)).not.toBeNaN();

    const [event] = merchantEvents(square, merchantId, 'customer.created');
    expect(event?.data).toEqual({ type: 'customer', id: customer.id, object: { customer: expect.objectContaining({ id: customer.id, version: 0 }) } });
    expect(serialization.CustomerCreatedEvent.parse(event, STRICT).ok).toBe(true);
  });

  it('accepts a profile with only one of the public fields and a full birthday', async () => {
    const { client } = merchant();
    expect((await create(client, { companyName: 'Acme' })).companyName).toBe('Acme');
    expect((await create(client, { phoneNumber: '4155550123', birthday: '1998-09-21' })).birthday).toBe('1998-09-21');
    expect((await create(client, { emailAddress: 'x@example.com', birthday: '02-29' })).birthday).toBe('0000-02-29');
  });

  it('refuses a profile without name, company, email or phone', async () => {
    const { client } = merchant();
    const error = await expectError(client.customers.create({ note: 'nobody', givenName: '' }), 400, 'BAD_REQUEST');
    expect(error.errors[0]?.detail).toMatch(/given_name, family_name, company_name, email_address, or phone_number/);
    expect((await client.customers.list()).data).toEqual([]);
  });

  it.each([
    ['given_name', { given_name: 'x'.repeat(301) }],
    ['family_name', { family_name: 'x'.repeat(301) }],
    ['company_name', { company_name: 'x'.repeat(501) }],
    ['nickname', { given_name: 'a', nickname: 'x'.repeat(101) }],
    ['email_address', { email_address: `${'x'.repeat(243)}@example.com` }],
    ['reference_id', { given_name: 'a', reference_id: 'x'.repeat(101) }],
    ['tax_ids.eu_vat', { given_name: 'a', tax_ids: { eu_vat: 'X'.repeat(21) } }],
  ])('answers VALUE_TOO_LONG for %s over its limit', async (field, body) => {
    const res = await square.raw('POST', '/v2/customers', { body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'VALUE_TOO_LONG', field });
  });

  it('accepts values at the length limits', async () => {
    const res = await square.raw('POST', '/v2/customers', {
      body: { given_name: 'x'.repeat(300), company_name: 'x'.repeat(500), email_address: `${'x'.repeat(242)}@example.com` },
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ['email_address', 'INVALID_EMAIL_ADDRESS', { email_address: 'not-an-email' }],
    ['email_address', 'INVALID_EMAIL_ADDRESS', { given_name: 'a', email_address: 'a@b' }],
    ['phone_number', 'INVALID_PHONE_NUMBER', { phone_number: '12345678' }],
    ['phone_number', 'INVALID_PHONE_NUMBER', { phone_number: '+1 415 555 0123 4567 89' }],
    ['phone_number', 'INVALID_PHONE_NUMBER', { phone_number: '415%555%0123' }],
    ['birthday', 'INVALID_TIME', { given_name: 'a', birthday: '1990-02-30' }],
    ['birthday', 'INVALID_TIME', { given_name: 'a', birthday: '1990/02/03' }],
    ['birthday', 'INVALID_TIME', { given_name: 'a', birthday: '13-01' }],
    ['tax_ids.eu_vat', 'INVALID_VALUE', { given_name: 'a', tax_ids: { eu_vat: 'IE-342' } }],
    ['address.country', 'INVALID_ENUM_VALUE', { given_name: 'a', address: { country: 'XX' } }],
    ['given_name', 'EXPECTED_STRING', { given_name: 42 }],
  ])('answers %s %s for an invalid value', async (field, code, body) => {
    const res = await square.raw('POST', '/v2/customers', { body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
  });

  it('replays the same idempotency key with the same body and refuses it with another body', async () => {
    const { client, merchantId } = merchant();
    const key = randomUUID();
    const first = await create(client, { idempotencyKey: key, givenName: 'Once' });
    const again = await create(client, { idempotencyKey: key, givenName: 'Once' });
    expect(again).toEqual(first);
    expect((await client.customers.list()).data).toHaveLength(1);
    expect(merchantEvents(square, merchantId, 'customer.created')).toHaveLength(1);

    await expectError(client.customers.create({ idempotencyKey: key, givenName: 'Twice' }), 400, 'IDEMPOTENCY_KEY_REUSED', 'idempotency_key');
    // Without a key every call creates a profile.
    await create(client, { givenName: 'Same' });
    await create(client, { givenName: 'Same' });
    expect((await client.customers.list()).data).toHaveLength(3);
  });

  it('lets a corrected request reuse the key of a rejected one', async () => {
    const { client } = merchant();
    const key = randomUUID();
    await expectError(client.customers.create({ idempotencyKey: key, emailAddress: 'bad' }), 400, 'INVALID_EMAIL_ADDRESS');
    expect((await create(client, { idempotencyKey: key, emailAddress: 'good@example.com' })).emailAddress).toBe('good@example.com');
  });
});

describe('RetrieveCustomer', () => {
  it('returns the profile and 404 NOT_FOUND for an unknown id', async () => {
    const { client } = merchant();
    const created = await create(client, { givenName: 'Ret' });
    expect((await client.customers.get({ customerId: created.id! })).customer).toEqual(created);
    const error = await expectError(client.customers.get({ customerId: 'NOPE' }), 404, 'NOT_FOUND');
    expect(error.errors[0]?.detail).toBe('Customer with ID `NOPE` not found.');
  });
});

describe('UpdateCustomer', () => {
  it('updates sparsely, bumps version and updated_at, and emits customer.updated', async () => {
    const { client, merchantId } = merchant();
    const created = await create(client, {
      givenName: 'Old',
      familyName: 'Name',
      emailAddress: 'old@example.com',
      address: { addressLine1: '1 Main St', locality: 'Oakland', postalCode: '94608' },
    });
    await sleep(2);
    const { customer } = await client.customers.update({
      customerId: created.id!,
      givenName: 'New',
      address: { postalCode: '94609' },
      version: 0n,
    });
    expect(customer).toMatchObject({
      id: created.id,
      givenName: 'New',
      familyName: 'Name',
      emailAddress: 'old@example.com',
      address: { addressLine1: '1 Main St', locality: 'Oakland', postalCode: '94609' },
      version: 1n,
      createdAt: created.createdAt,
      creationSource: 'THIRD_PARTY',
    });
    expect(customer!.updatedAt! > created.updatedAt!).toBe(true);
    expect((await client.customers.get({ customerId: created.id! })).customer).toEqual(customer);

    const [event] = merchantEvents(square, merchantId, 'customer.updated');
    expect(event?.data).toMatchObject({ type: 'customer', id: created.id, object: { customer: { given_name: 'New', version: 1 } } });
    expect(serialization.CustomerUpdatedEvent.parse(event, STRICT).ok).toBe(true);

    // Without a version the update always applies, and still counts.
    expect((await client.customers.update({ customerId: created.id!, note: 'n' })).customer?.version).toBe(2n);
  });

  it('removes fields given as null or as an empty string', async () => {
    const { client, token } = merchant();
    const created = await create(client, {
      givenName: 'Clear',
      familyName: 'Me',
      phoneNumber: '+14155550100',
      note: 'note',
      birthday: '1990-01-02',
      address: { addressLine1: '1 Main St', locality: 'Oakland' },
      taxIds: { euVat: 'IE1' },
    });
    const { customer } = await client.customers.update({ customerId: created.id!, phoneNumber: null, note: '' });
    expect(customer?.phoneNumber).toBeUndefined();
    expect(customer?.note).toBeUndefined();
    const raw = await square.raw('PUT', `/v2/customers/${created.id}`, {
      token,
      body: { birthday: null, address: { locality: null }, tax_ids: null },
    });
    expect(raw.status).toBe(200);
    expect(raw.body.customer).not.toHaveProperty('birthday');
    expect(raw.body.customer).not.toHaveProperty('tax_ids');
    expect(raw.body.customer.address).toEqual({ address_line_1: '1 Main St' });
    const cleared = await square.raw('PUT', `/v2/customers/${created.id}`, { token, body: { address: null } });
    expect(cleared.body.customer).not.toHaveProperty('address');
    expect(cleared.body.customer).toMatchObject({ given_name: 'Clear', family_name: 'Me', version: 3 });
  });

  it('refuses a stale version with 409 CONFLICT and changes nothing', async () => {
    const { client } = merchant();
    const created = await create(client, { givenName: 'V' });
    await client.customers.update({ customerId: created.id!, givenName: 'V1', version: 0n });
    const error = await expectError(client.customers.update({ customerId: created.id!, givenName: 'V2', version: 0n }), 409, 'CONFLICT', 'version');
    expect(error.errors[0]?.detail).toMatch(/version/);
    expect((await client.customers.get({ customerId: created.id! })).customer).toMatchObject({ givenName: 'V1', version: 1n });
  });

  it('validates updated values like a create and answers 404 for an unknown profile', async () => {
    const { client } = merchant();
    const created = await create(client, { givenName: 'Valid' });
    await expectError(client.customers.update({ customerId: created.id!, emailAddress: 'nope' }), 400, 'INVALID_EMAIL_ADDRESS', 'email_address');
    await expectError(client.customers.update({ customerId: created.id!, phoneNumber: 'abc' }), 400, 'INVALID_PHONE_NUMBER', 'phone_number');
    await expectError(client.customers.update({ customerId: created.id!, givenName: 'x'.repeat(301) }), 400, 'VALUE_TOO_LONG', 'given_name');
    expect((await client.customers.get({ customerId: created.id! })).customer?.version).toBe(0n);
    await expectError(client.customers.update({ customerId: 'NOPE', givenName: 'x' }), 404, 'NOT_FOUND');
  });
});

describe('DeleteCustomer', () => {
  it('deletes a profile, answers {} and emits customer.deleted with data.deleted', async () => {
    const { client, merchantId, token } = merchant();
    const created = await create(client, { givenName: 'Gone' });
    const res = await square.raw('DELETE', `/v2/customers/${created.id}`, { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    await expectError(client.customers.get({ customerId: created.id! }), 404, 'NOT_FOUND');
    await expectError(client.customers.delete({ customerId: created.id! }), 404, 'NOT_FOUND');
    const [event] = merchantEvents(square, merchantId, 'customer.deleted');
    expect(event?.data).toMatchObject({ type: 'customer', id: created.id, deleted: true, object: { customer: { id: created.id } } });
    expect(isDeletedEvent(event)).toBe(true);
  });

  it('checks the optional version', async () => {
    const { client } = merchant();
    const created = await create(client, { givenName: 'Versioned' });
    await client.customers.update({ customerId: created.id!, note: 'bump' });
    await expectError(client.customers.delete({ customerId: created.id!, version: 0n }), 409, 'CONFLICT', 'version');
    await client.customers.delete({ customerId: created.id!, version: 1n });
    await expectError(client.customers.get({ customerId: created.id! }), 404, 'NOT_FOUND');
  });
});

describe('ListCustomers', () => {
  it('sorts by name by default, by creation on request, and counts when asked', async () => {
    const { client } = merchant();
    const names = ['Dana Zee', 'anna Young', 'Carl Xu'];
    for (const name of names) {
      const [givenName, familyName] = name.split(' ');
      await create(client, { givenName, familyName });
    }
    await create(client, { companyName: 'Bakery Inc' });
    const byName = await client.customers.list();
    expect(byName.data.map((c) => c.givenName ?? c.companyName)).toEqual(['anna', 'Bakery Inc', 'Carl', 'Dana']);
    expect(byName.response.count).toBeUndefined();
    expect(byName.response.cursor).toBeUndefined();

    const desc = await client.customers.list({ sortField: 'DEFAULT', sortOrder: 'DESC', count: true });
    expect(desc.data.map((c) => c.givenName ?? c.companyName)).toEqual(['Dana', 'Carl', 'Bakery Inc', 'anna']);
    expect(desc.response.count).toBe(4n);

    const created = await client.customers.list({ sortField: 'CREATED_AT', sortOrder: 'DESC' });
    expect(created.data.map((c) => c.givenName ?? c.companyName)).toEqual(['Bakery Inc', 'Carl', 'anna', 'Dana']);
  });

  it('answers {} for a merchant without customers, with count 0 when asked', async () => {
    const { token } = merchant();
    expect((await square.raw('GET', '/v2/customers', { token })).body).toEqual({});
    expect((await square.raw('GET', '/v2/customers?count=true', { token })).body).toEqual({ count: 0 });
  });

  it('leaves out profiles whose public fields were all removed', async () => {
    const { client } = merchant();
    const hidden = await create(client, { givenName: 'Hidden', note: 'n' });
    await create(client, { givenName: 'Shown' });
    await client.customers.update({ customerId: hidden.id!, givenName: null });
    const page = await client.customers.list({ count: true });
    expect(page.data.map((c) => c.givenName)).toEqual(['Shown']);
    expect(page.response.count).toBe(1n);
    expect((await client.customers.get({ customerId: hidden.id! })).customer?.note).toBe('n');
  });

  it.each([
    ['0', 'VALUE_TOO_LOW'],
    ['101', 'VALUE_TOO_HIGH'],
    ['ten', 'EXPECTED_INTEGER'],
  ])('refuses limit=%s with %s', async (limit, code) => {
    const res = await square.raw('GET', `/v2/customers?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code, field: 'limit' });
  });

  it('refuses unknown sort values and bad cursors', async () => {
    expect((await square.raw('GET', '/v2/customers?sort_field=NAME')).body.errors[0]).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      field: 'sort_field',
    });
    expect((await square.raw('GET', '/v2/customers?cursor=garbage')).body.errors[0]).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('pages by creation time without repeating or skipping when profiles are added between pages', async () => {
    const { client, token } = merchant();
    for (let i = 1; i <= 5; i++) await create(client, { givenName: `C${i}` });
    const page1 = await client.customers.list({ limit: 2, sortField: 'CREATED_AT' });
    expect(page1.data.map((c) => c.givenName)).toEqual(['C1', 'C2']);
    await create(client, { givenName: 'C6' });
    const page2 = await client.customers.list({ limit: 2, sortField: 'CREATED_AT', cursor: page1.response.cursor! });
    expect(page2.data.map((c) => c.givenName)).toEqual(['C3', 'C4']);
    const page3 = await client.customers.list({ limit: 2, sortField: 'CREATED_AT', cursor: page2.response.cursor! });
    expect(page3.data.map((c) => c.givenName)).toEqual(['C5', 'C6']);
    expect(page3.response.cursor).toBeUndefined();

    // A cursor only continues the query it came from.
    const other = await square.raw('GET', `/v2/customers?sort_field=DEFAULT&cursor=${page1.response.cursor}`, { token });
    expect(other.body.errors[0]).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('pages by name keyset: a profile inserted before the cursor is not shown, one after it is', async () => {
    const { client } = merchant();
    for (const givenName of ['Bob', 'Dan', 'Fay', 'Hal']) await create(client, { givenName });
    const page1 = await client.customers.list({ limit: 2 });
    expect(page1.data.map((c) => c.givenName)).toEqual(['Bob', 'Dan']);
    await create(client, { givenName: 'Ann' });
    await create(client, { givenName: 'Eve' });
    const page2 = await client.customers.list({ limit: 2, cursor: page1.response.cursor! });
    expect(page2.data.map((c) => c.givenName)).toEqual(['Eve', 'Fay']);
    const page3 = await client.customers.list({ limit: 2, cursor: page2.response.cursor! });
    expect(page3.data.map((c) => c.givenName)).toEqual(['Hal']);
    expect(page3.hasNextPage()).toBe(false);
  });

  it('walks every page through the SDK iterator', async () => {
    const { client } = merchant();
    await client.customers.batchCreate({
      customers: Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`k${i}`, { givenName: `P${i}` }])),
    });
    const seen: string[] = [];
    for await (const customer of await client.customers.list({ limit: 3 })) seen.push(customer.givenName!);
    expect(seen).toEqual(['P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
  });
});

describe('SearchCustomers', () => {
  async function people() {
    const m = merchant();
    const a = await create(m.client, {
      givenName: 'Steven',
      familyName: 'Johnson',
      emailAddress: 'Steven.Johnson@Gmail.com',
      phoneNumber: '+1-415-212-1200',
      referenceId: 'NYC_M_35_JOHNSON',
    });
    const b = await create(m.client, {
      givenName: 'Mary',
      emailAddress: 'mygmail@stevensbakery.com',
      phoneNumber: '(212) 415-1234',
      referenceId: 'NYC_27_MURRAY',
    });
    const c = await create(m.client, {
      givenName: 'Zed',
      emailAddress: 'zed@example.com',
      phoneNumber: '+1 (551) 234-1567',
      referenceId: 'SF_1',
    });
    const ids = { a: a.id!, b: b.id!, c: c.id! };
    const search = async (filter: Square.CustomerFilter, extra: Omit<Square.SearchCustomersRequest, 'query'> = {}) => {
      const res = await m.client.customers.search({ query: { filter }, ...extra });
      return (res.customers ?? []).map((x) => Object.entries(ids).find(([, id]) => id === x.id)![0]);
    };
    return { ...m, ids, search };
  }

  it('returns everyone sorted by name without a query, and {} when nothing matches', async () => {
    const { client, token, search } = await people();
    expect((await client.customers.search()).customers?.map((c) => c.givenName)).toEqual(['Mary', 'Steven', 'Zed']);
    const res = await square.raw('POST', '/v2/customers/search', { token, body: { query: { filter: { email_address: { exact: 'no@one.com' } } } } });
    expect(res.body).toEqual({});
    expect(await search({ emailAddress: { exact: 'no@one.com' } }, { count: true })).toEqual([]);
  });

  it('filters by email: exact is case-insensitive, fuzzy matches every token', async () => {
    const { search } = await people();
    expect(await search({ emailAddress: { exact: 'steven.johnson@gmail.com' } })).toEqual(['a']);
    expect(await search({ emailAddress: { exact: 'steven' } })).toEqual([]);
    expect(await search({ emailAddress: { fuzzy: 'Steven gmail' } })).toEqual(['b', 'a']);
    expect(await search({ emailAddress: { fuzzy: 'example.com' } })).toEqual(['c']);
  });

  it('filters by phone: exact compares E.164 forms, fuzzy compares digits token by token', async () => {
    const { search } = await people();
    expect(await search({ phoneNumber: { exact: '+14152121200' } })).toEqual(['a']);
    expect(await search({ phoneNumber: { exact: '+1 (212) 415-1234' } })).toEqual(['b']);
    expect(await search({ phoneNumber: { fuzzy: '415' } })).toEqual(['b', 'a', 'c']);
    expect(await search({ phoneNumber: { fuzzy: '415 123' } })).toEqual(['b', 'c']);
  });

  it('filters by reference id: exact as given, fuzzy by tokens', async () => {
    const { search } = await people();
    expect(await search({ referenceId: { exact: 'SF_1' } })).toEqual(['c']);
    expect(await search({ referenceId: { fuzzy: 'NYC M' } })).toEqual(['b', 'a']);
    expect(await search({ referenceId: { fuzzy: 'johnson' } })).toEqual(['a']);
  });

  it('filters by created_at and updated_at ranges (start inclusive, end exclusive)', async () => {
    const { client, search, ids } = await people();
    await sleep(3);
    const mid = new Date().toISOString();
    await sleep(3);
    const later = await create(client, { givenName: 'Later' });
    const names = async (filter: Square.CustomerFilter) =>
      ((await client.customers.search({ query: { filter } })).customers ?? []).map((c) => c.givenName);
    expect(await names({ createdAt: { startAt: mid } })).toEqual(['Later']);
    expect(await names({ createdAt: { endAt: mid } })).toEqual(['Mary', 'Steven', 'Zed']);
    expect(await names({ createdAt: { startAt: later.createdAt!, endAt: later.createdAt! } })).toEqual([]);

    await sleep(3);
    const beforeUpdate = new Date().toISOString();
    await client.customers.update({ customerId: ids.b, note: 'touched' });
    expect(await search({ updatedAt: { startAt: beforeUpdate } })).toEqual(['b']);
    expect(await names({ updatedAt: { startAt: mid, endAt: beforeUpdate } })).toEqual(['Later']);
  });

  it('filters by creation source and by group membership', async () => {
    const { search } = await people();
    expect(await search({ creationSource: { values: ['THIRD_PARTY'] } })).toEqual(['b', 'a', 'c']);
    expect(await search({ creationSource: { values: ['THIRD_PARTY'], rule: 'EXCLUDE' } })).toEqual([]);
    expect(await search({ creationSource: { values: ['MERGE'] } })).toEqual([]);
    expect(await search({ groupIds: { any: ['GROUP1'] } })).toEqual([]);
    expect(await search({ groupIds: { none: ['GROUP1'] } })).toEqual(['b', 'a', 'c']);
  });

  it('combines filters with AND, sorts by creation on request and counts the matches', async () => {
    const { client, ids } = await people();
    const res = await client.customers.search({
      query: { filter: { phoneNumber: { fuzzy: '415' }, emailAddress: { fuzzy: 'gmail' } }, sort: { field: 'CREATED_AT', order: 'DESC' } },
      count: true,
    });
    expect(res.customers?.map((c) => c.id)).toEqual([ids.b, ids.a]);
    expect(res.count).toBe(2n);
  });

  it('pages through matches with a cursor tied to the query', async () => {
    const { client, token } = await people();
    const query = { filter: { phoneNumber: { fuzzy: '415' } } };
    const page1 = await client.customers.search({ query, limit: 2n, count: true });
    expect(page1.customers?.map((c) => c.givenName)).toEqual(['Mary', 'Steven']);
    expect(page1.count).toBe(3n);
    await create(client, { givenName: 'Aaron', phoneNumber: '+14155550000' });
    await create(client, { givenName: 'Zoe', phoneNumber: '+14155550001' });
    const page2 = await client.customers.search({ query, limit: 2n, cursor: page1.cursor! });
    expect(page2.customers?.map((c) => c.givenName)).toEqual(['Zed', 'Zoe']);
    expect(page2.cursor).toBeUndefined();
    const mismatch = await square.raw('POST', '/v2/customers/search', { token, body: { limit: 2, cursor: page1.cursor } });
    expect(mismatch.body.errors[0]).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it.each([
    [{ limit: 0 }, 'VALUE_TOO_LOW', 'limit'],
    [{ limit: 101 }, 'VALUE_TOO_HIGH', 'limit'],
    [{ query: { filter: { email_address: { exact: 'a@b.co', fuzzy: 'a' } } } }, 'CONFLICTING_PARAMETERS', 'query.filter.email_address'],
    [{ query: { filter: { created_at: { start_at: 'yesterday' } } } }, 'INVALID_TIME', 'query.filter.created_at.start_at'],
    [{ query: { filter: { updated_at: { start_at: '2024-02-01T00:00:00Z', end_at: '2024-01-01T00:00:00Z' } } } }, 'INVALID_TIME_RANGE', 'query.filter.updated_at'],
    [{ query: { sort: { field: 'NAME' } } }, 'INVALID_ENUM_VALUE', 'query.sort.field'],
    [{ query: { filter: { creation_source: { values: ['NOWHERE'] } } } }, 'INVALID_ENUM_VALUE', 'query.filter.creation_source.values[0]'],
  ])('refuses %j with %s', async (body, code, field) => {
    const res = await square.raw('POST', '/v2/customers/search', { body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
  });

  it('answers BAD_REQUEST for an unknown segment id', async () => {
    const res = await square.raw('POST', '/v2/customers/search', { body: { query: { filter: { segment_ids: { all: ['SEG1'] } } } } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'BAD_REQUEST', detail: expect.stringContaining('SEG1') });
  });
});

describe('SearchCustomers by custom attribute', () => {
  it('refuses a key without a definition as Square does, and a defined one at its field as not emulated, never ignoring it', async () => {
    const { client } = merchant();
    await client.customers.customAttributeDefinitions.create({
      customAttributeDefinition: { key: 'favorite-drink', schema: { $ref: 'https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common.String' } },
    });
    const search = (key: string) =>
      client.customers.search({ query: { filter: { customAttribute: { filters: [{ key, filter: { text: { exact: 'Flat White' } } }] } } } }).catch((e: unknown) => e as SquareError);
    expect(await search('favorite-drink')).toMatchObject({
      statusCode: 400,
      errors: [{ code: 'INVALID_VALUE', field: 'query.filter.custom_attribute.filters[0]', detail: expect.stringContaining('does not filter') }],
    });
    expect(await search('no-such-key')).toMatchObject({ statusCode: 400, errors: [{ code: 'BAD_REQUEST', field: 'query.filter.custom_attribute.filters[0].key' }] });
  });
});

describe('bulk endpoints', () => {
  it('BulkCreateCustomers answers per idempotency key and replays keys', async () => {
    const { client, merchantId } = merchant();
    const request = {
      customers: {
        k1: { givenName: 'Amelia', emailAddress: 'amelia@example.com' },
        k2: { familyName: 'Curie', birthday: '11-07' },
        k3: { note: 'no public field' },
        k4: { givenName: 'Bad', emailAddress: 'bad' },
      },
    };
    const { responses } = await client.customers.batchCreate(request);
    expect(responses?.k1?.customer).toMatchObject({ givenName: 'Amelia', version: 0n, creationSource: 'THIRD_PARTY' });
    expect(responses?.k2?.customer).toMatchObject({ familyName: 'Curie', birthday: '0000-11-07' });
    expect(responses?.k3?.errors?.[0]).toMatchObject({ code: 'BAD_REQUEST' });
    expect(responses?.k3?.customer).toBeUndefined();
    expect(responses?.k4?.errors?.[0]).toMatchObject({ code: 'INVALID_EMAIL_ADDRESS', field: 'email_address' });
    expect(merchantEvents(square, merchantId, 'customer.created')).toHaveLength(2);

    const replay = await client.customers.batchCreate({ customers: { k1: request.customers.k1, k5: { givenName: 'New' } } });
    expect(replay.responses?.k1?.customer).toEqual(responses?.k1?.customer);
    expect(replay.responses?.k5?.customer?.givenName).toBe('New');
    const reused = await client.customers.batchCreate({ customers: { k1: { givenName: 'Other' } } });
    expect(reused.responses?.k1?.errors?.[0]).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await client.customers.list({ count: true })).response.count).toBe(3n);
  });

  it('BulkCreateCustomers takes 1 to 100 requests', async () => {
    const empty = await square.raw('POST', '/v2/customers/bulk-create', { body: { customers: {} } });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_SHORT', field: 'customers' });
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, { given_name: 'x' }]));
    const tooMany = await square.raw('POST', '/v2/customers/bulk-create', { body: { customers: many } });
    expect(tooMany.body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_LONG', field: 'customers' });
    const missing = await square.raw('POST', '/v2/customers/bulk-create', { body: {} });
    expect(missing.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'customers' });
  });

  it('BulkRetrieveCustomers answers 200 with a customer or NOT_FOUND per id', async () => {
    const { client } = merchant();
    const a = await create(client, { givenName: 'A' });
    const { responses } = await client.customers.bulkRetrieveCustomers({ customerIds: [a.id!, 'MISSING'] });
    expect(responses?.[a.id!]?.customer).toEqual(a);
    expect(responses?.MISSING?.errors).toEqual([
      { category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: 'Customer with ID `MISSING` not found.' },
    ]);
    const empty = await square.raw('POST', '/v2/customers/bulk-retrieve', { body: { customer_ids: [] } });
    expect(empty.body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_SHORT', field: 'customer_ids' });
    const tooMany = await square.raw('POST', '/v2/customers/bulk-retrieve', { body: { customer_ids: Array(101).fill('X') } });
    expect(tooMany.body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_LONG', field: 'customer_ids' });
  });

  it('BulkUpdateCustomers updates each profile or reports its own error', async () => {
    const { client, merchantId } = merchant();
    const a = await create(client, { givenName: 'A' });
    const b = await create(client, { givenName: 'B' });
    const c = await create(client, { givenName: 'C' });
    const { responses } = await client.customers.bulkUpdateCustomers({
      customers: {
        [a.id!]: { note: 'updated', version: 0n },
        [b.id!]: { note: 'stale', version: 5n },
        [c.id!]: { emailAddress: 'bad' },
        MISSING: { note: 'x' },
      },
    });
    expect(responses?.[a.id!]?.customer).toMatchObject({ note: 'updated', version: 1n });
    expect(responses?.[b.id!]?.errors?.[0]).toMatchObject({ code: 'CONFLICT', field: 'version' });
    expect(responses?.[c.id!]?.errors?.[0]).toMatchObject({ code: 'INVALID_EMAIL_ADDRESS' });
    expect(responses?.MISSING?.errors?.[0]).toMatchObject({ code: 'NOT_FOUND' });
    expect((await client.customers.get({ customerId: b.id! })).customer).toEqual(b);
    expect(merchantEvents(square, merchantId, 'customer.updated').map((e) => e.data.id)).toEqual([a.id]);
  });

  it('BulkDeleteCustomers deletes each profile or reports NOT_FOUND', async () => {
    const { client, merchantId } = merchant();
    const a = await create(client, { givenName: 'A' });
    const b = await create(client, { givenName: 'B' });
    const { responses } = await client.customers.bulkDeleteCustomers({ customerIds: [a.id!, 'MISSING'] });
    expect(responses?.[a.id!]).toEqual({});
    expect(responses?.MISSING?.errors?.[0]).toMatchObject({ code: 'NOT_FOUND' });
    expect((await client.customers.list()).data.map((c) => c.id)).toEqual([b.id]);
    expect(merchantEvents(square, merchantId, 'customer.deleted').map((e) => [e.data.id, e.data.deleted])).toEqual([[a.id, true]]);
  });
});

describe("requests checked with Square's schemas", () => {
  it.each([
    ['POST', '/v2/customers', { given_name: 'a', favourite_colour: 'red' }, 'UNKNOWN_BODY_PARAMETER', 'favourite_colour'],
    ['POST', '/v2/customers', { given_name: 'a', address: { street: 'x' } }, 'UNKNOWN_BODY_PARAMETER', 'address.street'],
    ['POST', '/v2/customers/search', { count: 'yes' }, 'EXPECTED_BOOLEAN', 'count'],
    ['POST', '/v2/customers/search', { limit: '10' }, 'EXPECTED_INTEGER', 'limit'],
    ['POST', '/v2/customers/search', { query: { filter: { name: 'a' } } }, 'UNKNOWN_BODY_PARAMETER', 'query.filter.name'],
    ['POST', '/v2/customers/search', { query: { sort: { order: 'UP' } } }, 'INVALID_ENUM_VALUE', 'query.sort.order'],
    ['POST', '/v2/customers/bulk-create', { customers: { k1: { given_name: 'a', colour: 'red' } } }, 'UNKNOWN_BODY_PARAMETER', 'customers.k1.colour'],
    ['POST', '/v2/customers/bulk-create', { customers: [] }, 'EXPECTED_OBJECT', 'customers'],
    ['POST', '/v2/customers/bulk-delete', { customer_ids: [7] }, 'EXPECTED_STRING', 'customer_ids[0]'],
    ['POST', '/v2/customers/bulk-delete', { customer_ids: ['A'], force: true }, 'UNKNOWN_BODY_PARAMETER', 'force'],
  ])('%s %s %j → %s', async (method, path, body, code, field) => {
    const res = await square.raw(method, path, { body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code, field });
  });

  it('answers EXPECTED_ARRAY for a list given as something else', async () => {
    for (const [path, body, field] of [
      ['/v2/customers/search', { query: { filter: { group_ids: { any: 'G1' } } } }, 'query.filter.group_ids.any'],
      ['/v2/customers/bulk-retrieve', { customer_ids: 'A' }, 'customer_ids'],
    ] as const) {
      const res = await square.raw('POST', path, { body });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ category: 'INVALID_REQUEST_ERROR', code: 'EXPECTED_ARRAY', field })]);
    }
    // Finding the field parses the body once per place in it: in a body of hundreds of places it is not looked for.
    const padding = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`extra_${i}`, i]));
    const large = await square.raw('POST', '/v2/customers/bulk-retrieve', { body: { customer_ids: 'A', ...padding } });
    expect(large.status).toBe(400);
    const array = large.body.errors.find((e: { code: string }) => e.code === 'EXPECTED_ARRAY');
    expect(array).toMatchObject({ code: 'EXPECTED_ARRAY' });
    expect(array.field).toBeFalsy();
  });

  it('checks UpdateCustomer and BulkUpdateCustomers the same way', async () => {
    const { client, token } = merchant();
    const a = await create(client, { givenName: 'A' });
    const put = (body: unknown) => square.raw('PUT', `/v2/customers/${a.id}`, { token, body });
    expect((await put({ version: 'zero' })).body.errors[0]).toMatchObject({ code: 'EXPECTED_INTEGER', field: 'version' });
    expect((await put({ id: 'OTHER' })).body.errors[0]).toMatchObject({ code: 'UNKNOWN_BODY_PARAMETER', field: 'id' });
    expect((await put({ address: { country: 'XX' } })).body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'address.country' });
    expect((await put({ nickname: 'x'.repeat(101) })).body.errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'nickname' });
    const bulk = await square.raw('POST', '/v2/customers/bulk-update', { token, body: { customers: { [a.id!]: { note: 1 } } } });
    expect(bulk.body.errors[0]).toMatchObject({ code: 'EXPECTED_STRING', field: `customers.${a.id}.note` });
    expect((await client.customers.get({ customerId: a.id! })).customer).toEqual(a);
  });

  it('checks lengths profile by profile in the bulk endpoints: a profile over a limit gets its own error', async () => {
    const { client, token } = merchant();
    const a = await create(client, { givenName: 'A' });
    const created = await square.raw('POST', '/v2/customers/bulk-create', {
      token,
      body: { customers: { long: { given_name: 'x'.repeat(301) }, ok: { given_name: 'Ok' } } },
    });
    expect(created.status).toBe(200);
    expect(created.body.responses.long.errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'given_name' });
    expect(created.body.responses.ok.customer.given_name).toBe('Ok');
    const updated = await square.raw('POST', '/v2/customers/bulk-update', {
      token,
      body: { customers: { [a.id!]: { reference_id: 'x'.repeat(101) } } },
    });
    expect(updated.body.responses[a.id!].errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'reference_id' });
  });

  it('reads DeleteCustomer’s version as an int64 and refuses one that is not an integer', async () => {
    const { client, token } = merchant();
    const a = await create(client, { givenName: 'A' });
    const bad = await square.raw('DELETE', `/v2/customers/${a.id}?version=latest`, { token });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ code: 'EXPECTED_INTEGER', field: 'version' });
    await expectError(client.customers.delete({ customerId: a.id!, version: 1n }), 409, 'CONFLICT', 'version');
    await client.customers.delete({ customerId: a.id!, version: 0n });
    await expectError(client.customers.get({ customerId: a.id! }), 404, 'NOT_FOUND');
  });

  it('refuses a malformed ListCustomers query', async () => {
    expect((await square.raw('GET', '/v2/customers?sort_order=UP')).body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'sort_order' });
  });
});

describe('tenant isolation', () => {
  it('never lets another merchant see or change a profile', async () => {
    const owner = merchant();
    const other = merchant();
    const a = await create(owner.client, { givenName: 'Private', emailAddress: 'private@example.com' });
    await expectError(other.client.customers.get({ customerId: a.id! }), 404, 'NOT_FOUND');
    await expectError(other.client.customers.update({ customerId: a.id!, givenName: 'Hacked' }), 404, 'NOT_FOUND');
    await expectError(other.client.customers.delete({ customerId: a.id! }), 404, 'NOT_FOUND');
    expect((await other.client.customers.list()).data).toEqual([]);
    expect((await other.client.customers.search({ query: { filter: { emailAddress: { exact: 'private@example.com' } } } })).customers).toBeUndefined();
    const bulk = await other.client.customers.bulkRetrieveCustomers({ customerIds: [a.id!] });
    expect(bulk.responses?.[a.id!]?.errors?.[0]?.code).toBe('NOT_FOUND');
    const merge = await mergeCall(other.token, [a.id!, a.id! + 'X']);
    expect(merge.status).toBe(404);
    expect((await owner.client.customers.get({ customerId: a.id! })).customer).toEqual(a);
  });
});

async function mergeCall(token: string | null, ids: unknown) {
  const response = await fetch(`${square.url}/_emulator/customers/merge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ from_customer_ids: ids }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('merging profiles (control plane)', () => {
  it('creates a MERGE profile from the first non-empty values, moves cards and gift cards, keeps orders', async () => {
    const { client, token, merchantId } = merchant();
    const { stores } = square.emulator.ctx;
    const a = await create(client, { givenName: 'Amelia', emailAddress: 'amelia@example.com', note: '' });
    const b = await create(client, {
      familyName: 'Earhart',
      emailAddress: 'other@example.com',
      phoneNumber: '+14155550100',
      address: { addressLine1: '1 Main St' },
    });
    const c = await create(client, { companyName: 'Untouched' });
    stores.cards.insert(merchantId, 'ccof:A', { id: 'ccof:A', customer_id: a.id, card_brand: 'VISA', last_4: '1111', enabled: true });
    stores.cards.insert(merchantId, 'ccof:B', { id: 'ccof:B', customer_id: b.id, card_brand: 'VISA', last_4: '1111', enabled: true });
    stores.cards.insert(merchantId, 'ccof:C', { id: 'ccof:C', customer_id: c.id, card_brand: 'VISA', last_4: '1111', enabled: true });
    stores.giftCards.insert(merchantId, 'gftc:1', { id: 'gftc:1', type: 'DIGITAL', customer_ids: [a.id!, c.id!, b.id!] });
    stores.orders.insert(merchantId, 'ORDER1', { id: 'ORDER1', location_id: 'L1', customer_id: a.id });
    square.emulator.ctx.webhooks.clearEvents();

    const res = await mergeCall(token, [a.id, b.id]);
    expect(res.status).toBe(200);
    const merged = res.body.customer;
    expect(merged).toMatchObject({
      given_name: 'Amelia',
      family_name: 'Earhart',
      email_address: 'amelia@example.com',
      phone_number: '+14155550100',
      address: { address_line_1: '1 Main St' },
      creation_source: 'MERGE',
      version: 0,
      preferences: { email_unsubscribed: false },
    });
    expect(merged).not.toHaveProperty('note');
    expect([a.id, b.id]).not.toContain(merged.id);

    const fetched = (await client.customers.get({ customerId: merged.id })).customer;
    expect(fetched).toMatchObject({ id: merged.id, creationSource: 'MERGE', version: 0n });
    await expectError(client.customers.get({ customerId: a.id! }), 404, 'NOT_FOUND');
    await expectError(client.customers.get({ customerId: b.id! }), 404, 'NOT_FOUND');
    expect(stores.cards.get(merchantId, 'ccof:A')?.customer_id).toBe(merged.id);
    expect(stores.cards.get(merchantId, 'ccof:B')?.customer_id).toBe(merged.id);
    expect(stores.cards.get(merchantId, 'ccof:C')?.customer_id).toBe(c.id);
    expect(stores.giftCards.get(merchantId, 'gftc:1')?.customer_ids).toEqual([merged.id, c.id]);
    expect(stores.orders.get(merchantId, 'ORDER1')?.customer_id).toBe(a.id);

    const context = { merge: { from_customer_ids: [a.id, b.id], to_customer_id: merged.id } };
    const all = merchantEvents(square, merchantId);
    expect(all.map((e) => [e.type, e.data.id])).toEqual([
      ['customer.created', merged.id],
      ['customer.deleted', a.id],
      ['customer.deleted', b.id],
    ]);
    expect(all[0]!.data.object).toEqual({ customer: merged, event_context: context });
    expect(serialization.CustomerCreatedEvent.parse(all[0], STRICT).ok).toBe(true);
    for (const event of all.slice(1)) {
      expect(event.data.deleted).toBe(true);
      expect(event.data.object).toMatchObject({ customer: { id: event.data.id }, event_context: context });
      expect(isDeletedEvent(event)).toBe(true);
    }
  });

  it('keeps an email opt-out and refuses bad merges', async () => {
    const { client, token, merchantId } = merchant();
    const a = await create(client, { givenName: 'A' });
    const b = await create(client, { givenName: 'B' });
    const stored = square.emulator.ctx.stores.customers.get(merchantId, b.id!)!;
    square.emulator.ctx.stores.customers.put(merchantId, b.id!, { ...stored, preferences: { email_unsubscribed: true } });

    expect((await mergeCall(null, [a.id, b.id])).status).toBe(401);
    const one = await mergeCall(token, [a.id]);
    expect(one.status).toBe(400);
    expect(one.body.errors[0]).toMatchObject({ code: 'ARRAY_LENGTH_TOO_SHORT', field: 'from_customer_ids' });
    const dup = await mergeCall(token, [a.id, a.id]);
    expect(dup.status).toBe(400);
    expect(dup.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'from_customer_ids' });
    const missing = await mergeCall(token, [a.id, 'MISSING']);
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0]).toMatchObject({ code: 'NOT_FOUND' });
    // Nothing changed by the refused merges.
    expect((await client.customers.list()).data.map((c) => c.id)).toEqual([a.id, b.id]);

    const merged = await mergeCall(token, [a.id, b.id]);
    expect(merged.body.customer).toMatchObject({ given_name: 'A', preferences: { email_unsubscribed: true } });
  });
});
