import { builder } from './builder.js';

/** The failures a mutation reports as data, so that a UI can render them; all share `Error`. */
export class GatewayError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input the gateway or Square refused; `field` is the offending input path, e.g. `input.amountMoney.amount`. */
export class ValidationError extends GatewayError {
  constructor(
    message: string,
    readonly field: string,
    code = 'INVALID_VALUE',
  ) {
    super(message, code);
  }
}

/** The card, bank or gift card was declined; `code` is Square's, e.g. GENERIC_DECLINE or CVV_FAILURE. */
export class PaymentDeclinedError extends GatewayError {
  constructor(
    message: string,
    code: string,
    /** The FAILED payment Square recorded for the attempt, when it did. */
    readonly paymentId?: string,
  ) {
    super(message, code);
  }
}

export class NotFoundError extends GatewayError {
  constructor(
    message: string,
    /** The input that names the missing object, e.g. `input.customerId`; `input` when Square did not say which. */
    readonly field = 'input',
  ) {
    super(message, 'NOT_FOUND');
  }
}

/** A stale `version`, or an idempotency key reused for a different request. */
export class ConflictError extends GatewayError {}

/** Saving a card needs the buyer's explicit permission, which the request did not record. */
export class ConsentRequiredError extends GatewayError {
  constructor() {
    super(
      'Saving a card on file needs the buyer’s permission: set customerConsent to true once the buyer agreed (for example with a checkbox). Square requires it and may disable apps that save cards without it.',
      'CONSENT_REQUIRED',
    );
  }
}

export const ErrorInterface = builder.interfaceRef<GatewayError>('Error').implement({
  description: 'Something a mutation could not do, reported as data. Query `... on Error { message code }` to handle every kind.',
  fields: (t) => ({
    message: t.exposeString('message', { nullable: false, description: 'What went wrong, written for people.' }),
    code: t.exposeString('code', {
      nullable: false,
      description: 'A stable machine-readable code; for Square’s refusals, Square’s own code (e.g. GENERIC_DECLINE).',
    }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input was refused, by the gateway before calling Square or by Square itself.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof ValidationError,
  fields: (t) => ({
    field: t.exposeString('field', { nullable: false, description: 'The input path that was refused, e.g. input.amountMoney.amount.' }),
  }),
});

builder.objectType(PaymentDeclinedError, {
  name: 'PaymentDeclinedError',
  description: 'The payment method was declined. Show the buyer the message and let them try another card.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof PaymentDeclinedError,
  fields: (t) => ({
    paymentId: t.string({
      nullable: true,
      description: 'Square’s id of the FAILED payment it recorded for this attempt, when it recorded one.',
      resolve: (e) => e.paymentId ?? null,
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'An object the mutation names does not exist for this seller.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof NotFoundError,
  fields: (t) => ({
    field: t.exposeString('field', {
      nullable: false,
      description: 'The input path that names the missing object, e.g. input.customerId; just input when Square did not say which.',
    }),
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'The object changed since it was read (stale version), or the idempotency key was already used for a different request.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof ConflictError,
});

builder.objectType(ConsentRequiredError, {
  name: 'ConsentRequiredError',
  description: 'A card can only be saved on file with the buyer’s recorded permission.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof ConsentRequiredError,
});
