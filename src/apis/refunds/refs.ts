import type { Square } from 'square';
import { builder } from '../../schema/builder.js';

export const RefundRef = builder.objectRef<Square.PaymentRefund>('Refund');
