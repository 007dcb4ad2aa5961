import type { FastifyInstance } from 'fastify';
import { Square, serialization } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { createGiftCardActivity, listGiftCardActivities } from '../domain/gift-card-activities.js';
import { parse, parseRequest, querySchema, shapes, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/**
 * What Square states for CreateGiftCardActivity beyond the SDK's schema: lengths, and the reasons a
 * request may give (UNKNOWN_REASON and CHARGEBACK_DEACTIVATE are read-only, set by Square itself).
 */
const CREATE_RULES: FieldRules = {
  idempotency_key: { min: 1, max: 128 },
  'gift_card_activity.clear_balance_activity_details.reason': { oneOf: ['SUSPICIOUS_ACTIVITY', 'REUSE_GIFTCARD'] },
  'gift_card_activity.deactivate_activity_details.reason': { oneOf: ['SUSPICIOUS_ACTIVITY'] },
};

const rfc3339 = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'Expected an RFC 3339 timestamp');

// The SDK types `type` and `sort_order` as plain strings; Square reads them as its enums.
const listActivitiesQuery = querySchema<Square.giftCards.ListActivitiesRequest>()({
  giftCardId: z.string(),
  type: z.enum(Square.GiftCardActivityType),
  locationId: z.string(),
  beginTime: rfc3339,
  endTime: rfc3339,
  limit: shapes.queryInt.min(1).max(100),
  cursor: z.string(),
  sortOrder: z.enum(['ASC', 'DESC']),
});

export const GIFT_CARD_ACTIVITY_ENDPOINTS: Endpoints = {
  'GET /gift-cards/activities': { response: 'ListGiftCardActivitiesResponse', scopes: ['GIFTCARDS_READ'] }, // ListGiftCardActivities
  'POST /gift-cards/activities': { response: 'CreateGiftCardActivityResponse', scopes: ['GIFTCARDS_WRITE'] }, // CreateGiftCardActivity
};

/** Gift Card Activities API: the ledger behind every gift card's balance and state. */
export function registerGiftCardActivities(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/gift-cards/activities', async (request) => {
    const query = parse(listActivitiesQuery, request.query);
    return listGiftCardActivities(ctx, request.merchant.id, query);
  });

  app.post('/gift-cards/activities', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.giftCards.CreateGiftCardActivityRequest, request.body, CREATE_RULES);
    const scope = { merchantId, endpoint: 'CreateGiftCardActivity', key: body.idempotency_key, request: body };
    return ctx.idempotency.send(reply, scope, () => ({
      gift_card_activity: createGiftCardActivity(ctx, merchantId, body.gift_card_activity).activity,
    }));
  });
}
