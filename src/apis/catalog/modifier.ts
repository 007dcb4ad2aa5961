import { builder } from '../../schema/builder.js';
import { Money } from '../../schema/money.js';
import { CatalogModifierRef } from './refs.js';

builder.objectType(CatalogModifierRef, {
  authScopes: { ITEMS_READ: true },
  description: 'One choice of a modifier list, e.g. “Oat milk”, and what it adds to the price.',
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this modifier.', resolve: (m) => m.id! }),
    name: t.string({
      nullable: true,
      description: 'The modifier’s name.',
      resolve: (m) => (m.type === 'MODIFIER' ? (m.modifierData?.name ?? null) : null),
    }),
    price: t.field({
      type: Money,
      nullable: true,
      description: 'What choosing it adds to the item’s price; null when it adds nothing set.',
      resolve: (m) => (m.type === 'MODIFIER' ? (m.modifierData?.priceMoney ?? null) : null),
    }),
  }),
});
