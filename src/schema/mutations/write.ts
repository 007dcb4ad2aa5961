import { SquareError } from 'square';
import { z } from 'zod';
import type { GatewayContext } from '../../gateway/context.js';
import { squareFailure } from '../../square/errors.js';
import { squareIdFrom, type NodeTypeName } from '../ids.js';
import { ConflictError, NotFoundError, PaymentDeclinedError, ValidationError } from '../errors.js';

/** Square's idempotency key lengths per endpoint (its spec and reference). */
export const IDEMPOTENCY_KEY_MAX = {
  createPayment: 45,
  cancelPaymentByIdempotencyKey: 45,
  refundPayment: 45,
  saveCard: 45,
  createOrder: 192,
  payOrder: 192,
  giftCardActivity: 128,
  createCustomer: 45,
} as const;

export const idempotencyKey = (max: number) =>
  z.string().min(1, 'idempotencyKey must not be empty').max(max, `idempotencyKey is at most ${max} characters`);

const snakeToCamel = (path: string) => path.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/**
 * Runs a Square write and reports Square's refusals as typed results: declines,
 * missing objects, conflicts and invalid input. Authentication, permission, rate
 * limit and server failures stay top-level GraphQL errors, since no input fixes them.
 * `fields` maps Square's field names to the input's where they differ.
 */
export async function squareWrite<T>(
  ctx: GatewayContext,
  call: () => Promise<T>,
  fields: Record<string, string> = {},
): Promise<T> {
  try {
    return await ctx.loaders.limited(call);
  } catch (error) {
    throw typedFailure(error, fields);
  }
}

function typedFailure(error: unknown, fields: Record<string, string>): unknown {
  if (!(error instanceof SquareError)) return squareFailure(error);
  const first = error.errors[0];
  const status = error.statusCode ?? 0;
  const detail = first?.detail ?? error.message;
  const code = first?.code ?? 'UNKNOWN';
  if (first?.category === 'PAYMENT_METHOD_ERROR') {
    const payment = (error.body as { payment?: { id?: string } } | undefined)?.payment;
    return new PaymentDeclinedError(detail, code, payment?.id);
  }
  if (status === 404) return new NotFoundError(detail);
  if (status === 409 || code === 'CONFLICT' || code === 'VERSION_MISMATCH' || code === 'IDEMPOTENCY_KEY_REUSED') {
    return new ConflictError(detail, code);
  }
  if (status === 400 && (first?.category === 'INVALID_REQUEST_ERROR' || first?.category === 'REFUND_ERROR')) {
    const squareField = first.field ?? '';
    const field = fields[squareField] ?? (squareField ? `input.${snakeToCamel(squareField)}` : 'input');
    return new ValidationError(detail, field, code);
  }
  return squareFailure(error);
}

/** Checks a mutation's input before any Square call; the first problem becomes a ValidationError naming its path. */
export function validateInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const codes: Record<string, string> = { too_small: 'VALUE_TOO_LOW', too_big: 'VALUE_TOO_HIGH', invalid_format: 'INVALID_VALUE' };
  const origin = 'origin' in issue ? String(issue.origin) : '';
  const code =
    origin === 'string' && issue.code === 'too_big' ? 'VALUE_TOO_LONG' : origin === 'string' && issue.code === 'too_small' ? 'VALUE_TOO_SHORT' : (codes[issue.code] ?? 'INVALID_VALUE');
  throw new ValidationError(issue.message, ['input', ...issue.path.map(String)].join('.'), code);
}

/** A positive amount in the smallest currency unit, as Square takes money. */
export const positiveMoney = z.object({
  amount: z.bigint().positive('amount must be greater than 0'),
  currency: z.string(),
});

export const SQUARE_ID = z.string().regex(/^[A-Za-z0-9:_-]{1,192}$/, 'is not a Square id');

/** A mutation's id input (global id or Square id) as Square's id; a malformed one is a ValidationError on `field`. */
export function idInput(value: string | number, type: NodeTypeName, field: string): string {
  try {
    return squareIdFrom(String(value), type, field);
  } catch (error) {
    throw new ValidationError((error as Error).message, field, 'INVALID_VALUE');
  }
}

/**
 * The `errors` options of a mutation: its typed failures, the name of the success
 * payload's field, and descriptions for the generated union and success types.
 */
export function mutationErrors<T extends Array<new (...args: never[]) => Error>>(
  mutation: string,
  types: T,
  dataField: { name: string; description: string },
) {
  return {
    types,
    dataField,
    union: { description: `What ${mutation} returns: its success payload, or one of the errors it reports as data.` },
    result: { description: `${mutation} succeeded.` },
  };
}
