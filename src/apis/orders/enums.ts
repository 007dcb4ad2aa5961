import { Square } from 'square';
import { squareEnum } from '../../schema/enums.js';

export const OrderState = squareEnum('OrderState', Square.OrderState, 'Where an order is in its life.');
export const TenderType = squareEnum('TenderType', Square.TenderType, 'How a tender of an order was paid.');
export const TenderCardStatus = squareEnum('TenderCardStatus', Square.TenderCardDetailsStatus, 'Where a card tender is in authorization and capture.');
export const CardEntryMethod = squareEnum('CardEntryMethod', Square.TenderCardDetailsEntryMethod, 'How the card details were entered.');
export const DiscountType = squareEnum('DiscountType', Square.OrderLineItemDiscountType, 'How a discount is computed.');
export const DiscountScope = squareEnum('DiscountScope', Square.OrderLineItemDiscountScope, 'Whether a discount applies to one line item or the whole order.');
export const TaxType = squareEnum('TaxType', Square.OrderLineItemTaxType, 'Whether a tax is added on top of prices or already included in them.');
export const TaxScope = squareEnum('TaxScope', Square.OrderLineItemTaxScope, 'Whether a tax applies to one line item or the whole order.');
