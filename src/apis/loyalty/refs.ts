import type { Square } from 'square';
import { builder } from '../../schema/builder.js';

export const LoyaltyProgramRef = builder.objectRef<Square.LoyaltyProgram>('LoyaltyProgram');

export const LoyaltyAccountRef = builder.objectRef<Square.LoyaltyAccount>('LoyaltyAccount');

export const LoyaltyEventRef = builder.objectRef<Square.LoyaltyEvent>('LoyaltyEvent');

export const LoyaltyRewardRef = builder.objectRef<Square.LoyaltyReward>('LoyaltyReward');
