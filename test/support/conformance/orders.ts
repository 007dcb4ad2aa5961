import type { ResponseRoute } from './types.js';

export const orderRoutes: ResponseRoute[] = [
  ['POST', '/v2/orders', 'CreateOrderResponse'],
  ['POST', '/v2/orders/batch-retrieve', 'BatchGetOrdersResponse'],
  ['POST', '/v2/orders/calculate', 'CalculateOrderResponse'],
  ['POST', '/v2/orders/clone', 'CloneOrderResponse'],
  ['POST', '/v2/orders/search', 'SearchOrdersResponse'],
  ['GET', '/v2/orders/:order_id', 'GetOrderResponse'],
  ['PUT', '/v2/orders/:order_id', 'UpdateOrderResponse'],
  ['POST', '/v2/orders/:order_id/pay', 'PayOrderResponse'],
];
