import { Square } from 'square';
import { squareEnum } from '../../schema/enums.js';

export const CustomerCreationSource = squareEnum(
  'CustomerCreationSource',
  Square.CustomerCreationSource,
  'How a customer profile came to exist, for example through a merge or an import.',
);
