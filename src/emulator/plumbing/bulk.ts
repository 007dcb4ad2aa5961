import { SquareApiError } from './errors.js';

/**
 * Runs one bulk item per entry: a Square error of one item becomes that item's
 * `{errors}` and the other items go ahead. Items check everything before they write.
 */
export function mapEntries<V>(items: Record<string, V>, run: (key: string, value: V) => Record<string, unknown>) {
  const responses: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(items)) {
    try {
      responses[key] = run(key, value);
    } catch (error) {
      if (!(error instanceof SquareApiError)) throw error;
      responses[key] = { errors: error.errors };
    }
  }
  return responses;
}
