import { Square } from 'square';
import { squareEnum } from '../../schema/enums.js';

export const MerchantStatus = squareEnum('MerchantStatus', Square.MerchantStatus, 'Whether the seller’s Square account is active.');
