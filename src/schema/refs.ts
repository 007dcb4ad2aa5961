import type { Square } from 'square';
import { builder } from './builder.js';

/**
 * The object types of the graph, declared before any is implemented so that type
 * modules can point at each other (an order's customer, a customer's orders).
 * Each is implemented in its own module.
 */
export const CustomerRef = builder.objectRef<Square.Customer>('Customer');
export const CardRef = builder.objectRef<Square.Card>('Card');
export const GiftCardRef = builder.objectRef<Square.GiftCard>('GiftCard');
export const GiftCardActivityRef = builder.objectRef<Square.GiftCardActivity>('GiftCardActivity');
export const OrderRef = builder.objectRef<Square.Order>('Order');
export const PaymentRef = builder.objectRef<Square.Payment>('Payment');
export const RefundRef = builder.objectRef<Square.PaymentRefund>('Refund');
export const LocationRef = builder.objectRef<Square.Location>('Location');
export const LoyaltyProgramRef = builder.objectRef<Square.LoyaltyProgram>('LoyaltyProgram');
export const LoyaltyAccountRef = builder.objectRef<Square.LoyaltyAccount>('LoyaltyAccount');
export const LoyaltyEventRef = builder.objectRef<Square.LoyaltyEvent>('LoyaltyEvent');
export const LoyaltyRewardRef = builder.objectRef<Square.LoyaltyReward>('LoyaltyReward');

export const OrderConnection = builder.connectionObject(
  {
    type: OrderRef,
    name: 'OrderConnection',
    description: 'A page of orders, newest first.',
  },
  { description: 'An order in a page of orders, with its cursor.' },
);
export const PaymentConnection = builder.connectionObject(
  {
    type: PaymentRef,
    name: 'PaymentConnection',
    description: 'A page of payments, newest first.',
  },
  { description: 'A payment in a page of payments, with its cursor.' },
);
export const CustomerConnection = builder.connectionObject(
  {
    type: CustomerRef,
    name: 'CustomerConnection',
    description: 'A page of customer profiles.',
  },
  { description: 'A customer in a page of customers, with its cursor.' },
);
export const GiftCardActivityConnection = builder.connectionObject(
  {
    type: GiftCardActivityRef,
    name: 'GiftCardActivityConnection',
    description: 'A page of a gift card’s activities, newest first.',
  },
  { description: 'A gift card activity in a page of activities, with its cursor.' },
);
export const GiftCardConnection = builder.connectionObject(
  {
    type: GiftCardRef,
    name: 'GiftCardConnection',
    description: 'A page of gift cards, in the order Square lists them.',
  },
  { description: 'A gift card in a page of gift cards, with its cursor.' },
);

/** Catalog objects keep Square's one shape for every type; each ref is one `type` of it. */
export const CatalogItemRef = builder.objectRef<Square.CatalogObject>('CatalogItem');
export const CatalogItemVariationRef = builder.objectRef<Square.CatalogObject>('CatalogItemVariation');
export const CatalogCategoryRef = builder.objectRef<Square.CatalogObject>('CatalogCategory');
export const CatalogImageRef = builder.objectRef<Square.CatalogObject>('CatalogImage');
export const CatalogModifierListRef = builder.objectRef<Square.CatalogObject>('CatalogModifierList');
export const CatalogModifierRef = builder.objectRef<Square.CatalogObject>('CatalogModifier');
export const InventoryCountRef = builder.objectRef<Square.InventoryCount>('InventoryCount');

export const CatalogItemConnection = builder.connectionObject(
  {
    type: CatalogItemRef,
    name: 'CatalogItemConnection',
    description: 'A page of catalog items, by name.',
  },
  { description: 'A catalog item in a page of items, with its cursor.' },
);
