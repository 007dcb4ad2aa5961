import { describe, expect, it } from 'vitest';
import { HEARD_EVENTS, staleAfterEvent } from '../../src/apis/registry.js';
import { cached as customers } from '../../src/apis/customers/events.js';
import { cached as orders } from '../../src/apis/orders/events.js';
import { cached as payments } from '../../src/apis/payments/events.js';
import { cached as refunds } from '../../src/apis/refunds/events.js';
import { cached as cards } from '../../src/apis/cards/events.js';
import { cached as giftCards } from '../../src/apis/gift-cards/events.js';
import { cached as loyalty } from '../../src/apis/loyalty/events.js';
import { cached as customAttributes } from '../../src/apis/customer-custom-attributes/events.js';
import { cached as catalog } from '../../src/apis/catalog/events.js';
import { cached as inventory } from '../../src/apis/inventory/events.js';
import { cached as locations } from '../../src/apis/locations/events.js';

/** Every API's cached reads. */
const cached = { ...customers, ...orders, ...payments, ...refunds, ...cards, ...giftCards, ...loyalty, ...customAttributes, ...catalog, ...inventory, ...locations };

const event = (type: string, id: string, object: Record<string, unknown> = {}) => ({ type, data: { id, object } });

/** Every event type the gateway receives, and what it must make stale (Square's payloads, trimmed to what counts). */
const CASES: Array<[string, ReturnType<typeof event>, string[]]> = [
  ['customer.created', event('customer.created', 'C1'), [cached.customer('C1'), cached.customerPages]],
  ['customer.updated', event('customer.updated', 'C1'), [cached.customer('C1'), cached.customerPages]],
  ['customer.deleted', event('customer.deleted', 'C1'), [cached.customer('C1'), cached.customerPages]],
  [
    'customer.created after a merge',
    event('customer.created', 'C3', { event_context: { merge: { from_customer_ids: ['C1', 'C2'], to_customer_id: 'C3' } } }),
    [cached.customer('C3'), cached.customerPages, cached.customer('C1'), cached.customer('C2'), cached.ordersOfCustomers],
  ],
  ['card.created', event('card.created', 'ccof:1', { card: { id: 'ccof:1', customer_id: 'C1' } }), [cached.card('ccof:1'), cached.cardsOfCustomers]],
  ['card.updated', event('card.updated', 'ccof:1', { card: { id: 'ccof:1' } }), [cached.card('ccof:1'), cached.cardsOfCustomers]],
  ['card.disabled', event('card.disabled', 'ccof:1', { card: { id: 'ccof:1' } }), [cached.card('ccof:1'), cached.cardsOfCustomers]],
  ['card.forgotten', event('card.forgotten', 'ccof:1', { card: { id: 'ccof:1' } }), [cached.card('ccof:1'), cached.cardsOfCustomers]],
  ['card.automatically_updated', event('card.automatically_updated', 'ccof:1', { card: { id: 'ccof:1' } }), [cached.card('ccof:1'), cached.cardsOfCustomers]],
  ['payment.created', event('payment.created', 'P1', { payment: { id: 'P1', order_id: 'O1' } }), [cached.payment('P1'), cached.order('O1'), cached.ordersOfCustomers]],
  ['payment.updated', event('payment.updated', 'P1', { payment: { id: 'P1', order_id: 'O1' } }), [cached.payment('P1'), cached.order('O1'), cached.ordersOfCustomers]],
  [
    'refund.created',
    event('refund.created', 'R1', { refund: { id: 'R1', payment_id: 'P1', order_id: 'O1' } }),
    [cached.refund('R1'), cached.payment('P1'), cached.order('O1'), cached.ordersOfCustomers],
  ],
  [
    'refund.updated',
    event('refund.updated', 'R1', { refund: { id: 'R1', payment_id: 'P1', order_id: 'O1' } }),
    [cached.refund('R1'), cached.payment('P1'), cached.order('O1'), cached.ordersOfCustomers],
  ],
  // Square's order events carry no customer: every customer's order search is dropped.
  ['order.created', event('order.created', 'O1', { order_created: { order_id: 'O1' } }), [cached.order('O1'), cached.ordersOfCustomers]],
  ['order.updated', event('order.updated', 'O1', { order_updated: { order_id: 'O1' } }), [cached.order('O1'), cached.ordersOfCustomers]],
  ['order.fulfillment.updated', event('order.fulfillment.updated', 'O1'), [cached.order('O1'), cached.ordersOfCustomers]],
  ['gift_card.created', event('gift_card.created', 'gftc:1'), [cached.giftCard('gftc:1'), cached.giftCardsOfCustomers]],
  ['gift_card.updated', event('gift_card.updated', 'gftc:1'), [cached.giftCard('gftc:1'), cached.giftCardsOfCustomers]],
  ['gift_card.customer_linked', event('gift_card.customer_linked', 'gftc:1', { linked_customer_id: 'C1' }), [cached.giftCard('gftc:1'), cached.giftCardsOfCustomers]],
  ['gift_card.customer_unlinked', event('gift_card.customer_unlinked', 'gftc:1', { unlinked_customer_id: 'C1' }), [cached.giftCard('gftc:1'), cached.giftCardsOfCustomers]],
  [
    'gift_card.activity.created',
    event('gift_card.activity.created', 'gcact_1', { gift_card_activity: { id: 'gcact_1', gift_card_id: 'gftc:1' } }),
    [cached.giftCard('gftc:1'), cached.giftCardsOfCustomers],
  ],
  [
    'gift_card.activity.updated',
    event('gift_card.activity.updated', 'gcact_1', { gift_card_activity: { id: 'gcact_1', gift_card_id: 'gftc:1' } }),
    [cached.giftCard('gftc:1'), cached.giftCardsOfCustomers],
  ],
  ...(['created', 'updated', 'deleted'] as const).map((what): [string, ReturnType<typeof event>, string[]] => [
    `loyalty.account.${what}`,
    event(`loyalty.account.${what}`, 'LA1', { loyalty_account: { id: 'LA1', customer_id: 'C1' } }),
    [cached.loyaltyAccount('LA1'), cached.loyaltyAccountsOfCustomers],
  ]),
  ['loyalty.program.created', event('loyalty.program.created', 'LP1'), [cached.loyaltyProgram]],
  ['loyalty.program.updated', event('loyalty.program.updated', 'LP1'), [cached.loyaltyProgram]],
  // Custom attribute events name the customer only inside the value's id: every customer's list is dropped.
  ...(['owned', 'visible'] as const).flatMap((whose) =>
    (['updated', 'deleted'] as const).map((action): [string, ReturnType<typeof event>, string[]] => {
      const type = `customer.custom_attribute.${whose}.${action}`;
      return [type, event(type, 'drink:C1', { custom_attribute: { key: 'drink', value: 'tea' } }), [cached.customAttributesOfCustomers]];
    }),
  ),
  // A definition's name and visibility show on every value of it; deleting it deletes them.
  ...(['owned', 'visible'] as const).flatMap((whose) =>
    (['created', 'updated', 'deleted'] as const).map((action): [string, ReturnType<typeof event>, string[]] => {
      const type = `customer.custom_attribute_definition.${whose}.${action}`;
      return [type, event(type, 'drink', { custom_attribute_definition: { key: 'drink' } }), [cached.customAttributeDefinitions, cached.customAttributesOfCustomers]];
    }),
  ),
  // Square's catalog event names no object: the whole catalog is read again.
  ['location.created', event('location.created', 'L1', { location: { id: 'L1' } }), [cached.locations]],
  ['location.updated', event('location.updated', 'L1', { location: { id: 'L1' } }), [cached.locations]],
  ['catalog.version.updated', event('catalog.version.updated', '', { catalog_version: { updated_at: '2026-01-01T00:00:00Z' } }), [cached.catalog]],
  ['inventory.count.updated', event('inventory.count.updated', 'E1', { inventory_counts: [{ catalog_object_id: 'V1' }] }), [cached.inventory]],
  // A revoked seller's reads are never served again: a disconnected seller reads nothing, and one that connects again reads afresh.
  ['oauth.authorization.revoked', event('oauth.authorization.revoked', 'R1', { revocation: { revoker_type: 'MERCHANT' } }), []],
];

describe('what each webhook event makes stale', () => {
  it.each(CASES)('%s', (_name, body, stale) => {
    expect(staleAfterEvent(body.type, body)).toEqual(stale);
  });

  it('covers every event type it knows, and no unknown one changes anything', () => {
    expect(new Set(CASES.map(([, body]) => body.type))).toEqual(HEARD_EVENTS);
    expect(staleAfterEvent('invoice.created', event('invoice.created', 'I1'))).toEqual([]);
    expect(staleAfterEvent('payment.updated', null)).toEqual([cached.ordersOfCustomers]);
  });
});
