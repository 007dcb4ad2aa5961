import { builder } from './builder.js';
import { Address } from './address.js';
import { Currency, LocationStatus, LocationType } from './enums.js';
import { squareIdFrom } from './ids.js';
import { LocationRef } from './refs.js';

builder.node(LocationRef, {
  description: 'A place of business of the seller: a shop, a kiosk, an online store.',
  id: { resolve: (l) => l.id! },
  loadOne: (id, ctx) => ctx.loaders.location.load(id),
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this location.', resolve: (l) => l.id! }),
    name: t.exposeString('name', { nullable: true }),
    businessName: t.exposeString('businessName', { nullable: true }),
    status: t.field({ type: LocationStatus, nullable: true, resolve: (l) => l.status ?? null }),
    type: t.field({ type: LocationType, nullable: true, resolve: (l) => l.type ?? null }),
    address: t.field({ type: Address, nullable: true, resolve: (l) => l.address ?? null }),
    timezone: t.exposeString('timezone', { nullable: true, description: 'IANA time zone, e.g. America/Los_Angeles.' }),
    currency: t.field({ type: Currency, nullable: true, resolve: (l) => l.currency ?? null }),
    country: t.string({ nullable: true, resolve: (l) => l.country ?? null }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (l) => l.createdAt ?? null }),
  }),
});

builder.queryFields((t) => ({
  location: t.field({
    type: LocationRef,
    nullable: true,
    description: 'One location by id or squareId.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.loaders.location.load(squareIdFrom(String(args.id), 'Location')),
  }),
  locations: t.field({
    type: [LocationRef],
    nullable: false,
    description: 'Every location of the seller, the main one first.',
    resolve: (_root, _args, ctx) => ctx.loaders.call(() => ctx.loaders.locations()),
  }),
}));
