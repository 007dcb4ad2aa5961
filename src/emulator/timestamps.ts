import type { serialization } from 'square';
import { errors } from './errors.js';

/**
 * An RFC 3339 timestamp a caller sent, in epoch ms. Square's APIs name a bad one differently:
 * the Payments and Refunds lists say INVALID_VALUE, Orders and Customers searches INVALID_TIME.
 */
export function instant(
  value: string | null | undefined,
  field: string,
  code: serialization.ErrorCode.Raw = 'INVALID_VALUE',
): number | undefined {
  if (value == null) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw errors.invalid(code, `Invalid ${field}: expected an RFC 3339 timestamp, got ${value}.`, field);
  return ms;
}
