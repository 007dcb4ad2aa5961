import { Square } from 'square';
import { squareEnum } from '../../schema/enums.js';

export const CustomAttributeVisibility = squareEnum(
  'CustomAttributeVisibility',
  Square.CustomAttributeDefinitionVisibility,
  'Who besides the app that defined a custom attribute may see it: nobody, other apps reading it, or other apps changing its values too.',
);
