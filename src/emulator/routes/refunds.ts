import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { amountOf, requireMoney } from '../domain/money.js';
import { EXTERNAL_TYPES } from '../domain/payments.js';
import { listRefunds, refundPayment, retrieveRefund, unlinkedRefund } from '../domain/refunds.js';
import { errors } from '../plumbing/errors.js';
import { parse, parseRequest, querySchema, shapes, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** What Square states for RefundPayment beyond the SDK's schema. */
const REFUND_RULES: FieldRules = {
  idempotency_key: { min: 1, max: 45 },
  location_id: { max: 50 },
  reason: { max: 192 },
  team_member_id: { max: 192 },
  'external_details.type': { oneOf: EXTERNAL_TYPES },
  'external_details.source': { max: 255 },
  'external_details.source_id': { max: 255 },
};

const listSchema = querySchema<Square.ListRefundsRequest>()({
  beginTime: z.string(),
  endTime: z.string(),
  // Plain strings in the SDK; the spec lists their values.
  sortOrder: z.enum(['ASC', 'DESC']),
  sortField: z.enum(['CREATED_AT', 'UPDATED_AT']),
  cursor: z.string(),
  locationId: z.string(),
  status: z.string(),
  sourceType: z.string(),
  limit: shapes.queryInt,
  updatedAtBeginTime: z.string(),
  updatedAtEndTime: z.string(),
});

export const REFUND_ENDPOINTS: Endpoints = {
  'POST /refunds': { response: 'RefundPaymentResponse', scopes: ['PAYMENTS_WRITE'] }, // RefundPayment
  'GET /refunds': { response: 'ListPaymentRefundsResponse', scopes: ['PAYMENTS_READ'] }, // ListPaymentRefunds
  'GET /refunds/:refund_id': { response: 'GetPaymentRefundResponse', scopes: ['PAYMENTS_READ'] }, // GetPaymentRefund
};

/** Refunds API: refund a payment (or record an unlinked refund), get, list. */
export function registerRefunds(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/refunds', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.RefundPaymentRequest, request.body, REFUND_RULES);
    requireMoney(body.amount_money, 'amount_money');
    requireMoney(body.app_fee_money, 'app_fee_money');
    if (amountOf(body.amount_money) <= 0n)
      throw errors.tooLow('amount_money.amount', 'The refund amount must be greater than 0.');
    if (amountOf(body.app_fee_money) < 0n)
      throw errors.tooLow('app_fee_money.amount', 'The app fee must not be negative.');
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'RefundPayment', key: body.idempotency_key, request: body }, () => ({
      refund: body.unlinked ? unlinkedRefund(ctx, merchantId, body) : refundPayment(ctx, merchantId, body),
    }));
  });

  app.get('/refunds', async (request) => listRefunds(ctx, request.merchant.id, parse(listSchema, request.query)));

  app.get<{ Params: { refund_id: string } }>('/refunds/:refund_id', async (request) => ({
    refund: ctx.tx(() => retrieveRefund(ctx, request.merchant.id, request.params.refund_id)),
  }));
}
