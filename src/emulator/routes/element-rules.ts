import { SquareApiError } from '../errors.js';
import { parseRequest, type FieldRules } from '../validation.js';

type ElementSchema = Parameters<typeof parseRequest>[0];

/**
 * The spec's rules for the elements of a request's list (`changes[3].adjustment.reference_id`), which a
 * `FieldRules` table cannot name: each element is checked against its own SDK schema and rules, and its
 * errors are named from the request's root. The request itself has been through `parseRequest` already.
 */
export function checkElements(schema: ElementSchema, list: readonly unknown[] | null | undefined, at: string, rules: FieldRules): void {
  (list ?? []).forEach((element, i) => {
    try {
      parseRequest(schema, element, rules);
    } catch (error) {
      if (!(error instanceof SquareApiError)) throw error;
      const root = `${at}[${i}]`;
      throw new SquareApiError(error.status, error.errors.map((e) => ({ ...e, field: e.field ? `${root}.${e.field}` : root })));
    }
  });
}
