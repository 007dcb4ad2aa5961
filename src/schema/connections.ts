import { resolveArrayConnection } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

export interface PageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

function checkFirst(args: PageArgs): number {
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
    throw new GraphQLError(`first must be between 0 and ${MAX_PAGE}.`, { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  }
  return first;
}

/** A connection over a list the gateway already holds (a customer's orders, a gift card's activities). */
export function arrayConnection<T>(args: PageArgs, items: readonly T[]) {
  return resolveArrayConnection({ args: { ...args, first: checkFirst(args) } }, items);
}

interface SquareCursor {
  /** Square's cursor of the page the edge is on (absent: the first page). */
  c?: string;
  /** The edge's index on that page. */
  o: number;
}

function encode(cursor: SquareCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decode(cursor: string): SquareCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as SquareCursor;
    if (Number.isInteger(parsed.o) && parsed.o >= -1 && (parsed.c === undefined || typeof parsed.c === 'string')) return parsed;
  } catch {
    // any other shape is not one of ours
  }
  throw new GraphQLError('after is not a cursor from this connection.', { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
}

/**
 * A forward connection over one of Square's cursor-paged endpoints. Pages are always
 * requested at the same size, so an edge's cursor (Square's page cursor plus the
 * edge's index on that page) leads back to exactly the next item.
 */
export async function squareConnection<T>(
  args: PageArgs,
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; cursor?: string | null | undefined }>,
) {
  if (args.last != null || args.before != null) {
    throw new GraphQLError('This connection pages forward only: use first and after.', {
      extensions: { code: 'BAD_USER_INPUT', argument: args.last != null ? 'last' : 'before' },
    });
  }
  const first = checkFirst(args);
  const start = args.after ? decode(args.after) : { o: -1 };
  const edges: Array<{ node: T; cursor: string }> = [];
  let pageCursor = start.c;
  let skip = start.o + 1;
  let hasNextPage = false;
  while (first > 0) {
    const page = await fetchPage(pageCursor);
    const taken = page.items.slice(skip, skip + first - edges.length);
    taken.forEach((node, i) => edges.push({ node, cursor: encode({ ...(pageCursor ? { c: pageCursor } : {}), o: skip + i }) }));
    const leftOnPage = page.items.length > skip + taken.length;
    if (edges.length >= first) {
      hasNextPage = leftOnPage || Boolean(page.cursor);
      break;
    }
    if (!page.cursor) break;
    pageCursor = page.cursor;
    skip = 0;
  }
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
