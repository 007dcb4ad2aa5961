import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { paginate } from '../plumbing/pagination.js';
import type { Stored } from '../plumbing/store.js';
import type { WithoutNulls } from '../plumbing/validation.js';
import { deleteCustomerAttributes, moveCustomerAttributes } from './customer-attributes.js';
import { segmentMembership, withSegmentIds } from './customer-segments.js';

/**
 * The Customers API's operations: create, update and delete with their webhooks, the
 * profile merge, and the order and filters of ListCustomers and SearchCustomers. Loyalty
 * creates the customers it enrolls by phone through `createCustomer`.
 */

type Customer = serialization.Customer.Raw;
type Address = serialization.Address.Raw;
type Text = string | null | undefined;

/** Null means "remove" on update and "not given" on create (BulkCreateCustomerData is nullable). */
export interface Profile {
  given_name?: Text;
  family_name?: Text;
  company_name?: Text;
  nickname?: Text;
  email_address?: Text;
  address?: Address | null;
  phone_number?: Text;
  reference_id?: Text;
  note?: Text;
  birthday?: Text;
  tax_ids?: { eu_vat?: Text } | null;
}
export type Update = Profile & { version?: bigint | number | null };

/** SearchCustomers' `query.filter`, as the route has checked it. */
export type SearchFilter = WithoutNulls<serialization.CustomerFilter.Raw>;
type SortField = serialization.CustomerSortField.Raw;
type SortOrder = serialization.SortOrder.Raw;

/** Both ListCustomers and SearchCustomers: 1–100, default 100. */
const MAX_PAGE = 100;

const STRING_FIELDS = [
  'given_name',
  'family_name',
  'company_name',
  'nickname',
  'email_address',
  'phone_number',
  'reference_id',
  'note',
  'birthday',
] as const;
/** A profile needs one of these; list and search only show profiles that have one. */
const PUBLIC_FIELDS = ['given_name', 'family_name', 'company_name', 'email_address', 'phone_number'] as const;

/**
 * Square's profile merge (done in the Seller Dashboard, so here through the control
 * plane): a new MERGE profile takes, field by field, the first non-empty value in the
 * order the ids are given; cards, gift cards and custom attributes (per key, the first
 * profile's value) move to it; the old profiles are deleted. Orders and payments keep the old ids, as they do in Square.
 */
export function mergeCustomers(ctx: EmulatorContext, merchantId: string, ids: string[]): Customer {
  const { customers, cards, giftCards } = ctx.stores;
  if (new Set(ids).size !== ids.length)
    throw errors.invalidValue('from_customer_ids', 'The customer IDs to merge must be distinct.');
  return ctx.tx(() => {
    const sources = ids.map((id) => ctx.stores.customers.require(merchantId, id));
    const at = now();
    const merged: Customer = { id: newId.customer(), created_at: at, updated_at: at };
    for (const field of [...STRING_FIELDS, 'address', 'tax_ids'] as const) {
      const value = sources.map((s) => s[field]).find((v) => v !== undefined && v !== null && v !== '');
      if (value !== undefined) Object.assign(merged, { [field]: value });
    }
    const groups = [...new Set(sources.flatMap((s) => s.group_ids ?? []))];
    if (groups.length > 0) merged.group_ids = groups;
    // An opt-out from marketing email on any of the profiles survives the merge.
    merged.preferences = { email_unsubscribed: sources.some((s) => s.preferences?.email_unsubscribed === true) };
    merged.creation_source = 'MERGE';
    merged.version = 0;
    customers.insert(merchantId, merged.id!, merged);

    const from = new Set(ids);
    for (const { doc } of cards.all(merchantId)) {
      if (doc.customer_id && from.has(doc.customer_id)) cards.put(merchantId, doc.id!, { ...doc, customer_id: merged.id });
    }
    for (const { doc } of giftCards.all(merchantId)) {
      const linked = doc.customer_ids ?? [];
      if (!linked.some((id) => from.has(id))) continue;
      const moved = [...new Set(linked.map((id) => (from.has(id) ? merged.id! : id)))];
      giftCards.put(merchantId, doc.id!, { ...doc, customer_ids: moved });
    }
    moveCustomerAttributes(ctx, merchantId, ids, merged.id!);
    for (const id of ids) customers.delete(merchantId, id);

    // Square puts the merge context inside `data.object` of both events.
    const event_context = { merge: { from_customer_ids: ids, to_customer_id: merged.id } };
    ctx.webhooks.emit({ merchantId, type: 'customer.created', id: merged.id!, object: { customer: merged, event_context } });
    for (const source of sources) {
      ctx.webhooks.emit({
        merchantId,
        type: 'customer.deleted',
        id: source.id!,
        object: { customer: source, event_context },
        deleted: true,
      });
    }
    return merged;
  });
}

export function createCustomer(
  ctx: EmulatorContext,
  merchantId: string,
  fields: Profile,
  source: serialization.CustomerCreationSource.Raw = 'THIRD_PARTY',
): Customer {
  validateProfile(fields);
  if (!PUBLIC_FIELDS.some((f) => fields[f]))
    throw errors.badRequest(
      'At least one of given_name, family_name, company_name, email_address, or phone_number is required for a customer',
    );
  const at = now();
  const customer: Customer = { id: newId.customer(), created_at: at, updated_at: at };
  applyProfile(customer, fields);
  customer.preferences = { email_unsubscribed: false };
  customer.creation_source = source;
  customer.version = 0;
  ctx.stores.customers.insert(merchantId, customer.id!, customer);
  ctx.webhooks.emit({ merchantId, type: 'customer.created', id: customer.id!, object: { customer } });
  return withSegmentIds(ctx, merchantId)(customer);
}

export function updateCustomer(ctx: EmulatorContext, merchantId: string, id: string, fields: Update): Customer {
  const existing = ctx.stores.customers.require(merchantId, id);
  checkVersion(existing, fields.version);
  validateProfile(fields);
  const customer: Customer = structuredClone(existing);
  applyProfile(customer, fields);
  customer.version = Number(existing.version ?? 0) + 1;
  customer.updated_at = now();
  ctx.stores.customers.put(merchantId, id, customer);
  ctx.webhooks.emit({ merchantId, type: 'customer.updated', id, object: { customer } });
  return withSegmentIds(ctx, merchantId)(customer);
}

export function deleteCustomer(ctx: EmulatorContext, merchantId: string, id: string, version: bigint | undefined): void {
  const customer = ctx.stores.customers.require(merchantId, id);
  checkVersion(customer, version);
  ctx.stores.customers.delete(merchantId, id);
  deleteCustomerAttributes(ctx, merchantId, id);
  ctx.webhooks.emit({ merchantId, type: 'customer.deleted', id, object: { customer }, deleted: true });
}

function checkVersion(customer: Customer, version: bigint | number | null | undefined): void {
  const current = Number(customer.version ?? 0);
  if (version !== undefined && version !== null && BigInt(version) !== BigInt(current))
    throw errors.versionMismatch(
      `The customer ${customer.id} is at version ${current}, not at the version ${version} given in the request.`,
    );
}

/**
 * Writes the given fields onto a profile. Null (or, for strings, an empty string)
 * removes a field; address and tax_ids are updated sparsely, subfield by subfield.
 */
function applyProfile(customer: Customer, fields: Profile): void {
  const target = customer as Record<string, unknown>;
  for (const field of STRING_FIELDS) {
    const value = fields[field];
    if (value === undefined) continue;
    if (value === null || value === '') delete target[field];
    else target[field] = field === 'birthday' ? normalizeBirthday(value) : value;
  }
  if (fields.address !== undefined) {
    // Square ignores a recipient's name on a customer's address.
    const { first_name: _first, last_name: _last, ...given } = fields.address ?? {};
    const address = fields.address === null ? {} : mergeSparse<Address>(customer.address ?? {}, given);
    if (Object.keys(address).length > 0) customer.address = address;
    else delete customer.address;
  }
  if (fields.tax_ids !== undefined) {
    const taxIds = fields.tax_ids === null ? {} : mergeSparse(customer.tax_ids ?? {}, fields.tax_ids);
    if (Object.keys(taxIds).length > 0) customer.tax_ids = taxIds;
    else delete customer.tax_ids;
  }
}

function mergeSparse<T extends object>(current: T, changes: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (value === null || value === '') delete out[key];
    else out[key] = value;
  }
  return out as T;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE = /^\+?[0-9 ().-]+$/;
const BIRTHDAY = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/;

/** Square's content checks beyond type and length: email, phone (9–16 digits), birthday, EU VAT id. */
function validateProfile(fields: Profile): void {
  const invalid = (code: 'INVALID_EMAIL_ADDRESS' | 'INVALID_PHONE_NUMBER' | 'INVALID_TIME' | 'INVALID_VALUE', field: string, detail: string) =>
    errors.invalid(code, detail, field);
  const { email_address: email, phone_number: phone, birthday } = fields;
  if (email && !EMAIL.test(email)) throw invalid('INVALID_EMAIL_ADDRESS', 'email_address', `Invalid email address: ${email}.`);
  if (phone) {
    const digits = phone.replace(/\D/g, '').length;
    if (!PHONE.test(phone) || digits < 9 || digits > 16)
      throw invalid('INVALID_PHONE_NUMBER', 'phone_number', `Invalid phone number: ${phone}.`);
  }
  if (birthday && !validBirthday(birthday))
    throw invalid('INVALID_TIME', 'birthday', `Invalid birthday: ${birthday}. Use YYYY-MM-DD or MM-DD.`);
  const vat = fields.tax_ids?.eu_vat;
  if (vat && !/^[A-Za-z0-9]+$/.test(vat))
    throw invalid('INVALID_VALUE', 'tax_ids.eu_vat', 'The EU VAT ID can contain alphanumeric characters only.');
}

function validBirthday(value: string): boolean {
  const m = BIRTHDAY.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1] ?? 0), Number(m[2]), Number(m[3])];
  // Year 0000 means "no year", so February 29 is allowed; a leap year is used to check it.
  const date = new Date(Date.UTC(year === 0 ? 2000 : year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Square returns birthdays as YYYY-MM-DD, with 0000 when no year was given. */
function normalizeBirthday(value: string): string {
  return /^\d{2}-\d{2}$/.test(value) ? `0000-${value}` : value;
}

function isPublic(customer: Customer): boolean {
  return PUBLIC_FIELDS.some((f) => customer[f]);
}

/**
 * DEFAULT sorts by given and family name; a profile with neither falls back to
 * company, email, then phone (compared case-insensitively). The store's seq breaks ties.
 */
function sortKey(field: SortField) {
  return ({ seq, doc }: Stored<Customer>): [string, number] => {
    if (field === 'CREATED_AT') return [doc.created_at ?? '', seq];
    const name = [doc.given_name, doc.family_name].filter(Boolean).join(' ');
    return [(name || doc.company_name || doc.email_address || doc.phone_number || '').toLowerCase(), seq];
  };
}

/** Everything in `filter` must hold (Square combines filters with AND). */
function compileFilter(
  filter: SearchFilter,
  segmentOf: (id: string) => ((customer: Customer) => boolean) | undefined,
): (customer: Customer) => boolean {
  const tests: Array<(c: Customer) => boolean> = [];
  const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const digits = (s: string) => s.replace(/\D/g, '');

  const matchText = (
    name: 'email_address' | 'phone_number' | 'reference_id',
    exact: (value: string, query: string) => boolean,
    normalize: (s: string) => string,
  ) => {
    const f = filter[name];
    if (!f) return;
    if (f.exact && f.fuzzy)
      throw errors.invalid('CONFLICTING_PARAMETERS', 'A text filter can be exact or fuzzy, not both.', `query.filter.${name}`);
    if (f.exact) {
      const query = f.exact;
      tests.push((c) => Boolean(c[name]) && exact(c[name]!, query));
    } else if (f.fuzzy) {
      // Fuzzy: every whitespace-separated token of the query is contained in the normalized value.
      const tokens = f.fuzzy.split(/\s+/).map(normalize).filter(Boolean);
      tests.push((c) => Boolean(c[name]) && tokens.every((t) => normalize(c[name]!).includes(t)));
    }
  };
  matchText('email_address', (v, q) => v.toLowerCase() === q.toLowerCase(), squash);
  matchText('phone_number', (v, q) => e164(v) === e164(q), digits);
  matchText('reference_id', (v, q) => v === q, squash);

  for (const name of ['created_at', 'updated_at'] as const) {
    const range = filter[name];
    if (!range) continue;
    const bound = (edge: 'start_at' | 'end_at') => {
      const value = range[edge];
      if (!value) return undefined;
      const time = Date.parse(value);
      if (Number.isNaN(time))
        throw errors.invalid('INVALID_TIME', `Invalid RFC 3339 timestamp: ${value}.`, `query.filter.${name}.${edge}`);
      return time;
    };
    const start = bound('start_at');
    const end = bound('end_at');
    if (start !== undefined && end !== undefined && start > end)
      throw errors.invalid('INVALID_TIME_RANGE', 'The start of the time range is after its end.', `query.filter.${name}`);
    // Start inclusive, end exclusive.
    tests.push((c) => {
      const t = Date.parse(c[name] ?? '');
      return (start === undefined || t >= start) && (end === undefined || t < end);
    });
  }

  const source = filter.creation_source;
  if (source?.values && source.values.length > 0) {
    const values = new Set<string>(source.values);
    const include = (source.rule ?? 'INCLUDE') === 'INCLUDE';
    tests.push((c) => values.has(c.creation_source ?? '') === include);
  }

  const groups = filter.group_ids;
  if (groups) {
    tests.push((c) => {
      const member = new Set(c.group_ids ?? []);
      return (
        (!groups.all?.length || groups.all.every((g) => member.has(g))) &&
        (!groups.any?.length || groups.any.some((g) => member.has(g))) &&
        !(groups.none ?? []).some((g) => member.has(g))
      );
    });
  }

  const segments = filter.segment_ids;
  if (segments) {
    const membership = (id: string) => {
      const member = segmentOf(id);
      if (!member) throw errors.badRequest(`Segment ID ${id} is invalid.`);
      return member;
    };
    const [all, any, none] = [segments.all, segments.any, segments.none].map((ids) => (ids ?? []).map(membership));
    tests.push((c) => all!.every((m) => m(c)) && (any!.length === 0 || any!.some((m) => m(c))) && !none!.some((m) => m(c)));
  }

  return (c) => tests.every((t) => t(c));
}

/** Phone numbers in their standard E.164 form; numbers stored without a country code are taken as US numbers. */
function e164(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (phone.trim().startsWith('+')) return `+${digits}`;
  return digits.length === 10 ? `+1${digits}` : `+${digits}`;
}

/** ListCustomers: the profiles that list and search show, in the order asked. */
export function listCustomers(
  ctx: EmulatorContext,
  merchantId: string,
  query: { cursor?: string; limit?: number; sort_field?: SortField; sort_order?: SortOrder; count?: boolean },
) {
  const visible = ctx.stores.customers.all(merchantId).filter((s) => isPublic(s.doc));
  const field = query.sort_field ?? 'DEFAULT';
  const order = query.sort_order ?? 'ASC';
  const page = paginate({
    items: visible,
    key: sortKey(field),
    order,
    limit: query.limit ?? MAX_PAGE,
    cursor: query.cursor,
    query: { endpoint: 'ListCustomers', field, order },
  });
  const read = withSegmentIds(ctx, merchantId);
  return pageBody(page.items.map((s) => read(s.doc)), page.cursor, query.count ? visible.length : undefined);
}

/**
 * Filtering on custom attributes is not emulated: a key without a definition is refused as Square
 * refuses it, and a filter on a defined one is refused at its field as not emulated, never ignored.
 */
function refuseCustomAttributeFilters(ctx: EmulatorContext, merchantId: string, filters: Array<{ key: string }>): void {
  filters.forEach(({ key }, i) => {
    const field = `query.filter.custom_attribute.filters[${i}]`;
    if (!ctx.stores.customerAttributeDefinitions.get(merchantId, key))
      throw errors.invalid('BAD_REQUEST', `Custom attribute definition not found for the key ${key}.`, `${field}.key`);
    throw errors.invalidValue(field, 'The emulator does not filter customers by custom attributes.');
  });
}

/** SearchCustomers, after the route has checked the request. */
export function searchCustomers(
  ctx: EmulatorContext,
  merchantId: string,
  body: WithoutNulls<serialization.SearchCustomersRequest.Raw>,
) {
  // The spec bounds `limit` to 1–100; the SDK's schema carries no range.
  if (body.limit !== undefined && body.limit < 1) throw errors.tooLow('limit', 'Field limit must be at least 1');
  if (body.limit !== undefined && body.limit > MAX_PAGE) throw errors.tooHigh('limit', `Field limit must be at most ${MAX_PAGE}`);
  const filter = body.query?.filter ?? {};
  refuseCustomAttributeFilters(ctx, merchantId, filter.custom_attribute?.filters ?? []);
  const matches = compileFilter(filter, (id) => segmentMembership(ctx, merchantId, id));
  const found = ctx.stores.customers.all(merchantId).filter((s) => isPublic(s.doc) && matches(s.doc));
  const field = body.query?.sort?.field ?? 'DEFAULT';
  const order = body.query?.sort?.order ?? 'ASC';
  const page = paginate({
    items: found,
    key: sortKey(field),
    order,
    limit: Number(body.limit ?? MAX_PAGE),
    cursor: body.cursor,
    query: { endpoint: 'SearchCustomers', filter, field, order },
  });
  const read = withSegmentIds(ctx, merchantId);
  return pageBody(page.items.map((s) => read(s.doc)), page.cursor, body.count ? found.length : undefined);
}

/** Square sends `{}` rather than an empty array when nothing matches. */
function pageBody(items: Customer[], cursor: string | undefined, count: number | undefined) {
  const body: { customers?: Customer[]; cursor?: string; count?: number } = {};
  if (items.length > 0) body.customers = items;
  if (cursor) body.cursor = cursor;
  if (count !== undefined) body.count = count;
  return body;
}

export function retrieveCustomer(ctx: EmulatorContext, merchantId: string, id: string): Customer {
  return withSegmentIds(ctx, merchantId)(ctx.stores.customers.require(merchantId, id));
}
