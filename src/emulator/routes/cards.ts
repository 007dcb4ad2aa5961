import type { FastifyInstance } from 'fastify';
import { Square, type serialization } from 'square';
import { z } from 'zod';
import { now, type EmulatorContext } from '../context.js';
import { SquareApiError, errors } from '../errors.js';
import { newId, sha256 } from '../ids.js';
import { paginate } from '../pagination.js';
import { testSource, type TestCard } from '../test-values.js';
import { parse, shapes } from '../validation.js';

type Card = serialization.Card.Raw;

/** ListCards has no limit parameter: Square answers 25 cards a page. */
const CARDS_PAGE_SIZE = 25;

const optionalText = (max: number) => z.string().max(max).optional();

/** Square's Address with the lengths CreateCard states; CreateCustomerCard takes the same. */
export const billingAddressSchema = z.object({
  address_line_1: optionalText(500),
  address_line_2: optionalText(500),
  address_line_3: optionalText(500),
  locality: optionalText(300),
  sublocality: optionalText(300),
  sublocality_2: optionalText(300),
  sublocality_3: optionalText(300),
  administrative_district_level_1: optionalText(200),
  administrative_district_level_2: optionalText(200),
  administrative_district_level_3: optionalText(200),
  postal_code: optionalText(12),
  country: z.enum(Square.Country).optional(),
  first_name: optionalText(300),
  last_name: optionalText(300),
});

const createCardBody = z.object({
  idempotency_key: shapes.idempotencyKey(1),
  source_id: z.string().min(1).max(16384),
  verification_token: z.string().optional(),
  card: z.object({
    customer_id: z.string().min(1),
    cardholder_name: optionalText(96),
    billing_address: billingAddressSchema.optional(),
    reference_id: optionalText(128),
  }),
});

const listCardsQuery = z.object({
  cursor: z.string().optional(),
  customer_id: z.string().optional(),
  include_disabled: shapes.queryBool.optional(),
  reference_id: z.string().optional(),
  sort_order: z.enum(['ASC', 'DESC']).optional(),
});

export interface CardFields {
  customer_id: string;
  cardholder_name?: string | undefined;
  billing_address?: serialization.Address.Raw | undefined;
  reference_id?: string | undefined;
}

/**
 * Square's fingerprint identifies a card number across a seller's locations, so the
 * same test card always gets the same one for a merchant and a different one elsewhere.
 */
export function cardFingerprint(merchantId: string, card: TestCard): string {
  const digest = Buffer.from(sha256(`${merchantId}|${card.brand}|${card.bin}|${card.last4}`), 'hex');
  return 'sq-1-' + digest.toString('base64url');
}

/** A card on file as Square stores it for `card` (a sandbox test card); the demo seed uses this too. */
export function buildCardDoc(merchantId: string, card: TestCard, fields: CardFields): Card {
  return {
    id: newId.card(),
    card_brand: card.brand,
    last_4: card.last4,
    exp_month: card.expMonth,
    exp_year: card.expYear,
    ...(fields.cardholder_name !== undefined ? { cardholder_name: fields.cardholder_name } : {}),
    ...(fields.billing_address !== undefined ? { billing_address: fields.billing_address } : {}),
    fingerprint: cardFingerprint(merchantId, card),
    customer_id: fields.customer_id,
    merchant_id: merchantId,
    ...(fields.reference_id !== undefined ? { reference_id: fields.reference_id } : {}),
    enabled: true,
    card_type: card.cardType,
    prepaid_type: card.prepaidType,
    bin: card.bin,
    created_at: now(),
    version: 1,
    hsa_fsa: false,
  };
}

/** Stores a new card on file and announces it with `card.created`. */
export function createCardOnFile(ctx: EmulatorContext, merchantId: string, card: TestCard, fields: CardFields): Card {
  const doc = buildCardDoc(merchantId, card, fields);
  ctx.stores.cards.insert(merchantId, doc.id!, doc);
  ctx.webhooks.emit({ merchantId, type: 'card.created', id: doc.id!, object: { card: doc } });
  return doc;
}

/** The card a CreateCard `source_id` (or CreateCustomerCard `card_nonce`) stands for, or the error Square gives for it. */
export function cardFromSource(sourceId: string, billingPostalCode: string | undefined): TestCard {
  const source = testSource(sourceId);
  if (source?.kind !== 'card_nonce') {
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'INVALID_CARD_DATA',
      'The source_id is not a valid card nonce.',
      'source_id',
    );
  }
  if (source.decline?.code === 'CARD_TOKEN_USED') {
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'SOURCE_USED', 'The source_id was already used.', 'source_id');
  }
  if (source.decline) throw errors.paymentMethod(source.decline.code, source.decline.detail);
  // ZIP+4 carries the same five-digit ZIP the token was made with.
  if (billingPostalCode !== undefined && billingPostalCode.split('-')[0]!.trim() !== source.card.postalCode) {
    throw errors.paymentMethod('ADDRESS_VERIFICATION_FAILURE', 'Authorization error: ADDRESS_VERIFICATION_FAILURE');
  }
  return source.card;
}

/** Cards API: cards on file for customers, created from card nonces; disabling is final. */
export function registerCards(app: FastifyInstance, ctx: EmulatorContext): void {
  const { cards, customers } = ctx.stores;

  app.get('/v2/cards', async (request) => {
    const merchantId = request.merchant.id;
    const query = parse(listCardsQuery, request.query);
    const includeDisabled = query.include_disabled ?? false;
    const matching = cards.all(merchantId).filter(
      ({ doc }) =>
        (includeDisabled || doc.enabled) &&
        (query.customer_id === undefined || doc.customer_id === query.customer_id) &&
        (query.reference_id === undefined || doc.reference_id === query.reference_id),
    );
    const { cursor, ...filters } = query;
    const page = paginate({
      items: matching,
      key: ({ seq, doc }) => [doc.created_at ?? '', seq],
      order: query.sort_order ?? 'ASC',
      limit: CARDS_PAGE_SIZE,
      cursor,
      query: filters,
    });
    return { cards: page.items.map((s) => s.doc), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });

  app.post('/v2/cards', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parse(createCardBody, request.body);
    const result = ctx.idempotency.run(merchantId, 'CreateCard', body.idempotency_key, body, () => {
      const { card } = body;
      if (!customers.get(merchantId, card.customer_id)) {
        throw SquareApiError.of(
          404,
          'INVALID_REQUEST_ERROR',
          'CUSTOMER_NOT_FOUND',
          `Customer with id ${card.customer_id} not found.`,
          'card.customer_id',
        );
      }
      const testCard = cardFromSource(body.source_id, card.billing_address?.postal_code);
      return { status: 200, body: { card: createCardOnFile(ctx, merchantId, testCard, card) } };
    });
    return reply.code(result.status).send(result.body);
  });

  app.get<{ Params: { card_id: string } }>('/v2/cards/:card_id', async (request) => ({
    card: findCard(ctx, request.merchant.id, request.params.card_id),
  }));

  app.post<{ Params: { card_id: string } }>('/v2/cards/:card_id/disable', async (request) => {
    const merchantId = request.merchant.id;
    return ctx.tx(() => {
      const card = findCard(ctx, merchantId, request.params.card_id);
      // Square: disabling an already disabled card is allowed but has no effect.
      return { card: card.enabled ? disableCard(ctx, merchantId, card) : card };
    });
  });
}

/** Disables a card on file for good and announces it with `card.disabled`. */
export function disableCard(ctx: EmulatorContext, merchantId: string, card: Card): Card {
  const disabled: Card = { ...card, enabled: false, disabled_at: now(), version: Number(card.version ?? 1) + 1 };
  ctx.stores.cards.put(merchantId, disabled.id!, disabled);
  ctx.webhooks.emit({ merchantId, type: 'card.disabled', id: disabled.id!, object: { card: disabled } });
  return disabled;
}

function findCard(ctx: EmulatorContext, merchantId: string, cardId: string): Card {
  const card = ctx.stores.cards.get(merchantId, cardId);
  if (!card) throw errors.notFound(`Card with id ${cardId} not found.`, 'card_id');
  return card;
}
