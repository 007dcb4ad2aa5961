import type { Square } from 'square';
import { builder } from '../../schema/builder.js';

export const CardRef = builder.objectRef<Square.Card>('Card');
