import { Square } from 'square';
import { squareEnum } from '../../schema/enums.js';

export const LocationStatus = squareEnum('LocationStatus', Square.LocationStatus, 'Whether a location can take payments.');
export const LocationType = squareEnum('LocationType', Square.LocationType, 'A physical or a mobile location.');
