import { GraphQLError } from 'graphql';
import { SquareError } from 'square';
import { z } from 'zod';
import type { GatewayContext } from '../context/gateway-context.js';
import { squareFailure, writeOutcome } from '../square/errors.js';
import { squareIdFrom } from './ids.js';
import { ConflictError, NotFoundError, PaymentDeclinedError, ValidationError } from './errors.js';
import { WRITTEN } from './write-facts.js';

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
  upsertCustomerCustomAttribute: 45,
} as const;

export const idempotencyKey = (max: number) =>
  z.string().min(1, 'idempotencyKey must not be empty').max(max, `idempotencyKey is at most ${max} characters`);

const snakeToCamel = (path: string) => path.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());


export interface Write<T> {
  /** Sends the write once: the SDK never retries (src/square/client.ts); whether to send it again is decided here. */
  send: () => Promise<T>;
  /**
   * How a write whose outcome is unknown is settled. `'resend'`: it carries an idempotency
   * key, so Square answers the same request with the first attempt's result if that took
   * effect. Otherwise a read of Square's state: the result when the write took effect,
   * undefined when it did not.
   */
  settle: 'resend' | (() => Promise<NoInfer<T> | undefined>);
  /**
   * For a keyed write whose request holds a value made when the mutation runs (an inventory
   * change's occurred_at): the caller's retry under the same key is then not the first
   * request again, and Square refuses it as IDEMPOTENCY_KEY_REUSED. What the first request
   * did, read from Square, when it was this same write; undefined when it was another.
   */
  earlier?: () => Promise<NoInfer<T> | undefined>;
  /** Square's field names → the input's where they differ; `''` names the input of a refusal that names no field. */
  fields?: Record<string, string>;
  /** Input that must never reach a message, such as payment tokens. */
  secrets?: ReadonlyArray<string | null | undefined>;
  /**
   * The cached reads the write makes stale (its API's `staleAfter`, in src/apis/<api>/events.ts), given
   * its result, or undefined when its outcome stayed unknown: dropped before the mutation
   * answers, so that the client (and anyone after it) reads what Square now holds.
   */
  stale: (result: NoInfer<T> | undefined) => readonly string[];
}

/**
 * Runs a Square write exactly once and reports what Square did. The SDK never retries
 * it: after a lost answer, a timeout or a 5xx its blind retry ran into the first
 * attempt's result (a second customer, or a NotFoundError for a delete that worked).
 * Instead an unknown outcome is settled by `write.settle`, and the write is sent again
 * only when that cannot take effect twice, up to SQUARE_MAX_RETRIES times.
 *
 * Square's refusals become typed results: declines, missing objects, conflicts and
 * invalid input. Authentication, permission, rate limit and server failures stay
 * top-level GraphQL errors, since no input fixes them.
 */
export async function squareWrite<T>(ctx: GatewayContext, write: Write<T>): Promise<T> {
  let result: T;
  try {
    result = await exactlyOnce(ctx, write);
  } catch (error) {
    // When Square cannot be read, whether the earlier request was this write stays unknown: no ConflictError claims otherwise.
    const earlier = write.earlier && isKeyReused(error) ? await write.earlier().catch((readFailure: unknown) => Promise.reject(squareFailure(readFailure))) : undefined;
    if (earlier === undefined) {
      if (writeOutcome(error) !== 'unknown') throw redact(typedFailure(error, write.fields ?? {}), write.secrets ?? []);
      await forgetStale(ctx, write.stale(undefined));
      throw outcomeUnknown(error, write.settle === 'resend');
    }
    result = earlier;
  }
  await forgetStale(ctx, write.stale(result));
  return result;
}

const isKeyReused = (error: unknown) => error instanceof SquareError && error.errors[0]?.code === 'IDEMPOTENCY_KEY_REUSED';

/**
 * A write whose answer never came, even to the attempts that settle it: the client must
 * not take it for a failure, since Square may have done it, nor repeat it blindly.
 */
function outcomeUnknown(error: unknown, keyed: boolean): GraphQLError {
  const failure = squareFailure(error);
  const status = error instanceof SquareError ? error.statusCode : undefined;
  const lost =
    failure.extensions.code === 'UPSTREAM_TIMEOUT' ? 'Square did not answer in time' : status ? `Square failed (HTTP ${status})` : 'Square’s answer never came';
  const next = keyed
    ? 'Send the same mutation with the same idempotencyKey to learn what Square did; it is never done twice.'
    : 'Read what it changes to learn what Square did before sending it again.';
  return new GraphQLError(`${lost}: the write may have taken effect. ${next}`, { extensions: failure.extensions });
}

/**
 * The write took effect (or may have): a cache that cannot be reached now misses the
 * invalidation, and its entries live out their TTL; the write's answer stands.
 */
async function forgetStale(ctx: GatewayContext, objects: readonly string[]): Promise<void> {
  await ctx.invalidate(objects).catch(() => {});
}

async function exactlyOnce<T>(ctx: GatewayContext, write: Write<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let failure: unknown;
    try {
      return await write.send();
    } catch (error) {
      failure = error;
    }
    if (writeOutcome(failure) === 'refused') throw failure;
    if (write.settle !== 'resend') {
      const result = await stateAfter(ctx, write.settle, failure);
      if (result !== undefined) return result;
    }
    // A keyed write is sent again at least once even without retries: Square's answer to it is the only way to learn its outcome.
    const settlingByResend = write.settle === 'resend' && attempt === 0;
    if (attempt >= ctx.writeRetries && !settlingByResend) {
      // A read that just showed the write undone makes Square's failure the whole story: no "may have taken effect".
      throw write.settle === 'resend' ? failure : squareFailure(failure);
    }
    await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
  }
}

/** Square's state after a write with an unknown outcome; when even that cannot be read, the outcome stays unknown. */
async function stateAfter<T>(ctx: GatewayContext, read: () => Promise<T | undefined>, failure: unknown): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    throw failure;
  }
}

/** Exponential, with jitter so that writes that failed together are not sent again together. */
const backoffMs = (attempt: number) => Math.min(200 * 2 ** attempt, 5000) * (0.75 + Math.random() / 2);

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
  const code = first?.code ?? 'UNKNOWN';
  const squareField = first?.field ?? '';
  const field = fields[squareField] ?? (squareField ? inputField(squareField, fields) : undefined);
  const detail = inGraphNames(first?.detail ?? error.message, squareField, fields);
  if (first?.category === 'PAYMENT_METHOD_ERROR') {
    const payment = (error.body as { payment?: { id?: string } } | undefined)?.payment;
    return new PaymentDeclinedError(DECLINE_MESSAGES[code] ?? detail, code, payment?.id);
  }
  if (status === 404) return new NotFoundError(detail, field ?? 'input');
  if (status === 409 || code === 'CONFLICT' || code === 'VERSION_MISMATCH' || code === 'IDEMPOTENCY_KEY_REUSED') {
    return new ConflictError(detail, code);
  }
  if (status === 400 && (first?.category === 'INVALID_REQUEST_ERROR' || first?.category === 'REFUND_ERROR')) {
    return new ValidationError(detail, field ?? 'input', code);
  }
  return squareFailure(error);
}

/**
 * The input field Square's field names: its own entry in `fields`, or its nearest parent's with the
 * rest of the path after it (`location` → `input` makes `location.address.country` `input.address.country`),
 * or the same path under `input`.
 */
function inputField(squareField: string, fields: Record<string, string>): string {
  for (let path = squareField; path; path = path.slice(0, Math.max(0, path.lastIndexOf('.')))) {
    const mapped = fields[path];
    if (mapped !== undefined) return mapped + snakeToCamel(squareField.slice(path.length));
  }
  return `input.${snakeToCamel(squareField)}`;
}

/**
 * Square's detail in the graph's names: "The source_id is not a valid card nonce" says
 * `sourceId`, or `cardId` where the input calls Square's field that. Only names of fields
 * change: a snake_case word may also be a value the client sent, such as an id.
 */
function inGraphNames(detail: string, squareField: string, fields: Record<string, string>): string {
  const names = new Map<string, string>();
  for (const [square, input] of Object.entries(fields)) if (square) names.set(square.split('.').pop()!, input.split('.').pop()!);
  for (const part of squareField.split('.')) if (!names.has(part)) names.set(part, snakeToCamel(part));
  const own = squareField.split('.').pop()!;
  const field = fields[squareField];
  if (field) names.set(own, field.split('.').pop()!);
  return detail.replace(/(?<![\w:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w:-])/g, (name) => names.get(name) ?? name);
}

/**
 * A customer a mutation names must exist before anything is written or any money moves:
 * Square takes a payment or an order under any customer id. The check reads customers,
 * so it needs CUSTOMERS_READ; without it a key could learn through writes which ids exist.
 */
export async function requireCustomer(ctx: GatewayContext, customerId: string, field: string): Promise<void> {
  if (!ctx.scopes.CUSTOMERS_READ) {
    throw new GraphQLError(`This API key lacks the scope CUSTOMERS_READ, which ${field} needs: the gateway checks that the customer exists.`, {
      extensions: { code: 'FORBIDDEN', scopes: ['CUSTOMERS_READ'] },
    });
  }
  if (!(await ctx.loaders.customer.load(customerId))) throw new NotFoundError('No customer with this id exists for this seller.', field);
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
export function idInput(value: string | number, type: string, field: string): string {
  try {
    return squareIdFrom(String(value), type, field);
  } catch (error) {
    throw new ValidationError((error as Error).message, field, 'INVALID_VALUE');
  }
}

/**
 * The `errors` options of a mutation: its typed failures, the name of the success
 * payload's field, and descriptions for the generated union and success types. The
 * payload's field grants WRITTEN to the object it carries, so that the fields saying what
 * the write did (writeFact) answer even a key that may write but not read.
 */
export function mutationErrors<T extends Array<new (...args: never[]) => Error>>(
  mutation: string,
  types: T,
  dataField: { name: string; description: string },
) {
  return {
    types,
    dataField: { ...dataField, grantScopes: [WRITTEN] },
    union: { description: `What ${mutation} returns: its success payload, or one of the errors it reports as data.` },
    result: { description: `${mutation} succeeded.` },
  };
}
