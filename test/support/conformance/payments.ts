import type { ResponseRoute } from './types.js';

export const paymentRoutes: ResponseRoute[] = [
  ['POST', '/v2/payments/cancel', 'CancelPaymentByIdempotencyKeyResponse'],
  ['GET', '/v2/payments', 'ListPaymentsResponse'],
  ['POST', '/v2/payments', 'CreatePaymentResponse'],
  ['GET', '/v2/payments/:payment_id', 'GetPaymentResponse'],
  ['PUT', '/v2/payments/:payment_id', 'UpdatePaymentResponse'],
  ['POST', '/v2/payments/:payment_id/complete', 'CompletePaymentResponse'],
  ['POST', '/v2/payments/:payment_id/cancel', 'CancelPaymentResponse'],
  ['GET', '/v2/refunds', 'ListPaymentRefundsResponse'],
  ['POST', '/v2/refunds', 'RefundPaymentResponse'],
  ['GET', '/v2/refunds/:refund_id', 'GetPaymentRefundResponse'],
];
