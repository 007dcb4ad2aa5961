import { SquareApiError } from '../errors.js';
import { parseRequest, type FieldRules } from '../validation.js';

type ElementSchema = Parameters<typeof parseRequest>[0];

/**
 * The spec's rules for one element of a request's list (`changes[3].adjustment.reference_id`), which a
 * `FieldRules` table cannot name: the element is checked against its own SDK schema and rules, and its
 * errors are named from the request's root, `at`. The request itself has been through `parseRequest`.
 */
export function checkElement(schema: ElementSchema, element: unknown, at: string, rules: FieldRules): void {
  try {
    parseRequest(schema, element, rules);
  } catch (error) {
    if (!(error instanceof SquareApiError)) throw error;
    throw new SquareApiError(error.status, error.errors.map((e) => ({ ...e, field: e.field ? `${at}.${e.field}` : at })));
  }
}
