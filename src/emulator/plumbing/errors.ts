import type { FastifyReply } from 'fastify';
import type { serialization } from 'square';

/** One entry of Square's `errors` array, exactly as it goes over the wire. */
export type SquareErrorBody = serialization.Error_.Raw;
type Category = SquareErrorBody['category'];
type Code = SquareErrorBody['code'];

/**
 * Thrown by any emulator handler to answer the way Square does: the HTTP status
 * follows the first error and the body is `{"errors":[...]}`.
 */
export class SquareApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: SquareErrorBody[],
    readonly options: {
      /** Square returns Retry-After on 429; faults use it too. */
      retryAfterSeconds?: number;
      /**
       * The request changed state before failing (a decline records a FAILED payment):
       * the change is kept and the answer is replayed for the same idempotency key.
       */
      recorded?: boolean;
      /** Objects Square returns beside the errors, such as the FAILED `payment` of a decline. */
      body?: Record<string, unknown>;
    } = {},
  ) {
    super(errors.map((e) => `${e.code}: ${e.detail ?? ''}`).join('; '));
  }

  get recorded(): boolean {
    return this.options.recorded === true;
  }

  /**
   * The same errors with each `field`, and its mention in `detail`, as `name` gives it: a request's fields
   * as an older Square-Version names them. Two errors that become one (two fields that were one) are sent once.
   */
  renamed(name: (field: string) => string): SquareApiError {
    const seen = new Set<string>();
    const renamed = this.errors.flatMap((error) => {
      if (error.field == null) return [error];
      const field = name(error.field);
      const detail = error.detail?.replaceAll(error.field, field);
      const next = { ...error, field, ...(detail === undefined ? {} : { detail }) };
      const key = JSON.stringify(next);
      if (seen.has(key)) return [];
      seen.add(key);
      return [next];
    });
    return new SquareApiError(this.status, renamed, this.options);
  }

  toBody(): Record<string, unknown> {
    return { errors: this.errors, ...this.options.body };
  }

  static of(status: number, category: Category, code: Code, detail?: string, field?: string): SquareApiError {
    const body: SquareErrorBody = { category, code };
    if (detail !== undefined) body.detail = detail;
    if (field !== undefined) body.field = field;
    return new SquareApiError(status, [body]);
  }
}

const invalid = (code: Code, detail: string, field?: string) =>
  SquareApiError.of(400, 'INVALID_REQUEST_ERROR', code, detail, field);

/** The errors every Square API shares; API-specific ones are built with SquareApiError.of. */
export const errors = {
  unauthorized: () =>
    SquareApiError.of(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'),
  notFound: (detail: string, field?: string) => SquareApiError.of(404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', detail, field),
  noSuchEndpoint: (method: string, url: string) => errors.notFound(`No such endpoint: ${method} ${url.split('?')[0]}`),
  missing: (field: string) => invalid('MISSING_REQUIRED_PARAMETER', `Missing required parameter: ${field}`, field),
  invalidValue: (field: string, detail: string) => invalid('INVALID_VALUE', detail, field),
  invalid,
  tooHigh: (field: string, detail: string) => invalid('VALUE_TOO_HIGH', detail, field),
  tooLow: (field: string, detail: string) => invalid('VALUE_TOO_LOW', detail, field),
  invalidCursor: () => invalid('INVALID_CURSOR', 'The pagination cursor is invalid.', 'cursor'),
  badRequest: (detail: string) => invalid('BAD_REQUEST', detail),
  versionMismatch: (detail: string, field = 'version') =>
    SquareApiError.of(409, 'INVALID_REQUEST_ERROR', 'CONFLICT', detail, field),
  /**
   * The Catalog API's answer to a stale object version: 400 VERSION_MISMATCH, a code Square's spec lists
   * (in its `x-endpoint-errors` and descriptions) though the SDK's ErrorCode enum leaves it out.
   */
  staleCatalogVersion: (detail: string, field: string) =>
    SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'VERSION_MISMATCH' as Code, detail, field),
  idempotencyKeyReused: () =>
    invalid(
      'IDEMPOTENCY_KEY_REUSED',
      'The idempotency key was already used for a different request.',
      'idempotency_key',
    ),
  paymentMethod: (code: Code, detail: string, status = 400) =>
    SquareApiError.of(status, 'PAYMENT_METHOD_ERROR', code, detail),
  rateLimited: (retryAfterSeconds: number) =>
    new SquareApiError(
      429,
      [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', detail: 'The rate limit for this seller was exceeded. Retry later.' }],
      { retryAfterSeconds },
    ),
  internal: (detail = 'An internal error occurred.') =>
    SquareApiError.of(500, 'API_ERROR', 'INTERNAL_SERVER_ERROR', detail),
};

/** Answers with a Square error body, and Retry-After when the error carries one. */
export function sendError(reply: FastifyReply, error: SquareApiError) {
  if (error.options.retryAfterSeconds !== undefined) reply.header('Retry-After', String(error.options.retryAfterSeconds));
  return reply.code(error.status).type('application/json').send(error.toBody());
}
