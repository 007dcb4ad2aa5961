/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The first money on a pending gift card: either a paid Square order’s GIFT_CARD line item, or an amount paid elsewhere with the buyer’s payment instruments. */
export type ActivateGiftCardInput = {
  /** What the buyer paid onto the card, at least 1 in the smallest unit of the card’s currency. Required without orderId; with one, Square takes it from the line item (and refuses a different amount). */
  amountMoney?: MoneyInput | null | undefined;
  /** Without orderId: the ids of the payment instruments the buyer paid with outside Square (e.g. a card id), for Square’s compliance checks. */
  buyerPaymentInstrumentIds?: Array<string> | null | undefined;
  /** The gift card (its id or squareId, gftc:…). For the account number on a card, find its id with giftCardByGan. */
  giftCardId: string | number;
  /** Your unique key for this step, 1 to 128 characters. Send the same input again with the same key to retry safely: Square returns the activity it already recorded instead of moving money twice. */
  idempotencyKey: string;
  /** The uid of the order’s GIFT_CARD line item; only with orderId. */
  lineItemUid?: string | null | undefined;
  /** The seller’s location where this happens (id or squareId), for Square’s reports. */
  locationId: string | number;
  /** A paid Square order with a GIFT_CARD line item that bought this (id or squareId); pass lineItemUid with it. */
  orderId?: string | number | null | undefined;
  /** Your own reference for this step, e.g. the id of the sale in your system; up to 255 characters. */
  referenceId?: string | null | undefined;
};

/** The network or issuer of a card. */
export type CardBrand =
  | 'AMERICAN_EXPRESS'
  | 'CARNET'
  | 'CHINA_UNIONPAY'
  | 'DISCOVER'
  | 'DISCOVER_DINERS'
  | 'EBT'
  | 'EFTPOS'
  | 'FELICA'
  | 'ID'
  | 'INTERAC'
  | 'JCB'
  | 'MASTERCARD'
  | 'OTHER_BRAND'
  | 'QUICPAY'
  | 'SQUARE_CAPITAL_CARD'
  | 'SQUARE_GIFT_CARD'
  | 'TRANSPORTATION_IC'
  | 'VISA';

/** How the card details were entered. */
export type CardEntryMethod =
  | 'CONTACTLESS'
  | 'EMV'
  | 'KEYED'
  | 'ON_FILE'
  | 'SWIPED';

/** A new digital gift card: Square gives it a 16-digit account number (GAN); it is pending until activated. */
export type CreateGiftCardInput = {
  /** Your unique key for this card, 1 to 128 characters. Send the same input again with the same key to retry safely: Square returns the card it already made. */
  idempotencyKey: string;
  /** The location the card is registered at, for reports (id or squareId); it can be used at any. */
  locationId: string | number;
};

/** An ISO 4217 currency code, as Square uses it. */
export type Currency =
  | 'AED'
  | 'AFN'
  | 'ALL'
  | 'AMD'
  | 'ANG'
  | 'AOA'
  | 'ARS'
  | 'AUD'
  | 'AWG'
  | 'AZN'
  | 'BAM'
  | 'BBD'
  | 'BDT'
  | 'BGN'
  | 'BHD'
  | 'BIF'
  | 'BMD'
  | 'BND'
  | 'BOB'
  | 'BOV'
  | 'BRL'
  | 'BSD'
  | 'BTC'
  | 'BTN'
  | 'BWP'
  | 'BYR'
  | 'BZD'
  | 'CAD'
  | 'CDF'
  | 'CHE'
  | 'CHF'
  | 'CHW'
  | 'CLF'
  | 'CLP'
  | 'CNY'
  | 'COP'
  | 'COU'
  | 'CRC'
  | 'CUC'
  | 'CUP'
  | 'CVE'
  | 'CZK'
  | 'DJF'
  | 'DKK'
  | 'DOP'
  | 'DZD'
  | 'EGP'
  | 'ERN'
  | 'ETB'
  | 'EUR'
  | 'FJD'
  | 'FKP'
  | 'GBP'
  | 'GEL'
  | 'GHS'
  | 'GIP'
  | 'GMD'
  | 'GNF'
  | 'GTQ'
  | 'GYD'
  | 'HKD'
  | 'HNL'
  | 'HRK'
  | 'HTG'
  | 'HUF'
  | 'IDR'
  | 'ILS'
  | 'INR'
  | 'IQD'
  | 'IRR'
  | 'ISK'
  | 'JMD'
  | 'JOD'
  | 'JPY'
  | 'KES'
  | 'KGS'
  | 'KHR'
  | 'KMF'
  | 'KPW'
  | 'KRW'
  | 'KWD'
  | 'KYD'
  | 'KZT'
  | 'LAK'
  | 'LBP'
  | 'LKR'
  | 'LRD'
  | 'LSL'
  | 'LTL'
  | 'LVL'
  | 'LYD'
  | 'MAD'
  | 'MDL'
  | 'MGA'
  | 'MKD'
  | 'MMK'
  | 'MNT'
  | 'MOP'
  | 'MRO'
  | 'MUR'
  | 'MVR'
  | 'MWK'
  | 'MXN'
  | 'MXV'
  | 'MYR'
  | 'MZN'
  | 'NAD'
  | 'NGN'
  | 'NIO'
  | 'NOK'
  | 'NPR'
  | 'NZD'
  | 'OMR'
  | 'PAB'
  | 'PEN'
  | 'PGK'
  | 'PHP'
  | 'PKR'
  | 'PLN'
  | 'PYG'
  | 'QAR'
  | 'RON'
  | 'RSD'
  | 'RUB'
  | 'RWF'
  | 'SAR'
  | 'SBD'
  | 'SCR'
  | 'SDG'
  | 'SEK'
  | 'SGD'
  | 'SHP'
  | 'SLE'
  | 'SLL'
  | 'SOS'
  | 'SRD'
  | 'SSP'
  | 'STD'
  | 'SVC'
  | 'SYP'
  | 'SZL'
  | 'THB'
  | 'TJS'
  | 'TMT'
  | 'TND'
  | 'TOP'
  | 'TRY'
  | 'TTD'
  | 'TWD'
  | 'TZS'
  | 'UAH'
  | 'UGX'
  | 'UNKNOWN_CURRENCY'
  | 'USD'
  | 'USN'
  | 'USS'
  | 'UYI'
  | 'UYU'
  | 'UZS'
  | 'VEF'
  | 'VND'
  | 'VUV'
  | 'WST'
  | 'XAF'
  | 'XAG'
  | 'XAU'
  | 'XBA'
  | 'XBB'
  | 'XBC'
  | 'XBD'
  | 'XCD'
  | 'XDR'
  | 'XOF'
  | 'XPD'
  | 'XPF'
  | 'XPT'
  | 'XTS'
  | 'XUS'
  | 'XXX'
  | 'YER'
  | 'ZAR'
  | 'ZMK'
  | 'ZMW';

/** A gift card to shut for good, for suspicious activity (Square DEACTIVATE). */
export type DeactivateGiftCardInput = {
  /** The gift card (its id or squareId, gftc:…). For the account number on a card, find its id with giftCardByGan. */
  giftCardId: string | number;
  /** Your unique key for this step, 1 to 128 characters. Send the same input again with the same key to retry safely: Square returns the activity it already recorded instead of moving money twice. */
  idempotencyKey: string;
  /** The seller’s location where this happens (id or squareId), for Square’s reports. */
  locationId: string | number;
};

/** Money taken off an active gift card by the seller, outside a redemption (Square ADJUST_DECREMENT). */
export type DecrementGiftCardBalanceInput = {
  /** How much, at least 1 in the smallest unit of the card’s currency. At most the card’s balance. */
  amountMoney: MoneyInput;
  /** The gift card (its id or squareId, gftc:…). For the account number on a card, find its id with giftCardByGan. */
  giftCardId: string | number;
  /** Your unique key for this step, 1 to 128 characters. Send the same input again with the same key to retry safely: Square returns the activity it already recorded instead of moving money twice. */
  idempotencyKey: string;
  /** The seller’s location where this happens (id or squareId), for Square’s reports. */
  locationId: string | number;
  /** Why the seller takes the money off. */
  reason: GiftCardDecrementReason;
};

/** What a gift card activity did to its card. */
export type GiftCardActivityType =
  | 'ACTIVATE'
  | 'ADJUST_DECREMENT'
  | 'ADJUST_INCREMENT'
  | 'BLOCK'
  | 'CLEAR_BALANCE'
  | 'DEACTIVATE'
  | 'IMPORT'
  | 'IMPORT_REVERSAL'
  | 'LOAD'
  | 'REDEEM'
  | 'REFUND'
  | 'TRANSFER_BALANCE_FROM'
  | 'TRANSFER_BALANCE_TO'
  | 'UNBLOCK'
  | 'UNLINKED_ACTIVITY_REFUND';

/** Why money is taken off a gift card outside a redemption. */
export type GiftCardDecrementReason =
  | 'BALANCE_ACCIDENTALLY_INCREASED'
  | 'PURCHASE_WAS_REFUNDED'
  | 'SUPPORT_ISSUE'
  | 'SUSPICIOUS_ACTIVITY';

/** Which gift cards to list (Square’s ListGiftCards filters); every condition given must hold. */
export type GiftCardFilter = {
  /** Only gift cards on file for this customer (id or squareId). */
  customerId?: string | number | null | undefined;
  /** Only gift cards in this state. */
  state?: GiftCardState | null | undefined;
  /** Only physical or only digital gift cards. */
  type?: GiftCardType | null | undefined;
};

/** Why money is added to a gift card outside an activation, load or refund. */
export type GiftCardIncrementReason =
  | 'COMPLIMENTARY'
  | 'SUPPORT_ISSUE'
  | 'TRANSACTION_VOIDED';

/** Where a gift card is in its life: pending activation, active, deactivated or blocked. */
export type GiftCardState =
  | 'ACTIVE'
  | 'BLOCKED'
  | 'DEACTIVATED'
  | 'PENDING';

/** A physical plastic gift card or a digital one. */
export type GiftCardType =
  | 'DIGITAL'
  | 'PHYSICAL';

/** Money added to an active gift card by the seller, outside a sale (Square ADJUST_INCREMENT). */
export type IncrementGiftCardBalanceInput = {
  /** How much, at least 1 in the smallest unit of the card’s currency. */
  amountMoney: MoneyInput;
  /** The gift card (its id or squareId, gftc:…). For the account number on a card, find its id with giftCardByGan. */
  giftCardId: string | number;
  /** Your unique key for this step, 1 to 128 characters. Send the same input again with the same key to retry safely: Square returns the activity it already recorded instead of moving money twice. */
  idempotencyKey: string;
  /** The seller’s location where this happens (id or squareId), for Square’s reports. */
  locationId: string | number;
  /** Why the seller adds the money. */
  reason: GiftCardIncrementReason;
};

/** More money on an active gift card: either a paid Square order’s GIFT_CARD line item, or an amount paid elsewhere with the buyer’s payment instruments. */
export type LoadGiftCardInput = {
  /** What the buyer paid onto the card, at least 1 in the smallest unit of the card’s currency. Required without orderId; with one, Square takes it from the line item (and refuses a different amount). */
  amountMoney?: MoneyInput | null | undefined;
  /** Without orderId: the ids of the payment instruments the buyer paid with outside Square (e.g. a card id), for Square’s compliance checks. */
  buyerPaymentInstrumentIds?: Array<string> | null | undefined;
  /** The gift card (its id or squareId, gftc:…). For the account number on a card, find its id with giftCardByGan. */
  giftCardId: string | number;
  /** Your unique key for this step, 1 to 128 characters. Send the same input again with the same key to retry safely: Square returns the activity it already recorded instead of moving money twice. */
  idempotencyKey: string;
  /** The uid of the order’s GIFT_CARD line item; only with orderId. */
  lineItemUid?: string | null | undefined;
  /** The seller’s location where this happens (id or squareId), for Square’s reports. */
  locationId: string | number;
  /** A paid Square order with a GIFT_CARD line item that bought this (id or squareId); pass lineItemUid with it. */
  orderId?: string | number | null | undefined;
  /** Your own reference for this step, e.g. the id of the sale in your system; up to 255 characters. */
  referenceId?: string | null | undefined;
};

/** An amount of money to charge, refund or price with. */
export type MoneyInput = {
  /** The amount in the smallest currency unit, e.g. 2515 for $25.15; a string of digits or an Int. */
  amount: string;
  /** ISO 4217 currency code; must be the seller’s currency. */
  currency: Currency;
};

/** Where an order is in its life. */
export type OrderState =
  | 'CANCELED'
  | 'COMPLETED'
  | 'DRAFT'
  | 'OPEN';

/** What paid: a card (credit, debit or Square gift card), a bank account, a wallet, cash or an external payment. */
export type PaymentSourceType =
  | 'BANK_ACCOUNT'
  | 'BUY_NOW_PAY_LATER'
  | 'CARD'
  | 'CASH'
  | 'EXTERNAL'
  | 'SQUARE_ACCOUNT'
  | 'WALLET';

/** Where a payment is: approved (authorized, not yet captured), pending, completed, canceled or failed. */
export type PaymentStatus =
  | 'APPROVED'
  | 'CANCELED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PENDING';

/** A purchase paid with an active gift card outside Square’s Payments API (Square REDEEM). */
export type RedeemGiftCardInput = {
  /** How much, at least 1 in the smallest unit of the card’s currency. At most the card’s balance. */
  amountMoney: MoneyInput;
  /** The gift card (its id or squareId, gftc:…). For the account number on a card, find its id with giftCardByGan. */
  giftCardId: string | number;
  /** Your unique key for this step, 1 to 128 characters. Send the same input again with the same key to retry safely: Square returns the activity it already recorded instead of moving money twice. */
  idempotencyKey: string;
  /** The seller’s location where this happens (id or squareId), for Square’s reports. */
  locationId: string | number;
  /** Your own reference for this step, e.g. the id of the sale in your system; up to 255 characters. */
  referenceId?: string | null | undefined;
};

/** How a tender of an order was paid. */
export type TenderType =
  | 'BANK_ACCOUNT'
  | 'BUY_NOW_PAY_LATER'
  | 'CARD'
  | 'CASH'
  | 'NO_SALE'
  | 'OTHER'
  | 'SQUARE_ACCOUNT'
  | 'SQUARE_GIFT_CARD'
  | 'THIRD_PARTY_CARD'
  | 'WALLET';

export type CustomerOverviewQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  ordersFirst: number;
}>;


export type CustomerOverviewQuery = { customers: { edges: Array<{ cursor: string, node: { id: string, squareId: string, givenName: string | null, familyName: string | null, emailAddress: string | null, phoneNumber: string | null, version: string | null, cards: Array<{ id: string, squareId: string, cardBrand: CardBrand | null, last4: string | null, expMonth: number | null, expYear: number | null, enabled: boolean, fingerprint: string | null }> | null, giftCards: Array<{ squareId: string, gan: string | null, state: GiftCardState | null, balanceMoney: { amount: string, currency: Currency, formatted: string } | null }> | null, orders: { edges: Array<{ node: { squareId: string, state: OrderState | null, totalMoney: { amount: string, currency: Currency } | null, lineItems: Array<{ name: string | null, quantity: string }>, tenders: Array<{ type: TenderType | null, payment: { squareId: string } | null }> } }>, pageInfo: { hasNextPage: boolean } } | null, payments: { edges: Array<{ node: { squareId: string, status: PaymentStatus | null, sourceType: PaymentSourceType | null, totalMoney: { amount: string, currency: Currency, formatted: string } | null, cardDetails: { entryMethod: CardEntryMethod | null, card: { cardBrand: CardBrand | null, last4: string | null } | null } | null } }> } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type GiftCardActivityOutcomeFragment = { squareId: string, type: GiftCardActivityType, amountMoney: { amount: string, currency: Currency } | null, balanceMoney: { amount: string } | null, giftCard: { id: string, squareId: string, state: GiftCardState | null, balanceMoney: { amount: string, formatted: string } | null } | null };

export type CreateGiftCardMutationVariables = Exact<{
  input: CreateGiftCardInput;
}>;


export type CreateGiftCardMutation = { createGiftCard:
    | { __typename: 'ConflictError', message: string, code: string }
    | { __typename: 'CreateGiftCardSuccess', giftCard: { id: string, squareId: string, gan: string | null, type: GiftCardType, state: GiftCardState | null, balanceMoney: { amount: string, currency: Currency } | null } }
    | { __typename: 'NotFoundError', message: string, code: string }
    | { __typename: 'ValidationError', message: string, code: string, field: string }
   | null };

export type ActivateGiftCardMutationVariables = Exact<{
  input: ActivateGiftCardInput;
}>;


export type ActivateGiftCardMutation = { activateGiftCard:
    | { __typename: 'ActivateGiftCardSuccess', activity: { squareId: string, type: GiftCardActivityType, amountMoney: { amount: string, currency: Currency } | null, balanceMoney: { amount: string } | null, giftCard: { id: string, squareId: string, state: GiftCardState | null, balanceMoney: { amount: string, formatted: string } | null } | null } }
    | { __typename: 'ConflictError', message: string, code: string }
    | { __typename: 'GiftCardStateError', message: string, code: string, state: GiftCardState }
    | { __typename: 'NotFoundError', message: string, code: string }
    | { __typename: 'ValidationError', message: string, code: string, field: string }
   | null };

export type LoadGiftCardMutationVariables = Exact<{
  input: LoadGiftCardInput;
}>;


export type LoadGiftCardMutation = { loadGiftCard:
    | { __typename: 'ConflictError', message: string, code: string }
    | { __typename: 'GiftCardStateError', message: string, code: string, state: GiftCardState }
    | { __typename: 'LoadGiftCardSuccess', activity: { squareId: string, type: GiftCardActivityType, amountMoney: { amount: string, currency: Currency } | null, balanceMoney: { amount: string } | null, giftCard: { id: string, squareId: string, state: GiftCardState | null, balanceMoney: { amount: string, formatted: string } | null } | null } }
    | { __typename: 'NotFoundError', message: string, code: string }
    | { __typename: 'ValidationError', message: string, code: string, field: string }
   | null };

export type IncrementGiftCardBalanceMutationVariables = Exact<{
  input: IncrementGiftCardBalanceInput;
}>;


export type IncrementGiftCardBalanceMutation = { incrementGiftCardBalance:
    | { __typename: 'ConflictError', message: string, code: string }
    | { __typename: 'GiftCardStateError', message: string, code: string, state: GiftCardState }
    | { __typename: 'IncrementGiftCardBalanceSuccess', activity: { squareId: string, type: GiftCardActivityType, amountMoney: { amount: string, currency: Currency } | null, balanceMoney: { amount: string } | null, giftCard: { id: string, squareId: string, state: GiftCardState | null, balanceMoney: { amount: string, formatted: string } | null } | null } }
    | { __typename: 'NotFoundError', message: string, code: string }
    | { __typename: 'ValidationError', message: string, code: string, field: string }
   | null };

export type DecrementGiftCardBalanceMutationVariables = Exact<{
  input: DecrementGiftCardBalanceInput;
}>;


export type DecrementGiftCardBalanceMutation = { decrementGiftCardBalance:
    | { __typename: 'ConflictError', message: string, code: string }
    | { __typename: 'DecrementGiftCardBalanceSuccess', activity: { squareId: string, type: GiftCardActivityType, amountMoney: { amount: string, currency: Currency } | null, balanceMoney: { amount: string } | null, giftCard: { id: string, squareId: string, state: GiftCardState | null, balanceMoney: { amount: string, formatted: string } | null } | null } }
    | { __typename: 'GiftCardStateError', message: string, code: string, state: GiftCardState }
    | { __typename: 'InsufficientBalanceError', message: string, code: string, balanceMoney: { amount: string } | null }
    | { __typename: 'NotFoundError', message: string, code: string }
    | { __typename: 'ValidationError', message: string, code: string, field: string }
   | null };

export type RedeemGiftCardMutationVariables = Exact<{
  input: RedeemGiftCardInput;
}>;


export type RedeemGiftCardMutation = { redeemGiftCard:
    | { __typename: 'ConflictError', message: string, code: string }
    | { __typename: 'GiftCardStateError', message: string, code: string, state: GiftCardState }
    | { __typename: 'InsufficientBalanceError', message: string, code: string, balanceMoney: { amount: string } | null }
    | { __typename: 'NotFoundError', message: string, code: string }
    | { __typename: 'RedeemGiftCardSuccess', activity: { squareId: string, type: GiftCardActivityType, amountMoney: { amount: string, currency: Currency } | null, balanceMoney: { amount: string } | null, giftCard: { id: string, squareId: string, state: GiftCardState | null, balanceMoney: { amount: string, formatted: string } | null } | null } }
    | { __typename: 'ValidationError', message: string, code: string, field: string }
   | null };

export type DeactivateGiftCardMutationVariables = Exact<{
  input: DeactivateGiftCardInput;
}>;


export type DeactivateGiftCardMutation = { deactivateGiftCard:
    | { __typename: 'ConflictError', message: string, code: string }
    | { __typename: 'DeactivateGiftCardSuccess', activity: { squareId: string, type: GiftCardActivityType, amountMoney: { amount: string, currency: Currency } | null, balanceMoney: { amount: string } | null, giftCard: { id: string, squareId: string, state: GiftCardState | null, balanceMoney: { amount: string, formatted: string } | null } | null } }
    | { __typename: 'GiftCardStateError', message: string, code: string, state: GiftCardState }
    | { __typename: 'NotFoundError', message: string, code: string }
    | { __typename: 'ValidationError', message: string, code: string, field: string }
   | null };

export type GiftCardListQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: GiftCardFilter | null | undefined;
}>;


export type GiftCardListQuery = { giftCards: { edges: Array<{ cursor: string, node: { squareId: string, type: GiftCardType, state: GiftCardState | null, customers: Array<{ squareId: string }> | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type GiftCardHistoryQueryVariables = Exact<{
  id: string | number;
}>;


export type GiftCardHistoryQuery = { giftCard: { squareId: string, state: GiftCardState | null, balanceMoney: { amount: string } | null, activities: { edges: Array<{ node: { squareId: string, type: GiftCardActivityType, amountMoney: { amount: string } | null } }> } | null } | null };

export type GiftCardLiveSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type GiftCardLiveSubscription = { giftCardUpdated: { squareId: string, state: GiftCardState | null, balanceMoney: { amount: string } | null } };

export type CustomerByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type CustomerByIdQuery = { customer: { id: string, squareId: string, givenName: string | null } | null };

export type OrderWithCustomerQueryVariables = Exact<{
  id: string | number;
}>;


export type OrderWithCustomerQuery = { order: { squareId: string, customer: { squareId: string } | null, payments: Array<{ squareId: string, customer: { squareId: string } | null }> | null } | null };

export type NodeLookupQueryVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type NodeLookupQuery = { nodes: Array<
    | { __typename: 'Card', id: string }
    | { __typename: 'Customer', id: string }
    | { __typename: 'GiftCard', id: string }
    | { __typename: 'Location', id: string }
    | { __typename: 'Order', id: string }
    | { __typename: 'Payment', id: string }
    | { __typename: 'Refund', id: string }
   | null> };

export const GiftCardActivityOutcomeFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GiftCardActivityOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardActivity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"amountMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"giftCard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}}]}}]}}]} as unknown as DocumentNode<GiftCardActivityOutcomeFragment, unknown>;
export const CustomerOverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CustomerOverview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ordersFirst"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"givenName"}},{"kind":"Field","name":{"kind":"Name","value":"familyName"}},{"kind":"Field","name":{"kind":"Name","value":"emailAddress"}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"cards"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"cardBrand"}},{"kind":"Field","name":{"kind":"Name","value":"last4"}},{"kind":"Field","name":{"kind":"Name","value":"expMonth"}},{"kind":"Field","name":{"kind":"Name","value":"expYear"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"fingerprint"}}]}},{"kind":"Field","name":{"kind":"Name","value":"giftCards"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"gan"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ordersFirst"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"totalMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lineItems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tenders"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"payment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"payments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"sourceType"}},{"kind":"Field","name":{"kind":"Name","value":"totalMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cardDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"card"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cardBrand"}},{"kind":"Field","name":{"kind":"Name","value":"last4"}}]}},{"kind":"Field","name":{"kind":"Name","value":"entryMethod"}}]}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<CustomerOverviewQuery, CustomerOverviewQueryVariables>;
export const CreateGiftCardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateGiftCard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateGiftCardInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createGiftCard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateGiftCardSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"giftCard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"gan"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<CreateGiftCardMutation, CreateGiftCardMutationVariables>;
export const ActivateGiftCardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ActivateGiftCard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ActivateGiftCardInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activateGiftCard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ActivateGiftCardSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GiftCardActivityOutcome"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardStateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GiftCardActivityOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardActivity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"amountMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"giftCard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}}]}}]}}]} as unknown as DocumentNode<ActivateGiftCardMutation, ActivateGiftCardMutationVariables>;
export const LoadGiftCardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"LoadGiftCard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoadGiftCardInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"loadGiftCard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoadGiftCardSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GiftCardActivityOutcome"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardStateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GiftCardActivityOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardActivity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"amountMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"giftCard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}}]}}]}}]} as unknown as DocumentNode<LoadGiftCardMutation, LoadGiftCardMutationVariables>;
export const IncrementGiftCardBalanceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"IncrementGiftCardBalance"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"IncrementGiftCardBalanceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"incrementGiftCardBalance"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IncrementGiftCardBalanceSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GiftCardActivityOutcome"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardStateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GiftCardActivityOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardActivity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"amountMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"giftCard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}}]}}]}}]} as unknown as DocumentNode<IncrementGiftCardBalanceMutation, IncrementGiftCardBalanceMutationVariables>;
export const DecrementGiftCardBalanceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DecrementGiftCardBalance"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DecrementGiftCardBalanceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"decrementGiftCardBalance"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DecrementGiftCardBalanceSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GiftCardActivityOutcome"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardStateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InsufficientBalanceError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GiftCardActivityOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardActivity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"amountMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"giftCard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}}]}}]}}]} as unknown as DocumentNode<DecrementGiftCardBalanceMutation, DecrementGiftCardBalanceMutationVariables>;
export const RedeemGiftCardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RedeemGiftCard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RedeemGiftCardInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"redeemGiftCard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RedeemGiftCardSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GiftCardActivityOutcome"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardStateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InsufficientBalanceError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GiftCardActivityOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardActivity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"amountMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"giftCard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}}]}}]}}]} as unknown as DocumentNode<RedeemGiftCardMutation, RedeemGiftCardMutationVariables>;
export const DeactivateGiftCardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeactivateGiftCard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeactivateGiftCardInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deactivateGiftCard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DeactivateGiftCardSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GiftCardActivityOutcome"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardStateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GiftCardActivityOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardActivity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"amountMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"giftCard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}}]}}]}}]} as unknown as DocumentNode<DeactivateGiftCardMutation, DeactivateGiftCardMutationVariables>;
export const GiftCardListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GiftCardList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"GiftCardFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"giftCards"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"customers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<GiftCardListQuery, GiftCardListQueryVariables>;
export const GiftCardHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GiftCardHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"giftCard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"activities"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"amountMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<GiftCardHistoryQuery, GiftCardHistoryQueryVariables>;
export const GiftCardLiveDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"GiftCardLive"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"giftCardUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"giftCardId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"balanceMoney"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}}]}}]}}]} as unknown as DocumentNode<GiftCardLiveSubscription, GiftCardLiveSubscriptionVariables>;
export const CustomerByIdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CustomerById"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"givenName"}}]}}]}}]} as unknown as DocumentNode<CustomerByIdQuery, CustomerByIdQueryVariables>;
export const OrderWithCustomerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OrderWithCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"order"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"payments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"squareId"}}]}}]}}]}}]}}]} as unknown as DocumentNode<OrderWithCustomerQuery, OrderWithCustomerQueryVariables>;
export const NodeLookupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NodeLookup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"__typename"}}]}}]}}]} as unknown as DocumentNode<NodeLookupQuery, NodeLookupQueryVariables>;