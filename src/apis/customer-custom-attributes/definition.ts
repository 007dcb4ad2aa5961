import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { CustomAttributeVisibility } from './enums.js';

export const CustomerCustomAttributeDefinitionRef = builder.objectRef<Square.CustomAttributeDefinition>('CustomerCustomAttributeDefinition');

CustomerCustomAttributeDefinitionRef.implement({
  authScopes: { CUSTOMERS_READ: true },
  description: 'A kind of custom attribute customer profiles can carry (Customer Custom Attributes API): its key, name and the schema of its values.',
  fields: (t) => ({
    key: t.string({
      nullable: false,
      description: 'The key values are stored under: a plain key for this app’s own definitions, application-id:key for another app’s.',
      resolve: (d) => d.key ?? '',
    }),
    name: t.string({ nullable: true, description: 'The name shown to the seller, unique among the seller’s definitions.', resolve: (d) => d.name ?? null }),
    description: t.string({ nullable: true, description: 'What the attribute is for, as shown to the seller.', resolve: (d) => d.description ?? null }),
    visibility: t.field({
      type: CustomAttributeVisibility,
      nullable: true,
      description: 'Who besides the defining app may see or change values of this attribute.',
      resolve: (d) => d.visibility ?? null,
    }),
    schema: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The JSON Schema every value must match: one of Square’s types (String, Email, Number, Boolean, Date, Selection…) by its $ref, with its options.',
      resolve: (d) => d.schema ?? null,
    }),
    version: t.int({ nullable: true, description: 'Increases with every change to the definition.', resolve: (d) => d.version ?? null }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When the definition was created.', resolve: (d) => d.createdAt ?? null }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the definition last changed.', resolve: (d) => d.updatedAt ?? null }),
  }),
});

builder.queryField('customAttributeDefinitions', (t) =>
  t.field({
    authScopes: { CUSTOMERS_READ: true },
    type: [CustomerCustomAttributeDefinitionRef],
    nullable: true,
    description: 'Every custom attribute definition for customer profiles this app can see: its own, and other apps’ visible ones.',
    resolve: (_root, _args, ctx) => ctx.loaders.customAttributeDefinitions(),
  }),
);
