import { Square } from 'square';
import { squareEnum } from '../../schema/enums.js';

export const CardBrand = squareEnum('CardBrand', Square.CardBrand, 'The network or issuer of a card.');
export const CardType = squareEnum('CardType', Square.CardType, 'Whether a card is a credit or a debit card, when known.');
export const CardPrepaidType = squareEnum('CardPrepaidType', Square.CardPrepaidType, 'Whether a card is prepaid, when known.');
