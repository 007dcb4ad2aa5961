import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { createGiftCard, giftCardFromGan, giftCardFromNonce, linkCustomer, listGiftCards, unlinkCustomer } from '../domain/gift-cards.js';
import { parse, parseRequest, querySchema, shapes, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** What Square states for the Gift Cards API's requests beyond the SDK's schemas. */
const CREATE_RULES: FieldRules = { idempotency_key: { min: 1, max: 128 }, location_id: { min: 1 } };
const GAN_RULES: FieldRules = { gan: { min: 1, max: 255 } };
const NONCE_RULES: FieldRules = { nonce: { min: 1 } };
const CUSTOMER_RULES: FieldRules = { customer_id: { min: 1, max: 191 } };

// The SDK types `type` and `state` as plain strings; Square reads them as its enums.
const listGiftCardsQuery = querySchema<Square.ListGiftCardsRequest>()({
  type: z.enum(['PHYSICAL', 'DIGITAL']),
  state: z.enum(['ACTIVE', 'DEACTIVATED', 'BLOCKED', 'PENDING']),
  limit: shapes.queryInt.min(1).max(200),
  cursor: z.string(),
  customerId: z.string(),
});

export const GIFT_CARD_ENDPOINTS: Endpoints = {
  'GET /gift-cards': { response: 'ListGiftCardsResponse', scopes: ['GIFTCARDS_READ'] }, // ListGiftCards
  'POST /gift-cards': { response: 'CreateGiftCardResponse', scopes: ['GIFTCARDS_WRITE'] }, // CreateGiftCard
  'POST /gift-cards/from-gan': { response: 'GetGiftCardFromGanResponse', scopes: ['GIFTCARDS_READ'] }, // RetrieveGiftCardFromGAN
  'POST /gift-cards/from-nonce': { response: 'GetGiftCardFromNonceResponse', scopes: ['GIFTCARDS_READ'] }, // RetrieveGiftCardFromNonce
  'GET /gift-cards/:id': { response: 'GetGiftCardResponse', scopes: ['GIFTCARDS_READ'] }, // RetrieveGiftCard
  'POST /gift-cards/:gift_card_id/link-customer': { response: 'LinkCustomerToGiftCardResponse', scopes: ['GIFTCARDS_WRITE'] }, // LinkCustomerToGiftCard
  'POST /gift-cards/:gift_card_id/unlink-customer': { response: 'UnlinkCustomerFromGiftCardResponse', scopes: ['GIFTCARDS_WRITE'] }, // UnlinkCustomerFromGiftCard
};

/** Gift Cards API: digital and physical gift cards, lookups by GAN and nonce, and gift cards on file. */
export function registerGiftCards(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/gift-cards', async (request) => listGiftCards(ctx, request.merchant.id, parse(listGiftCardsQuery, request.query)));

  app.post('/gift-cards', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.CreateGiftCardRequest, request.body, CREATE_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreateGiftCard', key: body.idempotency_key, request: body }, () => ({
      gift_card: createGiftCard(ctx, merchantId, body.location_id, body.gift_card),
    }));
  });

  app.post('/gift-cards/from-gan', async (request) => {
    const { gan } = parseRequest(serialization.GetGiftCardFromGanRequest, request.body, GAN_RULES);
    return { gift_card: giftCardFromGan(ctx, request.merchant.id, gan) };
  });

  app.post('/gift-cards/from-nonce', async (request) => {
    const { nonce } = parseRequest(serialization.GetGiftCardFromNonceRequest, request.body, NONCE_RULES);
    return { gift_card: giftCardFromNonce(ctx, request.merchant.id, nonce) };
  });

  app.get<{ Params: { id: string } }>('/gift-cards/:id', async (request) => ({
    gift_card: ctx.stores.giftCards.require(request.merchant.id, request.params.id, 'id'),
  }));

  app.post<{ Params: { gift_card_id: string } }>('/gift-cards/:gift_card_id/link-customer', async (request) => {
    const { customer_id: customerId } = parseRequest(serialization.LinkCustomerToGiftCardRequest, request.body, CUSTOMER_RULES);
    return { gift_card: ctx.tx(() => linkCustomer(ctx, request.merchant.id, request.params.gift_card_id, customerId)) };
  });

  app.post<{ Params: { gift_card_id: string } }>('/gift-cards/:gift_card_id/unlink-customer', async (request) => {
    const { customer_id: customerId } = parseRequest(serialization.UnlinkCustomerFromGiftCardRequest, request.body, CUSTOMER_RULES);
    return { gift_card: ctx.tx(() => unlinkCustomer(ctx, request.merchant.id, request.params.gift_card_id, customerId)) };
  });
}
