import { builder } from '../schema/builder.js';
import { ErrorInterface, GatewayError } from '../schema/errors.js';
import type { BulkStatus } from '../store/index.js';

export const BulkOperationStatus = builder.enumType('BulkOperationStatus', {
  description: 'Where a bulk operation stands.',
  values: {
    CREATED: { description: 'Accepted; an instance of the gateway starts it within moments.' },
    RUNNING: { description: 'Reading pages and writing lines.' },
    COMPLETED: { description: 'Every page was read: the file (url) is whole.' },
    FAILED: { description: 'Stopped by an error (errorCode, errorMessage); what it wrote is at partialDataUrl.' },
    CANCELED: { description: 'Stopped by cancelBulkOperation; what it wrote is at partialDataUrl.' },
  } satisfies Record<BulkStatus, { description: string }>,
});

export const LimitScope = builder.enumType('BulkOperationLimitScope', {
  description: 'Whose bulk operations a limit counts.',
  values: {
    SELLER: { description: 'The seller’s, whoever started them.' },
    API_KEY: { description: 'This API key’s, for any seller.' },
  },
});

/** The seller, or the API key, already has as many bulk operations CREATED or RUNNING as it may. */
export class BulkOperationLimitError extends GatewayError {
  constructor(
    readonly scope: 'SELLER' | 'API_KEY',
    readonly limit: number,
  ) {
    super(
      `${scope === 'SELLER' ? 'This seller' : 'This API key'} already has ${limit} bulk operation${limit === 1 ? '' : 's'} running, the most it may have at once: wait for one to finish (bulkOperationFinished, or currentBulkOperation), or cancel one.`,
      'BULK_OPERATION_LIMIT',
    );
  }
}

/** The bulk operation has ended (COMPLETED, FAILED or CANCELED): there is nothing to cancel. */
export class BulkOperationStateError extends GatewayError {
  constructor(readonly status: BulkStatus) {
    super(`This bulk operation is ${status.toLowerCase()}: only a CREATED or RUNNING one can be canceled.`, 'BULK_OPERATION_FINISHED');
  }
}

builder.objectType(BulkOperationLimitError, {
  name: 'BulkOperationLimitError',
  description: 'The seller, or the API key, already has as many bulk operations running as it may (see the README’s Bulk operations).',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof BulkOperationLimitError,
  fields: (t) => ({
    scope: t.field({ type: LimitScope, nullable: false, description: 'Whose operations the limit counts.', resolve: (e) => e.scope }),
    limit: t.exposeInt('limit', { nullable: false, description: 'How many may be CREATED or RUNNING at once.' }),
  }),
});

builder.objectType(BulkOperationStateError, {
  name: 'BulkOperationStateError',
  description: 'The bulk operation has already ended.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof BulkOperationStateError,
  fields: (t) => ({
    status: t.field({ type: BulkOperationStatus, nullable: false, description: 'How it ended.', resolve: (e) => e.status }),
  }),
});
