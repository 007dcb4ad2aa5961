import type { FastifyInstance } from 'fastify';
import { Square, type serialization } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { createGiftCardActivity, listGiftCardActivities } from '../domain/gift-card-activities.js';
import { parse, shapes } from '../validation.js';

/** Square writes every amount on an activity as a positive integer; the type says which way it goes. */
const amountMoney = z.object({ amount: shapes.amount(1n), currency: z.enum(Square.Currency) });

const text = z.string().max(255);

const purchaseDetails = z.object({
  amount_money: amountMoney.optional(),
  order_id: z.string().min(1).optional(),
  line_item_uid: z.string().min(1).optional(),
  reference_id: text.optional(),
  buyer_payment_instrument_ids: z.array(z.string().max(255)).optional(),
});

const ACTIVITY_TYPES = Object.values(Square.GiftCardActivityType) as [
  serialization.GiftCardActivityType.Raw,
  ...serialization.GiftCardActivityType.Raw[],
];

/** The activity of a CreateGiftCardActivity request; read-only reasons (UNKNOWN_REASON, ...) are refused. */
const activityInput = z.object({
  type: z.enum(ACTIVITY_TYPES),
  location_id: z.string().min(1),
  gift_card_id: z.string().min(1).optional(),
  gift_card_gan: z.string().min(1).optional(),
  activate_activity_details: purchaseDetails.optional(),
  load_activity_details: purchaseDetails.optional(),
  redeem_activity_details: z.object({ amount_money: amountMoney, reference_id: text.optional() }).optional(),
  clear_balance_activity_details: z.object({ reason: z.enum(['SUSPICIOUS_ACTIVITY', 'REUSE_GIFTCARD']) }).optional(),
  deactivate_activity_details: z.object({ reason: z.enum(['SUSPICIOUS_ACTIVITY']) }).optional(),
  adjust_increment_activity_details: z
    .object({ amount_money: amountMoney, reason: z.enum(['COMPLIMENTARY', 'SUPPORT_ISSUE', 'TRANSACTION_VOIDED']) })
    .optional(),
  adjust_decrement_activity_details: z
    .object({
      amount_money: amountMoney,
      reason: z.enum(['SUSPICIOUS_ACTIVITY', 'BALANCE_ACCIDENTALLY_INCREASED', 'SUPPORT_ISSUE', 'PURCHASE_WAS_REFUNDED']),
    })
    .optional(),
  refund_activity_details: z
    .object({ redeem_activity_id: z.string().min(1), amount_money: amountMoney, reference_id: text.optional() })
    .optional(),
  unlinked_activity_refund_activity_details: z
    .object({ amount_money: amountMoney, reference_id: text.optional() })
    .optional(),
});

const createActivityBody = z.object({
  idempotency_key: shapes.idempotencyKey(1, 128),
  gift_card_activity: activityInput,
});

const rfc3339 = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'Expected an RFC 3339 timestamp');

const listActivitiesQuery = z.object({
  gift_card_id: z.string().optional(),
  type: z.enum(ACTIVITY_TYPES).optional(),
  location_id: z.string().optional(),
  begin_time: rfc3339.optional(),
  end_time: rfc3339.optional(),
  limit: shapes.queryInt.min(1).max(100).optional(),
  cursor: z.string().optional(),
  sort_order: z.enum(['ASC', 'DESC']).optional(),
});

/** Gift Card Activities API: the ledger behind every gift card's balance and state. */
export function registerGiftCardActivities(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/gift-cards/activities', async (request) => {
    const query = parse(listActivitiesQuery, request.query);
    return listGiftCardActivities(ctx, request.merchant.id, query);
  });

  app.post('/gift-cards/activities', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(createActivityBody, request.body);
    const scope = { merchantId, endpoint: 'CreateGiftCardActivity', key: body.idempotency_key, request: body };
    return ctx.idempotency.send(reply, scope, () => ({
      gift_card_activity: createGiftCardActivity(ctx, merchantId, body.gift_card_activity).activity,
    }));
  });
}
