import { errors } from './errors.js';
import { sha256 } from './ids.js';

export type SortKey = ReadonlyArray<string | number>;

export interface PageRequest<T> {
  /** Items already filtered; this function sorts them. */
  items: T[];
  /** Sort key; its last element must be unique (e.g. the store's seq) so that the order is total. */
  key: (item: T) => SortKey;
  order?: 'ASC' | 'DESC';
  limit: number;
  cursor?: string | null | undefined;
  /** Anything that defines the query (filters, sort): a cursor only continues the query it came from. */
  query?: unknown;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Keyset pagination: the cursor holds the sort key of the last item returned, so
 * items inserted or removed between calls never make a page repeat or skip one.
 */
export function paginate<T>(req: PageRequest<T>): Page<T> {
  const dir = req.order === 'DESC' ? -1 : 1;
  // Amounts in a query may be bigints, which JSON.stringify refuses.
  const queryHash = sha256(JSON.stringify(req.query ?? null, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).slice(0, 16);
  const after = req.cursor ? decodeCursor(req.cursor, queryHash) : undefined;
  const keyed = req.items.map((item) => ({ item, key: req.key(item) }));
  keyed.sort((a, b) => dir * compareKeys(a.key, b.key));
  const start = after ? keyed.filter((k) => dir * compareKeys(k.key, after) > 0) : keyed;
  const page = start.slice(0, req.limit);
  const last = page[page.length - 1];
  const result: Page<T> = { items: page.map((k) => k.item) };
  if (start.length > req.limit && last) result.cursor = encodeCursor(last.key, queryHash);
  return result;
}

function encodeCursor(key: SortKey, queryHash: string): string {
  return Buffer.from(JSON.stringify({ q: queryHash, k: key })).toString('base64url');
}

function decodeCursor(cursor: string, queryHash: string): SortKey {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { q?: unknown; k?: unknown };
    if (parsed.q === queryHash && Array.isArray(parsed.k)) return parsed.k as SortKey;
  } catch {
    // fall through: any undecodable cursor is Square's INVALID_CURSOR
  }
  throw errors.invalidCursor();
}
