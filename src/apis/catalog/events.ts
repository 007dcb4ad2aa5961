import { serialization } from 'square';
import { on } from '../api.js';

export const cached = {
  /** Every catalog object and SearchCatalogItems page: Square's catalog.version.updated names no object. */
  catalog: 'catalog',
} as const;

export const staleAfter = {
  catalog: () => [cached.catalog],
};

export const events = {
  'catalog.version.updated': on(serialization.CatalogVersionUpdatedEvent, () => ({ stale: staleAfter.catalog() })),
};
