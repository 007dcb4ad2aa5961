import { serialization } from 'square';
import { LocationsCache } from '../../square/locations-cache.js';
import { on } from '../api.js';

export const cached = {
  /** The seller's ListLocations, kept per token (src/square/locations-cache.ts) and shared by every request of it. */
  locations: LocationsCache.OBJECT,
} as const;

export const staleAfter = {
  locations: () => [cached.locations],
};

export const events = {
  'location.created': on(serialization.LocationCreatedEvent, () => ({ stale: staleAfter.locations() })),
  'location.updated': on(serialization.LocationUpdatedEvent, () => ({ stale: staleAfter.locations() })),
};
