import { SquareApiError } from './errors.js';

/**
 * The Square API releases whose shapes the emulator knows, oldest first: the release of Square's OpenAPI
 * spec it was written from, and the one the `square` SDK it is built against sends. Square keeps every
 * breaking change (a field renamed, a value or an endpoint retired) behind the version that made it,
 * while its additions (new fields, values and endpoints) reach every version; the route module where a
 * breaking change lives answers each of these releases in its own shapes (routes/inventory-versions.ts),
 * and adding one here makes the compiler ask each of them for it.
 */
export const SQUARE_VERSIONS = ['2025-08-20', '2026-09-16'] as const;
export type SquareVersion = (typeof SQUARE_VERSIONS)[number];

/** A call without the header is answered as if its application were pinned to the SDK's version. */
export const DEFAULT_SQUARE_VERSION: SquareVersion = '2026-09-16';

/** The version a call asked for (`Square-Version`, each a release date), and the release whose shapes answer it. */
export interface AskedVersion {
  asked: string;
  release: SquareVersion;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a calendar date written YYYY-MM-DD (2025-02-30 is not). */
function isDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const OLDEST = SQUARE_VERSIONS[0];
const NEWEST = SQUARE_VERSIONS[SQUARE_VERSIONS.length - 1]!;

/**
 * The version a call asks for. One that is not a date is Square's 400 INVALID_SQUARE_VERSION_FORMAT. A date
 * from the oldest release the emulator knows to the newest is answered in the shapes of the newest release
 * not after it: Square released others in between (the square SDK 43 sends 2025-09-24), which the
 * emulator takes as they come, knowing of no breaking change in them. Outside that span it knows nothing
 * of Square's changes, so it refuses, as INVALID_VALUE, its answer to a value of Square's it does not emulate.
 */
export function squareVersion(header: string | string[] | undefined): AskedVersion {
  if (header === undefined) return { asked: DEFAULT_SQUARE_VERSION, release: DEFAULT_SQUARE_VERSION };
  const asked = Array.isArray(header) ? header.join(',') : header;
  if (!isDate(asked)) {
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_SQUARE_VERSION_FORMAT', `Square-Version must be a date written YYYY-MM-DD, not ${JSON.stringify(asked)}.`, 'Square-Version');
  }
  if (asked < OLDEST || asked > NEWEST) {
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'INVALID_VALUE',
      `The emulator answers Square-Version ${OLDEST} to ${NEWEST}, the releases whose shapes it knows, not ${asked}.`,
      'Square-Version',
    );
  }
  return { asked, release: SQUARE_VERSIONS.findLast((release) => release <= asked)! };
}

/** Whether `version` comes before `release`: a call at it gets the shapes `release` changed. */
export const isBefore = (version: SquareVersion, release: SquareVersion): boolean => version < release;
