import { Square } from 'square';
import { builder } from './builder.js';

/** A GraphQL enum holding exactly the values of one of the SDK's Square enums. */
function squareEnum<const T extends Record<string, string>>(name: string, values: T, description: string) {
  return builder.enumType(name, { description, values: Object.values(values) as T[keyof T][] });
}

export const Currency = squareEnum('Currency', Square.Currency, 'An ISO 4217 currency code, as Square uses it.');
export const CardBrand = squareEnum('CardBrand', Square.CardBrand, 'The network or issuer of a card.');
export const CardType = squareEnum('CardType', Square.CardType, 'Whether a card is a credit or a debit card, when known.');
export const CardPrepaidType = squareEnum('CardPrepaidType', Square.CardPrepaidType, 'Whether a card is prepaid, when known.');
export const CustomerCreationSource = squareEnum(
  'CustomerCreationSource',
  Square.CustomerCreationSource,
  'How a customer profile came to exist, for example through a merge or an import.',
);
export const GiftCardType = squareEnum('GiftCardType', Square.GiftCardType, 'A physical plastic gift card or a digital one.');
export const GiftCardState = squareEnum('GiftCardState', Square.GiftCardStatus, 'Where a gift card is in its life: pending activation, active, deactivated or blocked.');
export const GiftCardActivityType = squareEnum('GiftCardActivityType', Square.GiftCardActivityType, 'What a gift card activity did to its card.');
export const GiftCardIncrementReason = squareEnum(
  'GiftCardIncrementReason',
  Square.GiftCardActivityAdjustIncrementReason,
  'Why money is added to a gift card outside an activation, load or refund.',
);
export const GiftCardDecrementReason = squareEnum(
  'GiftCardDecrementReason',
  Square.GiftCardActivityAdjustDecrementReason,
  'Why money is taken off a gift card outside a redemption.',
);
export const OrderState = squareEnum('OrderState', Square.OrderState, 'Where an order is in its life.');
export const TenderType = squareEnum('TenderType', Square.TenderType, 'How a tender of an order was paid.');
export const TenderCardStatus = squareEnum('TenderCardStatus', Square.TenderCardDetailsStatus, 'Where a card tender is in authorization and capture.');
export const CardEntryMethod = squareEnum('CardEntryMethod', Square.TenderCardDetailsEntryMethod, 'How the card details were entered.');
export const DiscountType = squareEnum('DiscountType', Square.OrderLineItemDiscountType, 'How a discount is computed.');
export const DiscountScope = squareEnum('DiscountScope', Square.OrderLineItemDiscountScope, 'Whether a discount applies to one line item or the whole order.');
export const TaxType = squareEnum('TaxType', Square.OrderLineItemTaxType, 'Whether a tax is added on top of prices or already included in them.');
export const TaxScope = squareEnum('TaxScope', Square.OrderLineItemTaxScope, 'Whether a tax applies to one line item or the whole order.');
export const CustomAttributeVisibility = squareEnum(
  'CustomAttributeVisibility',
  Square.CustomAttributeDefinitionVisibility,
  'Who besides the app that defined a custom attribute may see it: nobody, other apps reading it, or other apps changing its values too.',
);
export const MerchantStatus = squareEnum('MerchantStatus', Square.MerchantStatus, 'Whether the seller’s Square account is active.');
export const LocationStatus = squareEnum('LocationStatus', Square.LocationStatus, 'Whether a location can take payments.');
export const LocationType = squareEnum('LocationType', Square.LocationType, 'A physical or a mobile location.');
export const DelayAction = squareEnum('DelayAction', Square.PaymentOptionsDelayAction, 'What Square does with an approved payment nobody completed or canceled in time.');

/** Square documents these as strings rather than enums; the values are the ones its reference lists. */
export const PaymentStatus = builder.enumType('PaymentStatus', {
  description: 'Where a payment is: approved (authorized, not yet captured), pending, completed, canceled or failed.',
  values: ['APPROVED', 'PENDING', 'COMPLETED', 'CANCELED', 'FAILED'] as const,
});
export const PaymentSourceType = builder.enumType('PaymentSourceType', {
  description: 'What paid: a card (credit, debit or Square gift card), a bank account, a wallet, cash or an external payment.',
  values: ['CARD', 'BANK_ACCOUNT', 'WALLET', 'BUY_NOW_PAY_LATER', 'SQUARE_ACCOUNT', 'CASH', 'EXTERNAL'] as const,
});
/** A payment refund's status; Square.RefundStatus is the Orders API's (APPROVED rather than COMPLETED). */
export const RefundStatus = builder.enumType('RefundStatus', {
  description: 'Where a refund is: pending, completed, rejected or failed.',
  values: ['PENDING', 'COMPLETED', 'REJECTED', 'FAILED'] as const,
});
export const CardPaymentStatus = builder.enumType('CardPaymentStatus', {
  description: 'Where the card part of a payment is: authorized, captured, voided or failed.',
  values: ['AUTHORIZED', 'CAPTURED', 'VOIDED', 'FAILED'] as const,
});
export const CvvStatus = builder.enumType('CvvStatus', {
  description: 'The result of checking the card security code.',
  values: ['CVV_ACCEPTED', 'CVV_REJECTED', 'CVV_NOT_CHECKED'] as const,
});
export const AvsStatus = builder.enumType('AvsStatus', {
  description: 'The result of checking the billing postal code.',
  values: ['AVS_ACCEPTED', 'AVS_REJECTED', 'AVS_NOT_CHECKED'] as const,
});
export const LoyaltyProgramStatus = squareEnum('LoyaltyProgramStatus', Square.LoyaltyProgramStatus, 'Whether buyers can earn and redeem points now.');
export const LoyaltyAccrualType = squareEnum(
  'LoyaltyAccrualType',
  Square.LoyaltyProgramAccrualRuleType,
  'What earns points: a visit, money spent, a given item variation, or an item of a given category.',
);
export const LoyaltyTaxMode = squareEnum('LoyaltyTaxMode', Square.LoyaltyProgramAccrualRuleTaxMode, 'Whether taxes count toward the amount that earns points.');
export const LoyaltyEventType = squareEnum('LoyaltyEventType', Square.LoyaltyEventType, 'What changed a loyalty account’s points.');
export const LoyaltyRewardStatus = squareEnum('LoyaltyRewardStatus', Square.LoyaltyRewardStatus, 'Where a reward is: issued (points locked), redeemed, or deleted (points given back).');
