import type { serialization } from 'square';
import { errors } from './errors.js';

/**
 * An RFC 3339 timestamp a caller sent, in epoch ms. Square's APIs name a bad one differently:
 * the Payments and Refunds lists say INVALID_VALUE, Orders and Customers searches INVALID_TIME.
 */
/** RFC 3339, as Square's timestamps are: a date, a time and an offset (`Z` or `±hh:mm`). */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

export const isTimestamp = (value: string): boolean => RFC_3339.test(value) && !Number.isNaN(Date.parse(value));

export function instant(
  value: string | null | undefined,
  field: string,
  code: serialization.ErrorCode.Raw = 'INVALID_VALUE',
): number | undefined {
  if (value == null) return undefined;
  if (!isTimestamp(value)) throw errors.invalid(code, `Invalid ${field}: expected an RFC 3339 timestamp, got ${value}.`, field);
  return Date.parse(value);
}
