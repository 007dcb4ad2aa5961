import { Square } from 'square';
import { squareEnum } from '../../schema/enums.js';

export const LoyaltyProgramStatus = squareEnum('LoyaltyProgramStatus', Square.LoyaltyProgramStatus, 'Whether buyers can earn and redeem points now.');
export const LoyaltyAccrualType = squareEnum(
  'LoyaltyAccrualType',
  Square.LoyaltyProgramAccrualRuleType,
  'What earns points: a visit, money spent, a given item variation, or an item of a given category.',
);
export const LoyaltyTaxMode = squareEnum('LoyaltyTaxMode', Square.LoyaltyProgramAccrualRuleTaxMode, 'Whether taxes count toward the amount that earns points.');
export const LoyaltyEventType = squareEnum('LoyaltyEventType', Square.LoyaltyEventType, 'What changed a loyalty account’s points.');
export const LoyaltyRewardStatus = squareEnum('LoyaltyRewardStatus', Square.LoyaltyRewardStatus, 'Where a reward is: issued (points locked), redeemed, or deleted (points given back).');
