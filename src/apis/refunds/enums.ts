import { builder } from '../../schema/builder.js';

/** A payment refund's status; Square.RefundStatus is the Orders API's (APPROVED rather than COMPLETED). */
export const RefundStatus = builder.enumType('RefundStatus', {
  description: 'Where a refund is: pending, completed, rejected or failed.',
  values: ['PENDING', 'COMPLETED', 'REJECTED', 'FAILED'] as const,
});
