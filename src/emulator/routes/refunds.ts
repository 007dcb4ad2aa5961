import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { listRefunds, refundPayment, retrieveRefund, unlinkedRefund } from '../domain/refunds.js';
import { errors } from '../errors.js';
import { parse, shapes } from '../validation.js';
import { externalDetailsSchema, moneySchema } from './payments.js';

const refundSchema = z.object({
  idempotency_key: shapes.idempotencyKey(1, 45),
  amount_money: moneySchema,
  app_fee_money: moneySchema.optional(),
  payment_id: z.string().optional(),
  destination_id: z.string().optional(),
  unlinked: z.boolean().optional(),
  location_id: z.string().max(50).optional(),
  customer_id: z.string().optional(),
  reason: z.string().max(192).optional(),
  payment_version_token: z.string().optional(),
  team_member_id: z.string().max(192).optional(),
  cash_details: z.object({ seller_supplied_money: moneySchema }).optional(),
  external_details: externalDetailsSchema.optional(),
});

const listSchema = z.object({
  begin_time: z.string().optional(),
  end_time: z.string().optional(),
  sort_order: z.enum(['ASC', 'DESC']).optional(),
  sort_field: z.enum(['CREATED_AT', 'UPDATED_AT']).optional(),
  cursor: z.string().optional(),
  location_id: z.string().optional(),
  status: z.string().optional(),
  source_type: z.string().optional(),
  limit: shapes.queryInt.optional(),
  updated_at_begin_time: z.string().optional(),
  updated_at_end_time: z.string().optional(),
});

/** Refunds API: refund a payment (or record an unlinked refund), get, list. */
export function registerRefunds(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/refunds', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(refundSchema, request.body);
    if (body.amount_money.amount <= 0)
      throw errors.tooLow('amount_money.amount', 'The refund amount must be greater than 0.');
    if (body.app_fee_money && body.app_fee_money.amount < 0)
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
