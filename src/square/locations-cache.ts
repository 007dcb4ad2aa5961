import type { Square, SquareClient } from 'square';

interface Entry {
  at: number;
  locations: Promise<Square.Location[]>;
  /** The seller the list belongs to, once listed: what a location's change names. */
  merchantId?: string | undefined;
}

/**
 * A seller's locations change rarely and every orders search needs them, so they are
 * listed once per token and reused for `ttlMs`. A failed listing is not kept. Keyed by
 * the token's key (tokenKey in budget.ts), never the token.
 */
export class LocationsCache {
  /** The seller's location list among the cached reads a change makes stale (src/apis/locations/events.ts). */
  static readonly OBJECT = 'locations';

  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxTokens = 10_000,
  ) {}

  get(key: string, square: () => SquareClient): Promise<Square.Location[]> {
    const cached = this.entries.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.locations;
    const entry: Entry = {
      at: Date.now(),
      locations: square()
        .locations.list()
        .then((r) => r.locations ?? []),
    };
    entry.locations.then(
      (locations) => (entry.merchantId = locations[0]?.merchantId),
      () => this.entries.delete(key),
    );
    if (this.entries.size >= this.maxTokens) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    return entry.locations;
  }

  /**
   * Drops the seller's lists, every token's, when `objects` (what a write or a webhook made
   * stale) name them. This instance's only: other instances list again within `ttlMs`.
   */
  invalidate(merchantId: string, objects: readonly string[]): void {
    if (!objects.includes(LocationsCache.OBJECT)) return;
    for (const [key, entry] of this.entries) if (entry.merchantId === merchantId) this.entries.delete(key);
  }
}
