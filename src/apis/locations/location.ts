import { builder } from '../../schema/builder.js';
import { Address } from '../../schema/address.js';
import { Currency } from '../../schema/enums.js';
import { LocationStatus, LocationType } from './enums.js';
import { squareIdFrom } from '../../schema/ids.js';
import { LocationRef } from './refs.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';

builder.node(LocationRef, {
  ...writtenType('MERCHANT_PROFILE_READ'),
  description: 'A place of business of the seller: a shop, a kiosk, an online store.',
  id: { resolve: (l) => l.id!, ...writeFact('MERCHANT_PROFILE_READ') },
  loadOne: (id, ctx) => ctx.loaders.location.load(id),
  fields: (t) => ({
    squareId: t.string({ ...writeFact('MERCHANT_PROFILE_READ'), nullable: false, description: 'Square’s own id for this location.', resolve: (l) => l.id! }),
    name: t.exposeString('name', { nullable: true, description: 'The seller’s own name for this location, e.g. “Downtown shop”.' }),
    businessName: t.exposeString('businessName', {
      nullable: true,
      description: 'The business name buyers see for this location, e.g. on receipts.',
    }),
    status: t.field({
      ...writeFact('MERCHANT_PROFILE_READ'),
      type: LocationStatus,
      nullable: true,
      description: 'Whether the location is active and can take payments.',
      resolve: (l) => l.status ?? null,
    }),
    type: t.field({
      type: LocationType,
      nullable: true,
      description: 'Whether the location is a physical premises or a mobile business.',
      resolve: (l) => l.type ?? null,
    }),
    address: t.field({
      type: Address,
      nullable: true,
      description: 'The location’s postal address; null when the seller gave none.',
      resolve: (l) => l.address ?? null,
    }),
    timezone: t.exposeString('timezone', { nullable: true, description: 'IANA time zone, e.g. America/Los_Angeles.' }),
    currency: t.field({
      type: Currency,
      nullable: true,
      description: 'The currency this location takes payments in.',
      resolve: (l) => l.currency ?? null,
    }),
    country: t.string({
      nullable: true,
      description: 'The location’s country as an ISO 3166-1 alpha-2 code, e.g. US.',
      resolve: (l) => l.country ?? null,
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the location was created.',
      resolve: (l) => l.createdAt ?? null,
    }),
  }),
});

builder.queryFields((t) => ({
  location: t.field({
    authScopes: { MERCHANT_PROFILE_READ: true },
    type: LocationRef,
    nullable: true,
    description: 'One location by id or squareId.',
    args: { id: t.arg.id({ required: true, description: 'The location’s global id or its squareId.' }) },
    resolve: (_root, args, ctx) => ctx.loaders.location.load(squareIdFrom(String(args.id), 'Location')),
  }),
  locations: t.field({
    authScopes: { MERCHANT_PROFILE_READ: true },
    type: [LocationRef],
    nullable: true,
    description: 'Every location of the seller, the main one first.',
    resolve: (_root, _args, ctx) => ctx.loaders.call(() => ctx.loaders.locations()),
  }),
}));
