import DataLoader from 'dataloader';
import type { Square } from 'square';
import { squareFailure } from '../../square/errors.js';
import type { ReadKit } from '../../square/loaders.js';

export function locationsLoaders({ square, locations, current }: ReadKit) {
  return {
    /** A location by id, out of the seller's cached ListLocations. */
    location: new DataLoader<string, Square.Location | null>(async (ids) => {
      try {
        const all = await locations();
        return ids.map((id) => all.find((l) => l.id === id) ?? null);
      } catch (error) {
        return ids.map(() => squareFailure(error));
      }
    }),
    /** The seller's locations as Square holds them now, never from the cache: what a write checks its outcome against. */
    currentLocations: async () => (await current(async () => (await square.locations.list()).locations)) ?? [],
  };
}
