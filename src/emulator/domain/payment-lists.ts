import { clock } from '../plumbing/clock.js';
import { errors } from '../plumbing/errors.js';
import { paginate } from '../plumbing/pagination.js';
import type { Stored } from '../plumbing/store.js';
import { instant } from '../plumbing/timestamps.js';

/** What ListPayments and ListPaymentRefunds share: their time filters, page size and order. */

export interface ListQuery {
  begin_time?: string | undefined;
  end_time?: string | undefined;
  updated_at_begin_time?: string | undefined;
  updated_at_end_time?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
  sort_order?: 'ASC' | 'DESC' | undefined;
  sort_field?: string | undefined;
}

/** ListPayments and ListPaymentRefunds: default and maximum page size. */
const LIST_PAGE_SIZE = 100;

const YEAR_MS = 365 * 24 * 3_600_000;

/**
 * The time filters ListPayments and ListPaymentRefunds share: created_at in [begin_time, end_time)
 * with begin_time a year ago by default, and updated_at in [updated_at_begin_time, updated_at_end_time).
 */
export function timeWindow(query: {
  begin_time?: string | undefined;
  end_time?: string | undefined;
  updated_at_begin_time?: string | undefined;
  updated_at_end_time?: string | undefined;
}): (doc: { created_at?: string | null; updated_at?: string | null }) => boolean {
  const begin = instant(query.begin_time, 'begin_time') ?? clock.nowMs() - YEAR_MS;
  const end = instant(query.end_time, 'end_time') ?? Infinity;
  const updatedBegin = instant(query.updated_at_begin_time, 'updated_at_begin_time') ?? -Infinity;
  const updatedEnd = instant(query.updated_at_end_time, 'updated_at_end_time') ?? Infinity;
  return (doc) => {
    const created = Date.parse(doc.created_at!);
    const updated = Date.parse(doc.updated_at!);
    return created >= begin && created < end && updated >= updatedBegin && updated < updatedEnd;
  };
}

/** Both list endpoints: default 100; a larger value is ignored in favour of the default. */
function listLimit(limit: number | undefined): number {
  if (limit === undefined || limit > LIST_PAGE_SIZE) return LIST_PAGE_SIZE;
  if (limit < 1) throw errors.tooLow('limit', 'The limit must be at least 1.');
  return limit;
}

/** A page of ListPayments or ListPaymentRefunds: by created_at (or updated_at), newest first unless asked otherwise. */
export function listPage<T extends { created_at?: string | null; updated_at?: string | null }>(
  items: Stored<T>[],
  query: { cursor?: string | undefined; limit?: number | undefined; sort_order?: 'ASC' | 'DESC' | undefined; sort_field?: string | undefined },
): { items: T[]; cursor?: string } {
  const { cursor, limit, ...filters } = query;
  const sortField = query.sort_field === 'UPDATED_AT' ? 'updated_at' : 'created_at';
  const page = paginate({
    items,
    key: (s) => [s.doc[sortField]!, s.seq],
    order: query.sort_order ?? 'DESC',
    limit: listLimit(limit),
    cursor,
    query: filters,
  });
  return { items: page.items.map((s) => s.doc), ...(page.cursor && { cursor: page.cursor }) };
}
