import { GraphQLError } from 'graphql';
import { SquareError, SquareTimeoutError, type Square } from 'square';

export type GatewayErrorCode =
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_ERROR'
  | 'SELLER_DISCONNECTED'
  | 'SELLER_REQUIRED';

/** The GraphQL error for a failed Square call: our code, plus Square's own code and detail. */
export function squareFailure(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof SquareTimeoutError) {
    return new GraphQLError('Square did not answer in time.', { extensions: { code: 'UPSTREAM_TIMEOUT', http: { status: 200 } } });
  }
  // Without a status Square never answered (refused connection, reset, DNS): the SDK's text would name our network, not Square's problem.
  if (error instanceof SquareError && error.statusCode !== undefined) return fromSquareErrors(error.statusCode, error.errors, error.message);
  return new GraphQLError('Square could not be reached.', { extensions: { code: 'UPSTREAM_ERROR' } });
}

/** The GraphQL error for Square's `errors` array, also as bulk endpoints return it per item. */
export function fromSquareErrors(statusCode: number | undefined, errors: ReadonlyArray<SquareError.BodyError | Square.Error_>, fallback = 'Square failed.'): GraphQLError {
  const first = errors[0];
  return new GraphQLError(first?.detail ?? fallback, {
    extensions: {
      code: codeFor(statusCode, first?.category, first?.code),
      square: { statusCode, code: first?.code, category: first?.category, field: first?.field },
    },
  });
}

function codeFor(status: number | undefined, category: string | undefined, code: string | undefined): GatewayErrorCode {
  // Square's, or the gateway's own for a call its request's deadline left no time for (budgeted-fetch.ts).
  if (code === 'GATEWAY_TIMEOUT') return 'UPSTREAM_TIMEOUT';
  // The gateway's own, for a call it did not make: no seller named, or a disconnected one (src/context/seller-link.ts).
  if (code === 'SELLER_DISCONNECTED' || code === 'SELLER_REQUIRED') return code;
  if (status === 401 || category === 'AUTHENTICATION_ERROR') return status === 403 ? 'FORBIDDEN' : 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429 || category === 'RATE_LIMIT_ERROR') return 'RATE_LIMITED';
  if (status !== undefined && status >= 400 && status < 500) return 'BAD_USER_INPUT';
  return 'UPSTREAM_ERROR';
}

export function isNotFound(error: unknown): boolean {
  return error instanceof SquareError && error.statusCode === 404;
}

/**
 * What a failed write tells about Square's state. `refused`: Square answered and did
 * nothing — a 429 too, which the transport already retried within the seller's budget
 * (src/square/budgeted-fetch.ts). `unknown`: no answer, a timeout or a server error,
 * which can come after the write committed; only Square's state can tell.
 */
export type WriteOutcome = 'refused' | 'unknown';

export function writeOutcome(error: unknown): WriteOutcome {
  if (error instanceof SquareTimeoutError) return 'unknown';
  if (!(error instanceof SquareError)) return 'refused';
  const status = error.statusCode;
  return status === undefined || status === 408 || status >= 500 ? 'unknown' : 'refused';
}
