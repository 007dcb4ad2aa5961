import type { Square } from 'square';
import { builder } from '../../schema/builder.js';

/** Catalog objects keep Square's one shape for every type; each ref is one `type` of it. */
export const CatalogItemRef = builder.objectRef<Square.CatalogObject>('CatalogItem');

export const CatalogItemVariationRef = builder.objectRef<Square.CatalogObject>('CatalogItemVariation');

export const CatalogCategoryRef = builder.objectRef<Square.CatalogObject>('CatalogCategory');

export const CatalogImageRef = builder.objectRef<Square.CatalogObject>('CatalogImage');

export const CatalogModifierListRef = builder.objectRef<Square.CatalogObject>('CatalogModifierList');

export const CatalogModifierRef = builder.objectRef<Square.CatalogObject>('CatalogModifier');

export const CatalogItemConnection = builder.connectionObject(
  {
    type: CatalogItemRef,
    name: 'CatalogItemConnection',
    description: 'A page of catalog items, by name.',
  },
  { description: 'A catalog item in a page of items, with its cursor.' },
);
