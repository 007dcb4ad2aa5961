import { SquareApiError } from './errors.js';

/**
 * The Square API versions (`Square-Version: YYYY-MM-DD`, each a release date) the emulator answers in,
 * oldest first: the release of Square's OpenAPI spec it was written from, and the one the `square` SDK it
 * is built against sends. Square keeps every breaking change (a field renamed, a value or an endpoint
 * retired) behind the version that made it, while its additions (new fields, values and endpoints) reach
 * every version; the route module where a breaking change lives answers each version in its own shapes
 * (routes/inventory-versions.ts), and adding a version here makes the compiler ask each of them for it.
 */
export const SQUARE_VERSIONS = ['2025-08-20', '2026-09-16'] as const;
export type SquareVersion = (typeof SQUARE_VERSIONS)[number];

/** A call without the header gets the SDK's version, as if its application were pinned to it. */
export const DEFAULT_SQUARE_VERSION: SquareVersion = '2026-09-16';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a calendar date written YYYY-MM-DD (2025-02-30 is not). */
function isDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The version a call asks for. One that is not a date is Square's 400 INVALID_SQUARE_VERSION_FORMAT. Square
 * refuses a date it never released (its docs say so without naming the code); the emulator cannot tell
 * Square's releases from other dates, so it refuses every version it does not answer in, as INVALID_VALUE,
 * its answer to a value of Square's it does not emulate, naming those it does.
 */
export function squareVersion(header: string | string[] | undefined): SquareVersion {
  if (header === undefined) return DEFAULT_SQUARE_VERSION;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!isDate(value)) {
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_SQUARE_VERSION_FORMAT', `Square-Version must be a date written YYYY-MM-DD, not ${JSON.stringify(value)}.`, 'Square-Version');
  }
  const known = SQUARE_VERSIONS.find((version) => version === value);
  if (!known) {
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'INVALID_VALUE',
      `The emulator answers in Square-Version ${SQUARE_VERSIONS.join(' and ')}, not ${value}.`,
      'Square-Version',
    );
  }
  return known;
}

/** Whether `version` comes before `release`: a call at it gets the shapes `release` changed. */
export const isBefore = (version: SquareVersion, release: SquareVersion): boolean => version < release;
