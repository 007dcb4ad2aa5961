import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { Address } from '../../schema/address.js';
import { squareConnection } from '../../schema/connections.js';
import { CustomerCreationSource } from './enums.js';
import { squareIdFrom } from '../../schema/ids.js';
import { CustomerConnection, CustomerRef } from './refs.js';
import { TimeRange, timeRange } from '../../schema/time-range.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';

const CustomerPreferences = builder.objectRef<Square.CustomerPreferences>('CustomerPreferences').implement({
  description: 'What a customer agreed to receive.',
  fields: (t) => ({
    emailUnsubscribed: t.exposeBoolean('emailUnsubscribed', {
      nullable: true,
      description: 'True when the customer opted out of marketing email.',
    }),
  }),
});

builder.node(CustomerRef, {
  ...writtenType('CUSTOMERS_READ'),
  description: 'A customer profile of the seller, with the cards, gift cards, orders and payments that belong to it.',
  id: { resolve: (c) => c.id!, ...writeFact('CUSTOMERS_READ') },
  loadOne: (id, ctx) => ctx.loaders.customerOrSurvivor.load(id),
  fields: (t) => ({
    squareId: t.string({ ...writeFact('CUSTOMERS_READ'), nullable: false, description: 'Square’s own id for this customer.', resolve: (c) => c.id! }),
    mergedFrom: t.stringList({
      nullable: false,
      description:
        'Square ids of the profiles merged into this one, directly or through earlier merges. Their orders and payments are part of this customer’s orders and payments.',
      resolve: (c, _args, ctx) => ctx.loaders.mergedFrom.load(c.id!),
    }),
    resolvedFromMergedId: t.string({
      nullable: true,
      description:
        'When this customer was looked up by the id of a profile since merged into it, that old id; null when it was looked up by its own id.',
      resolve: (c, _args, ctx) => ctx.loaders.reachedThrough(c) ?? null,
    }),
    givenName: t.exposeString('givenName', { nullable: true, description: 'The customer’s given (first) name.' }),
    familyName: t.exposeString('familyName', { nullable: true, description: 'The customer’s family (last) name.' }),
    companyName: t.exposeString('companyName', { nullable: true, description: 'The business the customer belongs to, if any.' }),
    nickname: t.exposeString('nickname', { nullable: true, description: 'An informal name the customer goes by.' }),
    emailAddress: t.exposeString('emailAddress', { nullable: true, description: 'The customer’s email address.' }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true, description: 'The customer’s phone number as the seller entered it.' }),
    referenceId: t.exposeString('referenceId', { nullable: true, description: 'The seller’s own reference, e.g. a CRM id.' }),
    note: t.exposeString('note', { nullable: true, description: 'A private note the seller keeps about the customer.' }),
    birthday: t.exposeString('birthday', { nullable: true, description: 'YYYY-MM-DD, or 0000-MM-DD when the year is unknown.' }),
    address: t.field({
      type: Address,
      nullable: true,
      description: 'The customer’s postal address, when the seller has one.',
      resolve: (c) => c.address ?? null,
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the profile was created.',
      resolve: (c) => c.createdAt ?? null,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the profile last changed.',
      resolve: (c) => c.updatedAt ?? null,
    }),
    version: t.field({
      ...writeFact('CUSTOMERS_READ'),
      type: 'BigInt',
      nullable: true,
      description: 'Increases with every change; pass it to updates so that a stale write is refused.',
      resolve: (c) => c.version ?? null,
    }),
    preferences: t.field({
      type: CustomerPreferences,
      nullable: true,
      description: 'The customer’s marketing preferences.',
      resolve: (c) => c.preferences ?? null,
    }),
    creationSource: t.field({
      type: CustomerCreationSource,
      nullable: true,
      description: 'How this profile came to exist, e.g. created directly, imported or merged.',
      resolve: (c) => c.creationSource ?? null,
    }),
  }),
});

const TextFilter = builder.inputType('CustomerTextFilter', {
  description: 'Match a text field exactly, or fuzzily (contains, ignoring case; digits only for phone numbers).',
  fields: (t) => ({
    exact: t.string({ required: false, description: 'Match only values equal to this.' }),
    fuzzy: t.string({ required: false, description: 'Match values that contain this, ignoring case.' }),
  }),
});

const CustomerFilter = builder.inputType('CustomerFilter', {
  description: 'Find customers by contact details, reference or creation time (Square’s SearchCustomers).',
  fields: (t) => ({
    emailAddress: t.field({ type: TextFilter, required: false, description: 'Condition on the email address.' }),
    phoneNumber: t.field({ type: TextFilter, required: false, description: 'Condition on the phone number.' }),
    referenceId: t.field({ type: TextFilter, required: false, description: 'Condition on the seller’s reference id.' }),
    createdAt: t.field({ type: TimeRange, required: false, description: 'Only customers created within this range.' }),
  }),
});

builder.queryFields((t) => ({
  customer: t.field({
    authScopes: { CUSTOMERS_READ: true },
    type: CustomerRef,
    nullable: true,
    description:
      'One customer by id or squareId; for a profile merged away, the customer it was merged into (see resolvedFromMergedId); null when the seller has no such customer.',
    args: { id: t.arg.id({ required: true, description: 'The customer’s global id or its squareId.' }) },
    resolve: (_root, args, ctx) => ctx.loaders.customerOrSurvivor.load(squareIdFrom(String(args.id), 'Customer')),
  }),
  customers: t.connection(
    {
      authScopes: { CUSTOMERS_READ: true },
      type: CustomerRef,
      nullable: true,
      description: 'The seller’s customers; with a filter, those that match it.',
      args: {
        filter: t.arg({
          type: CustomerFilter,
          required: false,
          description: 'Only customers matching every condition given; every customer when absent.',
        }),
      },
      resolve: (_root, args, ctx) => {
        const filter = args.filter;
        const hasFilter = Boolean(filter && Object.values(filter).some((v) => v != null));
        // Oldest first by creation time, which never changes: Square's default order is by name, which does.
        return squareConnection(
          args,
          async (cursor, limit) => {
            const page = hasFilter
              ? await ctx.loaders.customerSearch({
                  cursor,
                  limit: BigInt(limit),
                  query: {
                    filter: {
                      ...(filter?.emailAddress ? { emailAddress: textFilter(filter.emailAddress) } : {}),
                      ...(filter?.phoneNumber ? { phoneNumber: textFilter(filter.phoneNumber) } : {}),
                      ...(filter?.referenceId ? { referenceId: textFilter(filter.referenceId) } : {}),
                      ...(filter?.createdAt ? { createdAt: timeRange(filter.createdAt) } : {}),
                    },
                    sort: { field: 'CREATED_AT', order: 'ASC' },
                  },
                })
              : await ctx.loaders.customerList({ cursor, limit, sortField: 'CREATED_AT', sortOrder: 'ASC' });
            return { items: page.customers ?? [], cursor: page.cursor };
          },
          { scope: ['customers', hasFilter ? filter : null], sortKey: (c) => c.createdAt, direction: 'ASC' },
        );
      },
    },
    CustomerConnection,
  ),
}));

function textFilter(f: { exact?: string | null; fuzzy?: string | null }) {
  return { ...(f.exact != null ? { exact: f.exact } : {}), ...(f.fuzzy != null ? { fuzzy: f.fuzzy } : {}) };
}
