import { Square } from 'square';
import { builder } from './builder.js';

/** A GraphQL enum holding exactly the values of one of the SDK's Square enums. */
export function squareEnum<const T extends Record<string, string>>(name: string, values: T, description: string) {
  return builder.enumType(name, { description, values: Object.values(values) as T[keyof T][] });
}

export const Currency = squareEnum('Currency', Square.Currency, 'An ISO 4217 currency code, as Square uses it.');
