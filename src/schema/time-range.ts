import { builder } from './builder.js';

export const TimeRange = builder.inputType('TimeRange', {
  description: 'A time range; either end may be left open.',
  fields: (t) => ({
    startAt: t.field({ type: 'DateTime', required: false, description: 'The earliest time in the range; unbounded when absent.' }),
    endAt: t.field({ type: 'DateTime', required: false, description: 'The latest time in the range; unbounded when absent.' }),
  }),
});

/** A TimeRange as Square's filters take it: an open end is left out. */
export function timeRange(r: { startAt?: string | null; endAt?: string | null }) {
  return { ...(r.startAt ? { startAt: r.startAt } : {}), ...(r.endAt ? { endAt: r.endAt } : {}) };
}
