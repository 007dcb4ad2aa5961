import { GraphQLError } from 'graphql';
import { squareIdFrom } from './ids.js';

/** Square's SearchOrders takes at most 10 location ids and 10 customer ids; the root filters keep to it. */
export const MAX_IDS = 10;

/** A filter's list of ids (global ids or squareIds) as Square ids; more than MAX_IDS is BAD_USER_INPUT naming the field. */
export function idList(ids: readonly (string | number)[] | null | undefined, type: 'Location' | 'Customer', field: string) {
  if (!ids) return undefined;
  if (ids.length > MAX_IDS) {
    throw new GraphQLError(`${field} takes at most ${MAX_IDS} ids (Square’s SearchOrders limit).`, {
      extensions: { code: 'BAD_USER_INPUT', argument: field },
    });
  }
  return ids.map((id) => squareIdFrom(String(id), type, field));
}

/** Whether a time lies in a range, both ends included, as Square's time filters have it. */
export function within(at: string | undefined, range: { startAt?: string; endAt?: string }): boolean {
  const time = Date.parse(at ?? '');
  return (!range.startAt || time >= Date.parse(range.startAt)) && (!range.endAt || time <= Date.parse(range.endAt));
}
