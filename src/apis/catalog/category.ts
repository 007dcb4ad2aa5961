import { builder } from '../../schema/builder.js';
import { CatalogCategoryRef } from './refs.js';

builder.objectType(CatalogCategoryRef, {
  authScopes: { ITEMS_READ: true },
  description: 'A category of the seller’s catalog, e.g. “Bakery”.',
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this category.', resolve: (c) => c.id! }),
    name: t.string({
      nullable: true,
      description: 'The category’s name.',
      resolve: (c) => (c.type === 'CATEGORY' ? (c.categoryData?.name ?? null) : null),
    }),
  }),
});
