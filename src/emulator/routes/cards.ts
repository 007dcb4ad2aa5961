import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { createCard, disableCardById, listCards } from '../domain/cards.js';
import { parse, parseRequest, querySchema, shapes, withoutNulls, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** What Square states for CreateCard beyond the SDK's schema. */
const CREATE_RULES: FieldRules = {
  idempotency_key: { min: 1 },
  source_id: { min: 1, max: 16384 },
  'card.cardholder_name': { max: 96 },
  'card.reference_id': { max: 128 },
};

const listQuery = querySchema<Square.ListCardsRequest>()({
  cursor: z.string(),
  customerId: z.string(),
  includeDisabled: shapes.queryBool,
  referenceId: z.string(),
  sortOrder: z.enum(['ASC', 'DESC']),
});

export const CARD_ENDPOINTS: Endpoints = {
  'GET /cards': { response: 'ListCardsResponse', scopes: ['PAYMENTS_READ'] }, // ListCards (chosen: the spec lists no scope)
  'POST /cards': { response: 'CreateCardResponse', scopes: ['PAYMENTS_WRITE', 'CUSTOMERS_WRITE'] }, // CreateCard (chosen: the spec lists no scope)
  'GET /cards/:card_id': { response: 'GetCardResponse', scopes: ['PAYMENTS_READ'] }, // RetrieveCard (chosen: the spec lists no scope)
  'POST /cards/:card_id/disable': { response: 'DisableCardResponse', scopes: ['PAYMENTS_WRITE'] }, // DisableCard (chosen: the spec lists no scope)
};

/** Cards API: cards on file for customers, created from card nonces; disabling is final. */
export function registerCards(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/cards', async (request) => listCards(ctx, request.merchant.id, parse(listQuery, request.query)));

  app.post('/cards', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = withoutNulls(parseRequest(serialization.CreateCardRequest, request.body, CREATE_RULES));
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreateCard', key: body.idempotency_key, request: body }, () => ({
      card: createCard(ctx, merchantId, body),
    }));
  });

  app.get<{ Params: { card_id: string } }>('/cards/:card_id', async (request) => ({
    card: ctx.stores.cards.require(request.merchant.id, request.params.card_id, 'card_id'),
  }));

  app.post<{ Params: { card_id: string } }>('/cards/:card_id/disable', async (request) => ({
    card: ctx.tx(() => disableCardById(ctx, request.merchant.id, request.params.card_id)),
  }));
}
