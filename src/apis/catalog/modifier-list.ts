import { builder } from '../../schema/builder.js';
import { CatalogModifierListRef, CatalogModifierRef } from './refs.js';

builder.objectType(CatalogModifierListRef, {
  authScopes: { ITEMS_READ: true },
  description: 'A set of choices that change an item, e.g. “Milk”: whole, oat or almond.',
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this modifier list.', resolve: (l) => l.id! }),
    name: t.string({
      nullable: true,
      description: 'The modifier list’s name.',
      resolve: (l) => (l.type === 'MODIFIER_LIST' ? (l.modifierListData?.name ?? null) : null),
    }),
    modifiers: t.field({
      type: [CatalogModifierRef],
      nullable: false,
      description: 'The choices, in the seller’s order.',
      resolve: (l) => (l.type === 'MODIFIER_LIST' ? (l.modifierListData?.modifiers ?? []) : []),
    }),
  }),
});
