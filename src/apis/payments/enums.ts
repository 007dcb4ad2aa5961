import { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { squareEnum } from '../../schema/enums.js';

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
