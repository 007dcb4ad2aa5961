import type { FastifyInstance } from 'fastify';
import { serialization } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { listRefunds, refundPayment, retrieveRefund, unlinkedRefund } from '../domain/refunds.js';
import { errors } from '../errors.js';
import { amountOf, requireMoney } from '../money.js';
import { parse, parseRequest, shapes, type FieldRules } from '../validation.js';
import { EXTERNAL_TYPES } from './payments.js';

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
