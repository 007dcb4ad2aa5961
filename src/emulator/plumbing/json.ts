import { isInteger, parse, stringify } from 'lossless-json';

/**
 * Square's amounts are int64 and travel as plain JSON numbers (the SDK writes a bigint
 * as its digits). JSON.parse would round those past 2^53, so such integers are read as
 * bigint and written back as digits; every other number stays a number.
 */

/**
 * Only a run this long of digits, as a value (after `:`, `[` or `,`), can be an integer past
 * 2^53 (16 digits); other texts take JSON.parse, those holding a gift card's GAN (16 digits
 * in a string) included.
 */
const LONG_DIGITS = /[[:,]\s*-?\d{16}/;

function parseNumber(text: string): number | bigint {
  const value = Number(text);
  return isInteger(text) && !Number.isSafeInteger(value) ? BigInt(text) : value;
}

/** An integer in the form parseJson gives it: a number while exact, a bigint beyond 2^53. */
export function wireInteger(value: bigint): number | bigint {
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value;
}

export function parseJson(text: string): unknown {
  return LONG_DIGITS.test(text) ? parse(text, null, parseNumber) : JSON.parse(text);
}

export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify refuses bigint, which only an amount beyond 2^53 is.
    if (!(error instanceof TypeError)) throw error;
    return stringify(value) ?? 'null';
  }
}
