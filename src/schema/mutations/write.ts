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
  createGiftCard: 128,
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
  secrets: ReadonlyArray<string | null | undefined> = [],
): Promise<T> {
  try {
    return await ctx.loaders.limited(call);
  } catch (error) {
    throw redact(typedFailure(error, fields), secrets);
  }
}

/**
 * Square's details may quote what it was sent (e.g. "Invalid source_id …"); payment
 * tokens must never reach a client or a log, so `secrets` are cut out of the message.
 */
function redact(failure: unknown, secrets: ReadonlyArray<string | null | undefined>): unknown {
  if (!(failure instanceof Error)) return failure;
  for (const secret of secrets) if (secret) failure.message = failure.message.split(secret).join('[redacted]');
  return failure;
}

/** What to tell the buyer for Square's common declines; its own detail ("Authorization error: …") is for developers. */
const DECLINE_MESSAGES: Record<string, string> = {
  GENERIC_DECLINE: 'The card was declined. Try another card, or ask the card issuer why.',
  CVV_FAILURE: 'The card’s security code (CVV) did not match. Check it, or try another card.',
  ADDRESS_VERIFICATION_FAILURE: 'The billing postal code did not match the card. Check it, or try another card.',
  INVALID_EXPIRATION: 'The card’s expiration date is not valid, or the card has expired.',
  INSUFFICIENT_FUNDS: 'There are not enough funds for this amount. Try a smaller amount or another payment method.',
  CARD_TOKEN_USED: 'This card entry was already used for a payment. Enter the card again to pay.',
  CARD_DECLINED_VERIFICATION_REQUIRED: 'The card issuer asks the buyer to verify this payment: pass the verificationToken from the payments SDK.',
};

function typedFailure(error: unknown, fields: Record<string, string>): unknown {
  if (!(error instanceof SquareError)) return squareFailure(error);
  const first = error.errors[0];
  const status = error.statusCode ?? 0;
  const detail = first?.detail ?? error.message;
  const code = first?.code ?? 'UNKNOWN';
  if (first?.category === 'PAYMENT_METHOD_ERROR') {
    const payment = (error.body as { payment?: { id?: string } } | undefined)?.payment;
    return new PaymentDeclinedError(DECLINE_MESSAGES[code] ?? detail, code, payment?.id);
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

/** GraphQL input with nulls dropped: absent and null both mean "not given" on create. */
export function present<T extends Record<string, unknown>>(input: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v != null)) as never;
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
