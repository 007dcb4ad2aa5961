import type { ResponseRoute } from './types.js';

export const customerRoutes: ResponseRoute[] = [
  ['GET', '/v2/customers', 'ListCustomersResponse'],
  ['POST', '/v2/customers', 'CreateCustomerResponse'],
  ['POST', '/v2/customers/search', 'SearchCustomersResponse'],
  ['POST', '/v2/customers/bulk-create', 'BulkCreateCustomersResponse'],
  ['POST', '/v2/customers/bulk-retrieve', 'BulkRetrieveCustomersResponse'],
  ['POST', '/v2/customers/bulk-update', 'BulkUpdateCustomersResponse'],
  ['POST', '/v2/customers/bulk-delete', 'BulkDeleteCustomersResponse'],
  ['GET', '/v2/customers/:customer_id', 'GetCustomerResponse'],
  ['PUT', '/v2/customers/:customer_id', 'UpdateCustomerResponse'],
  ['DELETE', '/v2/customers/:customer_id', 'DeleteCustomerResponse'],
];
