import type { Square, SquareClient } from 'square';

/**
 * A seller's locations change rarely and every orders search needs them, so they are
 * listed once per token and reused for `ttlMs`. A failed listing is not kept. Keyed by
 * the token's key (tokenKey in budget.ts), never the token.
 */
export class LocationsCache {
  private readonly entries = new Map<string, { at: number; locations: Promise<Square.Location[]> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxTokens = 10_000,
  ) {}

  get(key: string, square: () => SquareClient): Promise<Square.Location[]> {
    const cached = this.entries.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.locations;
    const locations = square()
      .locations.list()
      .then((r) => r.locations ?? []);
    locations.catch(() => this.entries.delete(key));
    if (this.entries.size >= this.maxTokens) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { at: Date.now(), locations });
    return locations;
  }
}
