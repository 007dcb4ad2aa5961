import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { SquareApiError, errors } from '../plumbing/errors.js';
import { newId, sha256 } from '../plumbing/ids.js';
import { paginate } from '../plumbing/pagination.js';
import type { WithoutNulls } from '../plumbing/validation.js';
import { testSource, type TestCard } from './test-values.js';

type Card = serialization.Card.Raw;

/** ListCards has no limit parameter: Square answers 25 cards a page. */
const CARDS_PAGE_SIZE = 25;

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

/** Disables a card on file for good and announces it with `card.disabled`. */
export function disableCard(ctx: EmulatorContext, merchantId: string, card: Card): Card {
  const disabled: Card = { ...card, enabled: false, disabled_at: now(), version: Number(card.version ?? 1) + 1 };
  ctx.stores.cards.put(merchantId, disabled.id!, disabled);
  ctx.webhooks.emit({ merchantId, type: 'card.disabled', id: disabled.id!, object: { card: disabled } });
  return disabled;
}


export function listCards(
  ctx: EmulatorContext,
  merchantId: string,
  query: { cursor?: string; customer_id?: string; include_disabled?: boolean; reference_id?: string; sort_order?: 'ASC' | 'DESC' },
) {
  const includeDisabled = query.include_disabled ?? false;
  const candidates = query.customer_id === undefined ? ctx.stores.cards.all(merchantId) : ctx.stores.cards.where(merchantId, '$.customer_id', [query.customer_id]);
  const matching = candidates.filter(
    ({ doc }) =>
      (includeDisabled || doc.enabled) &&
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
}

/**
 * CreateCard: the request's `card` is a whole Card, but only the customer, cardholder name,
 * billing address and reference id are the caller's; the rest comes from the card itself.
 */
export function createCard(ctx: EmulatorContext, merchantId: string, body: WithoutNulls<serialization.CreateCardRequest.Raw>): Card {
  const { card } = body;
  // Optional in the Card object, but a card on file belongs to a customer.
  if (!card.customer_id) throw errors.missing('card.customer_id');
  const customerId = card.customer_id;
  if (!ctx.stores.customers.get(merchantId, customerId)) {
    throw SquareApiError.of(404, 'INVALID_REQUEST_ERROR', 'CUSTOMER_NOT_FOUND', `Customer with id ${customerId} not found.`, 'card.customer_id');
  }
  const testCard = cardFromSource(body.source_id, card.billing_address?.postal_code);
  return createCardOnFile(ctx, merchantId, testCard, {
    customer_id: customerId,
    cardholder_name: card.cardholder_name,
    billing_address: card.billing_address,
    reference_id: card.reference_id,
  });
}

/** DisableCard: disabling an already disabled card is allowed but has no effect, as in Square. */
export function disableCardById(ctx: EmulatorContext, merchantId: string, cardId: string): Card {
  const card = ctx.stores.cards.require(merchantId, cardId, 'card_id');
  return card.enabled ? disableCard(ctx, merchantId, card) : card;
}

/** The Customers API's deprecated CreateCustomerCard: a card on file for the customer in the path. */
export function createCustomerCard(
  ctx: EmulatorContext,
  merchantId: string,
  customerId: string,
  body: WithoutNulls<serialization.customers.CreateCustomerCardRequest.Raw>,
): Card {
  if (!ctx.stores.customers.get(merchantId, customerId))
    throw errors.notFound(`Customer with ID \`${customerId}\` not found.`, 'customer_id');
  const card = cardFromSource(body.card_nonce, body.billing_address?.postal_code);
  return createCardOnFile(ctx, merchantId, card, {
    customer_id: customerId,
    cardholder_name: body.cardholder_name,
    billing_address: body.billing_address,
  });
}

/** The Customers API's deprecated DeleteCustomerCard: the card is disabled, as DisableCard does, and no longer shows in ListCards. */
export function deleteCustomerCard(ctx: EmulatorContext, merchantId: string, customerId: string, cardId: string): void {
  if (!ctx.stores.customers.get(merchantId, customerId))
    throw errors.notFound(`Customer with ID \`${customerId}\` not found.`, 'customer_id');
  const card = ctx.stores.cards.get(merchantId, cardId);
  if (!card || card.customer_id !== customerId || !card.enabled)
    throw errors.notFound(`Card with ID \`${cardId}\` not found for customer \`${customerId}\`.`, 'card_id');
  disableCard(ctx, merchantId, card);
}
