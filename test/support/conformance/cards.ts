import type { ResponseRoute } from './types.js';

export const cardRoutes: ResponseRoute[] = [
  ['GET', '/v2/cards', 'ListCardsResponse'],
  ['POST', '/v2/cards', 'CreateCardResponse'],
  ['GET', '/v2/cards/:card_id', 'GetCardResponse'],
  ['POST', '/v2/cards/:card_id/disable', 'DisableCardResponse'],
];
