import type { Square } from 'square';
import { builder } from '../../schema/builder.js';

export const InventoryCountRef = builder.objectRef<Square.InventoryCount>('InventoryCount');
