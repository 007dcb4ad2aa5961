import type { Square } from 'square';
import { builder } from '../../schema/builder.js';

export const LocationRef = builder.objectRef<Square.Location>('Location');
