import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

export interface PageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

/**
 * How a connection's list is ordered. Cursors are keyset cursors: they hold the
 * sort key and id of their edge's item, so that items added or removed between two
 * page requests never make a page repeat or skip one.
 */
export interface ListOrder<T> {
  /** The connection and the arguments that shape its list: a cursor continues only the list it came from. */
  scope: unknown;
  /** The item's sort key; Square's timestamps compare as strings in time order. */
  sortKey: (item: T) => string | null | undefined;
  direction: 'ASC' | 'DESC';
}

interface Identified {
  id?: string | null | undefined;
}

interface Cursor {
  /** Hash of the list's scope. */
  s: string;
  /** Sort key and id of the edge's item. */
  k: string;
  id: string;
  /** Square's cursor of the page to read on from; absent for the first page. */
  c?: string;
  /** Items Square put before this one with the same sort key: seen, though the key alone cannot tell. */
  t?: string[];
}

type Argument = 'after' | 'before';

function badCursor(argument: Argument): GraphQLError {
  return new GraphQLError(`${argument} is not a cursor from this connection.`, { extensions: { code: 'BAD_USER_INPUT', argument } });
}

function checkCount(value: number, argument: 'first' | 'last'): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE) {
    throw new GraphQLError(`${argument} must be between 0 and ${MAX_PAGE}.`, { extensions: { code: 'BAD_USER_INPUT', argument } });
  }
  return value;
}

/** Hashes of recent scopes: a page hashes one per connection on it, and the same pages are read again and again. */
const scopeHashes = new Map<string, string>();
const SCOPE_HASHES_KEPT = 10_000;

function scopeHash(scope: unknown): string {
  const text = JSON.stringify(scope ?? null);
  let hash = scopeHashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha256').update(text).digest('base64url').slice(0, 16);
    if (scopeHashes.size >= SCOPE_HASHES_KEPT) scopeHashes.clear();
    scopeHashes.set(text, hash);
  }
  return hash;
}

function encode(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/**
 * An edge whose cursor is encoded when read, once: most pages select no cursor, and
 * a page of customers with their orders would encode one per edge for nothing.
 */
function edgeOf<T>(node: T, cursor: Cursor): { node: T; readonly cursor: string } {
  let encoded: string | undefined;
  return {
    node,
    get cursor() {
      return (encoded ??= encode(cursor));
    },
  };
}

const isString = (value: unknown): value is string => typeof value === 'string';

function decode(cursor: string, scope: string, argument: Argument): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor> | null;
    if (
      parsed?.s === scope &&
      isString(parsed.k) &&
      isString(parsed.id) &&
      (parsed.c === undefined || isString(parsed.c)) &&
      (parsed.t === undefined || (Array.isArray(parsed.t) && parsed.t.every(isString)))
    ) {
      return parsed as Cursor;
    }
  } catch {
    // not JSON: not one of ours either
  }
  throw badCursor(argument);
}

function pageInfo(edges: ReadonlyArray<{ readonly cursor: string }>, hasPreviousPage: boolean, hasNextPage: boolean) {
  return {
    hasNextPage,
    hasPreviousPage,
    get startCursor() {
      return edges[0]?.cursor ?? null;
    },
    get endCursor() {
      return edges[edges.length - 1]?.cursor ?? null;
    },
  };
}

/**
 * A connection over a list the gateway holds whole (a customer's orders and
 * payments). The list is put in a total order — sort key, then id — and a page
 * starts strictly after (or ends strictly before) its cursor's key.
 */
export function arrayConnection<T extends Identified>(args: PageArgs, items: readonly T[], order: ListOrder<T>) {
  const scope = scopeHash(order.scope);
  const sign = order.direction === 'ASC' ? 1 : -1;
  const compare = (a: { k: string; id: string }, b: { k: string; id: string }) =>
    sign * (a.k === b.k ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.k < b.k ? -1 : 1);
  // Each item's key made once, not at each comparison.
  const sorted = items.map((node) => ({ node, k: order.sortKey(node) ?? '', id: node.id ?? '' })).sort(compare);

  const after = args.after ? decode(args.after, scope, 'after') : undefined;
  const before = args.before ? decode(args.before, scope, 'before') : undefined;
  const indexOr = (index: number) => (index === -1 ? sorted.length : index);
  const start = after ? indexOr(sorted.findIndex((item) => compare(item, after) > 0)) : 0;
  const end = Math.max(start, before ? indexOr(sorted.findIndex((item) => compare(item, before) >= 0)) : sorted.length);
  const backward = args.last != null && args.first == null;
  const to = backward ? end : Math.min(end, start + checkCount(args.first ?? DEFAULT_PAGE, 'first'));
  const from = args.last != null ? Math.max(start, to - checkCount(args.last, 'last')) : start;

  const edges = sorted.slice(from, to).map(({ node, k, id }) => edgeOf(node, { s: scope, k, id }));
  return { edges, pageInfo: pageInfo(edges, from > 0, to < sorted.length) };
}

/**
 * A forward connection over one of Square's cursor-paged endpoints. Each Square
 * page is asked for exactly the edges still missing, so a page of the connection
 * usually ends where Square's page ends and its endCursor carries Square's own
 * cursor. Every edge's cursor also pins its item (sort key, id), and the next page
 * drops whatever Square returns at or before that item: an edge in the middle of a
 * Square page leads on correctly even after items were added or removed before it.
 */
export async function squareConnection<T extends Identified>(
  args: PageArgs,
  fetchPage: (cursor: string | undefined, limit: number) => Promise<{ items: T[]; cursor?: string | null | undefined }>,
  order: ListOrder<T>,
) {
  if (args.last != null || args.before != null) {
    throw new GraphQLError('This connection pages forward only: use first and after.', {
      extensions: { code: 'BAD_USER_INPUT', argument: args.last != null ? 'last' : 'before' },
    });
  }
  const first = checkCount(args.first ?? DEFAULT_PAGE, 'first');
  const scope = scopeHash(order.scope);
  const pin = args.after ? decode(args.after, scope, 'after') : undefined;
  const seen = new Set([...(pin?.t ?? []), ...(pin ? [pin.id] : [])]);
  const keyOf = (item: T) => order.sortKey(item) ?? '';
  const sortsBefore = (a: string, b: string) => (order.direction === 'ASC' ? a < b : a > b);
  const alreadyPaged = (item: T) => pin !== undefined && (seen.has(item.id ?? '') || sortsBefore(keyOf(item), pin.k));

  const edges: Array<{ node: T; readonly cursor: string }> = [];
  let pageCursor = pin?.c;
  let hasNextPage = false;
  while (edges.length < first) {
    const page = await fetchPage(pageCursor, first - edges.length).catch((error: unknown) => {
      // Square refuses a page cursor it did not make: that came from our caller's `after`.
      const square = (error as GraphQLError).extensions?.square as { code?: string } | undefined;
      if (pin?.c !== undefined && pageCursor === pin.c && square?.code === 'INVALID_CURSOR') throw badCursor('after');
      throw error;
    });
    const fresh = page.items.filter((item) => !alreadyPaged(item));
    const taken = fresh.slice(0, first - edges.length);
    for (const node of taken) {
      const index = page.items.indexOf(node);
      const k = keyOf(node);
      const lastOnPage = index === page.items.length - 1 && page.cursor;
      const ties = page.items.slice(0, index).filter((item) => keyOf(item) === k).map((item) => item.id ?? '');
      const cursor: Cursor = { s: scope, k, id: node.id ?? '' };
      const resumeAt = lastOnPage ? page.cursor! : pageCursor;
      if (resumeAt) cursor.c = resumeAt;
      if (ties.length > 0) cursor.t = ties;
      edges.push(edgeOf(node, cursor));
    }
    if (edges.length >= first) {
      hasNextPage = fresh.length > taken.length || Boolean(page.cursor);
      break;
    }
    if (!page.cursor) break;
    pageCursor = page.cursor;
  }
  return { edges, pageInfo: pageInfo(edges, Boolean(args.after), hasNextPage) };
}
