import type { Square } from 'square';
import type { GatewayContext } from '../../context/gateway-context.js';
import { builder } from '../../schema/builder.js';
import { CustomAttributeVisibility } from './enums.js';
import { CustomerRef } from '../customers/refs.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';

export const CustomerCustomAttributeRef = builder.objectRef<Square.CustomAttribute>('CustomerCustomAttribute');

/**
 * The definition of a value: carried with it when listed with definitions; a written
 * value comes back without, and is matched to the seller's definitions by key.
 */
async function definitionOf(attribute: Square.CustomAttribute, ctx: GatewayContext): Promise<Square.CustomAttributeDefinition | undefined> {
  if (attribute.definition) return attribute.definition;
  return (await ctx.loaders.customAttributeDefinitions()).find((d) => d.key === attribute.key);
}

CustomerCustomAttributeRef.implement({
  ...writtenType('CUSTOMERS_READ'),
  description: 'One custom attribute value on a customer profile, e.g. a favorite drink or a membership number.',
  fields: (t) => ({
    key: t.string({ ...writeFact('CUSTOMERS_READ'), nullable: false, description: 'The key of its definition (see customAttributeDefinitions).', resolve: (a) => a.key ?? '' }),
    name: t.string({
      nullable: true,
      description: 'The definition’s name, as the seller sees it.',
      resolve: async (a, _args, ctx) => (await definitionOf(a, ctx))?.name ?? null,
    }),
    value: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value, in the JSON form its definition’s schema gives: a string, number, boolean, an address object, or a list of selection ids.',
      resolve: (a) => a.value ?? null,
    }),
    visibility: t.field({
      type: CustomAttributeVisibility,
      nullable: true,
      description: 'Who besides the defining app may see or change this value, as its definition says.',
      resolve: async (a, _args, ctx) => a.visibility ?? (await definitionOf(a, ctx))?.visibility ?? null,
    }),
    version: t.int({
      ...writeFact('CUSTOMERS_READ'),
      nullable: true,
      description: 'Increases with every change of the value; pass it to upsertCustomerCustomAttribute so that a stale write is refused.',
      resolve: (a) => a.version ?? null,
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When the value was first set.', resolve: (a) => a.createdAt ?? null }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the value last changed.', resolve: (a) => a.updatedAt ?? null }),
  }),
});

builder.objectField(CustomerRef, 'customAttributes', (t) =>
  t.field({
    extensions: { squareCalls: 'once' },
    type: [CustomerCustomAttributeRef],
    nullable: true,
    description: 'The custom attribute values set on this customer that this app can see, with their definitions’ names; empty when none.',
    resolve: (c, _args, ctx) => ctx.loaders.customAttributesByCustomer.load(c.id!),
  }),
);
