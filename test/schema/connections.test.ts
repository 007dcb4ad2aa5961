import { describe, expect, it } from 'vitest';
import { arrayConnection, squareConnection, type ListOrder } from '../../src/schema/connections.js';

interface Item {
  id: string;
  createdAt: string;
}

/**
 * A list paged as Square pages it: newest first, ties in Square's own order (latest
 * written first, which the gateway cannot see), keyset page cursors.
 */
function squareList(items: Item[]) {
  const rows = items.map((item, seq) => ({ item, seq }));
  const sorted = () => [...rows].sort((a, b) => b.item.createdAt.localeCompare(a.item.createdAt) || b.seq - a.seq);
  return {
    remove: (id: string) => rows.splice(rows.findIndex((r) => r.item.id === id), 1),
    fetchPage: async (cursor: string | undefined, limit: number) => {
      const all = sorted();
      const start = cursor ? all.findIndex((r) => r.seq === Number(cursor)) + 1 : 0;
      const page = all.slice(start, start + limit);
      return { items: page.map((r) => r.item), cursor: start + limit < all.length ? String(page[page.length - 1]!.seq) : undefined };
    },
  };
}

const order: ListOrder<Item> = { scope: ['test'], sortKey: (i) => i.createdAt, direction: 'DESC' };
const ids = (connection: { edges: Array<{ node: Item }> }) => connection.edges.map((e) => e.node.id);

describe('squareConnection', () => {
  it('continues after an item deleted since its cursor was given out, among items of the same time', async () => {
    const same = '2026-01-01T00:00:00.000Z';
    const square = squareList(['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, createdAt: same })));
    const first = await squareConnection({ first: 3 }, (c) => square.fetchPage(c, 10), order);
    expect(ids(first)).toEqual(['e', 'd', 'c']);
    square.remove('c');
    const next = await squareConnection({ first: 3, after: first.pageInfo.endCursor }, square.fetchPage, order);
    expect(ids(next)).toEqual(['b', 'a']);
  });

  it('goes on from an edge in the middle of a Square page, across Square pages', async () => {
    const square = squareList(Array.from({ length: 7 }, (_, i) => ({ id: `i${i}`, createdAt: `2026-01-01T00:00:0${i}.000Z` })));
    const first = await squareConnection({ first: 4 }, square.fetchPage, order);
    expect(ids(first)).toEqual(['i6', 'i5', 'i4', 'i3']);
    const fromSecond = await squareConnection({ first: 4, after: first.edges[1]!.cursor }, square.fetchPage, order);
    expect(ids(fromSecond)).toEqual(['i4', 'i3', 'i2', 'i1']);
    expect(fromSecond.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('asks Square for exactly the edges missing, so that a page ends on Square’s own cursor', async () => {
    const square = squareList(Array.from({ length: 5 }, (_, i) => ({ id: `i${i}`, createdAt: `2026-01-01T00:00:0${i}.000Z` })));
    const limits: number[] = [];
    const fetchPage = (cursor: string | undefined, limit: number) => (limits.push(limit), square.fetchPage(cursor, limit));
    const first = await squareConnection({ first: 2 }, fetchPage, order);
    const second = await squareConnection({ first: 2, after: first.pageInfo.endCursor }, fetchPage, order);
    expect(ids(second)).toEqual(['i2', 'i1']);
    expect(limits).toEqual([2, 2]);
  });
});

describe('arrayConnection', () => {
  it('orders ties by id, so that a cursor between two items of the same time is exact', () => {
    const same = '2026-01-01T00:00:00.000Z';
    const items = ['b', 'a', 'c'].map((id) => ({ id, createdAt: same }));
    const first = arrayConnection({ first: 1 }, items, order);
    expect(ids(first)).toEqual(['c']);
    const rest = arrayConnection({ first: 5, after: first.pageInfo.endCursor }, [...items, { id: 'd', createdAt: same }], order);
    expect(ids(rest)).toEqual(['b', 'a']);
  });
});
